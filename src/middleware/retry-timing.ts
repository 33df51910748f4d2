/** How long the retry layer waits between attempts. @public */
export interface RetryTiming {
  /**
   * The first backoff delay, doubled for each further retry.
   * @defaultValue 0.5
   */
  readonly initialDelayInSeconds?: number;
  /**
   * The longest backoff delay.
   * @defaultValue 8
   */
  readonly maxDelayInSeconds?: number;
  /**
   * The longest delay a server may ask for (`Retry-After`) that the SDK will sleep through.
   * A longer one fails the call at once, with the delay on the error.
   * @defaultValue 60
   */
  readonly maxRetryAfterInSeconds?: number;
  /**
   * Returns a number in [0, 1) for jitter. Replace it to make delays predictable in tests.
   * @defaultValue Math.random
   */
  readonly random?: () => number;
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

/** A non-negative decimal, as `Retry-After` and `retry-after-ms` carry it. */
const plainNumberPattern = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The delay a response asks for before a retry, in seconds: `retry-after-ms` (milliseconds),
 * else `Retry-After` as seconds or as an HTTP date. `undefined` when there is none or it
 * cannot be read. A date in the past means "now" (0).
 * @public
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && plainNumberPattern.test(milliseconds)) return Number(milliseconds) / 1000;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (plainNumberPattern.test(value)) return Number(value);
  // Only an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`): Date.parse also reads "-4" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
