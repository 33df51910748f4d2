/** A non-negative decimal, as `Retry-After` and `retry-after-ms` carry it. */
const plainNumberPattern = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The shape of RFC 9110's HTTP-date forms: a day name, a day, a month and a year, a time and GMT
 * (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`), or
 * asctime's order with the year last (`Sun Nov  6 08:49:37 1994`). Only these reach Date.parse, which reads almost anything
 * as a date ("soon 2030", "Retry in 10"): junk falls back to the backoff.
 */
const httpDatePattern = /^\w+, \d\d[ -]\w{3}[ -]\d{2,4} [\d:]{8} GMT$|^\w{3} \w{3} [ \d]\d [\d:]{8} \d{4}$/;

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
  // asctime has no zone and means UTC; Date.parse would read it as local time.
  const date = httpDatePattern.test(value) ? Date.parse(/\d$/.test(value) ? `${value} GMT` : value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
