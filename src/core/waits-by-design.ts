/**
 * The handles of the SDK's plugins whose time outside `next()` is the wait they are made for
 * (the rate limiter's queue for a slot): the guard of users' middleware does not bound that time
 * by `timeoutInSeconds` (a wait past it failed the call, and the slot it held was never given
 * back: calls behind it waited longer still). The caller's abort still ends it.
 *
 * A set of the functions themselves, not a mark on them: a mark is copied by `Object.assign`,
 * inherited through a prototype and faked by a Proxy's `has`, and reading it runs a Proxy's
 * trap. One set for both builds (under `Symbol.for`), so that the CJS build's rate limiter in
 * an ESM client waits as it should; code that reaches for it by that key on purpose is the
 * caller's own to answer for, as any monkey-patching of the SDK is.
 */
export const waitsByDesign: WeakSet<object> = sharedSet();

function sharedSet(): WeakSet<object> {
  const key = Symbol.for("cohere-batches.waits-by-design");
  try {
    const held: unknown = Reflect.get(globalThis, key);
    if (held === undefined) {
      const set = new WeakSet<object>();
      Object.defineProperty(globalThis, key, { value: set });
      return set;
    }
    // The other build's set, or whatever else is there: only a real WeakSet passes this.
    WeakSet.prototype.has.call(held, sharedSet);
    return held as WeakSet<object>;
  } catch {
    // A frozen global, or junk under the key: this build's own set (the other's rate limiter is
    // then bounded as users' plugins are).
    return new WeakSet<object>();
  }
}
