/**
 * RFC 3339 timestamps with microseconds, as Cohere sends them (`2026-01-01T00:00:00.000000Z`).
 *
 * Internally the fake keeps times as integer microseconds since the epoch (exact in a double
 * until the year 2255), so the six fraction digits survive every round trip.
 *
 * @packageDocumentation
 */

/** Converts clock milliseconds (maybe fractional) to whole microseconds, rounding down so time never runs ahead of the clock. */
export function msToMicros(ms: number): number {
  return Math.floor(ms * 1000);
}

/**
 * Formats microseconds since the epoch as RFC 3339 UTC with exactly six fraction digits.
 *
 * @example
 * ```ts
 * formatTimestamp(1_767_225_600_000_000); // "2026-01-01T00:00:00.000000Z"
 * ```
 */
export function formatTimestamp(micros: number): string {
  const wholeMs = Math.floor(micros / 1000);
  const fraction = String(((micros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0");
  // toISOString gives milliseconds; replace its 3-digit fraction with the 6-digit one.
  return new Date(wholeMs).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

// As Cohere's gateway (Go's RFC 3339 parser, protobuf's Timestamp) reads one: `T` and `Z` in upper
// case, hours 00-23, no leap second, at most 9 digits of fraction. (Written here, not shared with
// the SDK's own check: a fake that borrowed the SDK's rules could not catch the SDK's mistakes.)
const RFC3339 =
  /^((\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(?:\.(\d{1,9}))?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Parses an RFC 3339 timestamp to microseconds since the epoch, keeping up to six fraction
 * digits (Date.parse keeps only three). A day past its month's end is none (Date.parse would roll
 * February 31 over into March).
 *
 * @returns The microseconds, or `undefined` if `text` is not RFC 3339.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, seconds = "", year = "", month = "", day = "", fraction = "", zone = "Z"] = match;
  // A day that is not in its month rolls over into the next one (setUTCFullYear, unlike Date.UTC,
  // takes years 0-99 as they are).
  const probe = new Date(0);
  probe.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (probe.getUTCDate() !== Number(day)) return undefined;
  const wholeMs = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(wholeMs)) return undefined;
  return wholeMs * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}
