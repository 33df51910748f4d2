import { CohereAbortError } from "../core/errors/abort-error.js";

/**
 * Waits `milliseconds`, or rejects with `CohereAbortError` as soon as `signal` fires. The
 * timer and the listener are removed either way, so nothing keeps a process alive afterwards.
 */
export function delay(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CohereAbortError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CohereAbortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
