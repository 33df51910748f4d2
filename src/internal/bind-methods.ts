/**
 * Gives a client its methods as its own properties, tied to it, so that a method taken off its
 * client still reaches it: `const { list } = client.batches`, `ids.map(client.batches.retrieve)`
 * or `onClick={client.batches.cancel}` would otherwise fail on `this` with a raw `TypeError`
 * before the SDK could say anything. The methods of every class in the chain get one, the most
 * derived definition of a name winning, whatever it is (a subclass's getter is not shadowed by a
 * copy of the method it overrides); they stay on the prototypes too, where the docs and
 * `instanceof` find them. The copies are neither enumerable nor fixed, so a log of the client
 * stays short and a test can still spy on one.
 */
export function bindMethods(client: object): void {
  const seen = new Set<string>(["constructor"]);
  for (let proto = Object.getPrototypeOf(client); proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method: unknown = seen.has(name) ? undefined : Object.getOwnPropertyDescriptor(proto, name)?.value;
      seen.add(name);
      if (typeof method === "function" && !Object.hasOwn(client, name))
        Object.defineProperty(client, name, {
          // Named as the method (a stack reads `BatchesClient.list`), and looked up at each call:
          // a spy or a patch put on a class's prototype after the client was made
          // (`vi.spyOn(BatchesClient.prototype, "list")`) still sees the client's calls.
          value: {
            [name]: (...args: unknown[]): unknown => {
              const current: unknown = Reflect.get(Object.getPrototypeOf(client) as object, name, client);
              return (typeof current === "function" ? current : method).apply(client, args);
            },
          }[name],
          writable: true,
          configurable: true,
        });
    }
}
