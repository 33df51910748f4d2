/**
 * A `Proxy` whose every trap throws (`"get refused"`, `"getPrototypeOf refused"`, ...): the
 * worst value a caller can pass as input, or users' code can throw or reject with. (The
 * hostile-user soak, bench/hostile/user.mjs, has its own copy: bench/ does not import tests.)
 */
export function unreadableValue(): never {
  return new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"].map((trap) => [
        trap,
        () => {
          throw new Error(`${trap} refused`);
        },
      ]),
    ),
  ) as never;
}
