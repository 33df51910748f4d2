/** A non-negative decimal, as `Retry-After` and `retry-after-ms` carry it. */
const plainNumberPattern = /^\s*\d+(\.\d+)?\s*$/;

/**
 * RFC 9110's HTTP-date forms: IMF-fixdate, RFC 850, asctime. Only these reach Date.parse, which
 * reads almost anything as a date ("soon 2030", "Retry in 10"): junk falls back to the backoff.
 */
const httpDatePattern =
  /^[A-Z][a-z]{2}(, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT|[a-z]{3,6}, \d\d-[A-Z][a-z]{2}-\d\d [\d:]{8} GMT| [A-Z][a-z]{2} [ \d]\d [\d:]{8} \d{4})$/;

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
