/** A non-negative decimal, as `Retry-After` and `retry-after-ms` carry it. */
const plainNumberPattern = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The delay a response asks for before a retry, in seconds: `retry-after-ms` (milliseconds),
 * else `Retry-After` as seconds or as an HTTP date. `undefined` when there is none or it
 * cannot be read. A date in the past means "now" (0).
 *
 * @example
 * ```ts
 * parseRetryAfter(new Headers({ "retry-after": "2" })); // 2
 * parseRetryAfter(new Headers({ "retry-after-ms": "150" })); // 0.15
 * ```
 * @throws Never.
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
