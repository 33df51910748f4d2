/** The longest delay a server may ask for (`Retry-After`) that is slept through, by default. */
export const DEFAULT_MAX_RETRY_AFTER_IN_SECONDS = 60;

/** How long the retry layer waits between attempts. @public */
export interface RetryTiming {
  /**
   * The first backoff delay, doubled for each further retry.
   * @defaultValue 0.5
   */
  readonly initialDelayInSeconds?: number | undefined;
  /**
   * The longest backoff delay.
   * @defaultValue 8
   */
  readonly maxDelayInSeconds?: number | undefined;
  /**
   * The longest delay a server may ask for (`Retry-After`) that the SDK will sleep through.
   * A longer one fails the call at once, with the delay on the error, whatever `shouldRetry`
   * says.
   * @defaultValue 60
   */
  readonly maxRetryAfterInSeconds?: number | undefined;
  /**
   * Returns a number in [0, 1) for jitter. Replace it to make delays predictable in tests.
   * @defaultValue Math.random
   */
  readonly random?: (() => number) | undefined;
}

/**
 * Exponential backoff with jitter: the n-th retry waits up to `initial * 2^(n-1)` seconds,
 * capped at `max`, less up to 25% at random so that clients that failed together do not
 * retry together.
 */
export function backoffDelayInSeconds(retry: number, timing: RetryTiming = {}): number {
  const { initialDelayInSeconds = 0.5, maxDelayInSeconds = 8, random = Math.random } = timing;
  const ceiling = Math.min(initialDelayInSeconds * 2 ** (retry - 1), maxDelayInSeconds);
  return ceiling * (1 - 0.25 * random());
}

export { parseRetryAfter } from "../core/retry-after.js";
