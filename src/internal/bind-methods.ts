/**
 * Gives a client its methods as its own properties, bound to it, so that a method taken off its
 * client still reaches it: `const { list } = client.batches`, `ids.map(client.batches.retrieve)`
 * or `onClick={client.batches.cancel}` would otherwise fail on `this` with a raw `TypeError`
 * before the SDK could say anything. The methods of every class in the chain are bound, the most
 * derived first; they stay on the prototypes too, where the docs and `instanceof` find them.
 * Bound copies are neither enumerable nor fixed, so a log of the client stays short and a test
 * can still spy on one.
 */
export function bindMethods(client: object): void {
  for (let proto = Object.getPrototypeOf(client); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (name !== "constructor" && typeof method === "function" && !Object.hasOwn(client, name))
        Object.defineProperty(client, name, { value: method.bind(client), writable: true, configurable: true });
    }
  }
}
