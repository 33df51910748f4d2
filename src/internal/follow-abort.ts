/**
 * Aborts `controller` when `signal` does (at once if it already has), and returns the function
 * that stops listening. A hand-made link rather than `AbortSignal.any`, which leaks listeners in
 * some Node 20 releases and is missing in older browsers.
 */
export function followAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return noop;
  }
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

function noop(): void {}
