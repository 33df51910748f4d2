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
  if (signal === undefined) return noop;
  // The caller's signals reach here as `trustedSignal` made them; a throw in a listener would be
  // an uncaught exception all the same, so a `reason` that throws is the reason.
  const onAbort = () => {
    let reason: unknown;
    try {
      reason = withReason ? signal.reason : undefined;
    } catch (error) {
      reason = error;
    }
    controller.abort(reason);
  };
  if (signal.aborted) {
    onAbort();
    return noop;
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

function noop(): void {}
