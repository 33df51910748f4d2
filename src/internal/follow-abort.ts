import { ignore } from "./ignore.js";

/**
 * Aborts `controller` when `signal` does (at once if it already has), with its reason unless
 * `withReason` is false, and returns the function that stops listening. A hand-made link rather
 * than `AbortSignal.any`, which leaks listeners in some Node 20 releases and is missing in older
 * browsers.
 */
export function followAbort(
  signal: AbortSignal | undefined,
  controller: AbortController,
  withReason = true,
): () => void {
  if (signal === undefined) return ignore;
  const onAbort = () => controller.abort(withReason ? signal.reason : undefined);
  if (signal.aborted) {
    onAbort();
    return ignore;
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
