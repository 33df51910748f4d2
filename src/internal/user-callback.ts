/**
 * Calls a user's callback (`onProgress`, a logger) so that it cannot fail the call it observes:
 * a throw, or a promise it returns that rejects, is reported with `console.warn` and otherwise
 * ignored. The callback is not awaited: one that never settles holds nothing up.
 */
export function callUserCallback<A extends unknown[]>(
  what: string,
  callback: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (callback === undefined) return;
  try {
    const result = callback(...args);
    if (isThenable(result)) result.then(undefined, (error: unknown) => reportCallbackError(what, error));
  } catch (error) {
    reportCallbackError(what, error);
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/** Reports a failed callback where every runtime shows it, without throwing. */
export function reportCallbackError(what: string, error: unknown): void {
  try {
    globalThis.console?.warn(`cohere-batches: ${what} failed and was ignored.`, error);
  } catch {
    // A console that throws has nowhere left to report to.
  }
}
