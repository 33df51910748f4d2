import { abortNamed, callFailure, namedBeforeCall } from "../core/errors/call-failure.js";
import { CohereAbortError } from "../core/errors/abort-error.js";
import { isAbortSignal, trustedSignal } from "../core/caller-signal.js";
import { boundBySignal } from "./bound-by-signal.js";
import { describeCause } from "./cause-chain.js";

/**
 * One of the SDK's own lazily loaded chunks, typed and bounded: `load` is the literal
 * `() => import("./x.js")` (so bundlers still split it); `what` names the code in the error
 * ("the waiter"); `bound` is the signal that ends the wait, or the caller's options holding one
 * as `abortSignal` (options are checked once the chunk that checks them is loaded: junk there,
 * even a getter that throws, only means no signal).
 *
 * @remarks
 * In a browser, an app's bundler fetches a chunk over the network on first use, and that fetch
 * can fail (offline, a deploy that replaced the app's chunks) or stall. Either would reach the
 * caller as a `TypeError` or a call that never settles: here it is a `CohereError` naming the
 * code, and the wait ends when the signal fires (`onAbort` gives the error, or names the method
 * the caller called for its `CohereAbortError`: `"waitUntilDone"`; by default it is unnamed,
 * for a load inside a call or a workflow that names its own failures). Nothing is cached on failure: the module system decides whether to try
 * again.
 */
export function loadChunk<T>(
  load: () => Promise<T>,
  what: string,
  bound?: unknown,
  onAbort?: (() => unknown) | string,
): Promise<T> {
  let loading: Promise<T>;
  try {
    loading = load();
  } catch (error) {
    loading = Promise.reject(error);
  }
  const typed = loading.catch((error: unknown) => {
    const failure = callFailure(`cohere-batches could not load ${what}: ${describeCause(error)}`, { cause: error });
    // Named by the method called when it loads before any call (`waitUntilDone: ...`), else by the call.
    throw typeof onAbort === "string" ? namedBeforeCall(failure, onAbort) : failure;
  });
  const signal = callerSignal(bound);
  const aborted =
    typeof onAbort === "function"
      ? onAbort
      : () => (onAbort === undefined ? new CohereAbortError(signal?.reason) : abortNamed(onAbort, signal?.reason));
  return boundBySignal(typed, signal, aborted);
}

/**
 * `bound` when it is a signal, else the caller's `abortSignal` in it (request options, a run
 * request), when it is one.
 */
export function callerSignal(bound: unknown): AbortSignal | undefined {
  try {
    if (isAbortSignal(bound)) return trustedSignal(bound);
    const signal: unknown = typeof bound === "object" && bound !== null ? Reflect.get(bound, "abortSignal") : undefined;
    return isAbortSignal(signal) ? trustedSignal(signal) : undefined;
  } catch {
    return undefined;
  }
}
