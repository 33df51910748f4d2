/**
 * Calls a user's callback (`onProgress`, a logger) so that it cannot fail the call it observes:
 * a throw, or a promise it returns that rejects, is reported with `console.warn` and otherwise
 * ignored. The callback is not awaited: one that never settles holds nothing up.
 *
 * Reported once per `owner` (the callback, or the logger whose method it calls): a logger that
 * throws on every line, or an `onAttempt` on every attempt, would print a warning and a stack
 * per request, thousands a second on a busy client.
 */
export function callUserCallback<A>(
  what: string,
  callback: ((arg: A) => unknown) | undefined,
  arg: A,
  owner: object | undefined = callback,
): void {
  if (callback === undefined) return;
  try {
    const result = callback(arg);
    if (isThenable(result)) result.then(undefined, (error: unknown) => reportOnce(what, error, owner as object));
  } catch (error) {
    reportOnce(what, error, owner as object);
  }
}

/** The owners of callbacks whose failure has been reported (see `callUserCallback`). */
const reported = new WeakSet<object>();

/**
 * The code of callbacks whose failure has been reported, by what they are: a callback written
 * inline in a call's options is a new function at every call, the same code (1,000 calls with an
 * inline `onProgress` that throws printed 1,000 warnings "reported once"). Closures one factory
 * makes share a code too, and are reported once between them. At most 256 kept.
 */
const reportedCode = new Set<string>();

/** Reports `error` of `owner`'s callback (`what`) unless a failure of `owner`'s (or of a function of the same code) was reported already. */
export function reportOnce(what: string, error: unknown, owner: object): void {
  if (reported.has(owner)) return;
  reported.add(owner);
  if (typeof owner === "function") {
    let code = "";
    try {
      code = Function.prototype.toString.call(owner);
    } catch {
      // A revoked Proxy has no code to read: it is its own.
    }
    // Only a code that tells functions apart: a bound function's, a Proxy's or a built-in's
    // reads "[native code]" in every engine, whatever function it is (each is its own).
    if (code && !code.includes("[native code]")) {
      const key = `${what}\n${code}`;
      if (reportedCode.has(key)) return;
      if (reportedCode.size === 256) reportedCode.clear();
      reportedCode.add(key);
    }
  }
  reportCallbackError(what, error, " (reported once)");
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/** Reports a failed callback where every runtime shows it, without throwing. */
export function reportCallbackError(what: string, error: unknown, note = ""): void {
  try {
    globalThis.console?.warn(`cohere-batches: ${what} failed and was ignored${note}.`, error);
  } catch {
    // A console that throws has nowhere left to report to.
  }
}
