import { CohereAbortError } from "../core/errors/abort-error.js";

/**
 * Waits `milliseconds`, or rejects with `CohereAbortError` as soon as `signal` fires. The
 * timer and the listener are removed either way, so nothing keeps a process alive afterwards.
 */
export function delay(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CohereAbortError(signal.reason));
  return new Promise((resolve, reject) => {
    const end = Date.now() + milliseconds;
    let timer: ReturnType<typeof setTimeout>;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CohereAbortError(signal?.reason));
    };
    // setTimeout takes at most 2^31 - 1 ms (24.8 days): a longer delay (a rate limit of one call
    // a month) fired after 1 ms. Armed again for what is left, as often as it takes.
    const arm = (left: number) => {
      timer = setTimeout(
        () => {
          if (left > maxTimeout) return arm(end - Date.now());
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.min(left, maxTimeout),
      );
    };
    arm(milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const maxTimeout = 2 ** 31 - 1;
