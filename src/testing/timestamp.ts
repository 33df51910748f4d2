/**
 * RFC 3339 timestamps as Cohere sends them: protobuf's JSON form of a `Timestamp`, in UTC, with
 * 0, 3, 6 or 9 fraction digits, as few as the value needs (`2026-01-01T00:00:00Z`,
 * `2026-01-01T00:00:01.500Z`, `2025-03-05T14:59:25.438936Z`). The API's int64 counts sent as
 * strings are the same protobuf JSON mapping.
 *
 * Internally the fake keeps times as integer microseconds since the epoch (exact in a double
 * until the year 2255), so the microseconds survive every round trip.
 *
 * @packageDocumentation
 */

/** Converts clock milliseconds (maybe fractional) to whole microseconds, rounding down so time never runs ahead of the clock. */
export function msToMicros(ms: number): number {
  return Math.floor(ms * 1000);
}

/**
 * Formats microseconds since the epoch as RFC 3339 UTC the way protobuf's JSON mapping does:
 * no fraction for a whole second, else 3 digits for whole milliseconds, else 6.
 *
 * @example
 * ```ts
 * formatTimestamp(1_767_225_600_000_000); // "2026-01-01T00:00:00Z"
 * formatTimestamp(1_767_225_601_500_000); // "2026-01-01T00:00:01.500Z"
 * formatTimestamp(1_767_225_601_000_250); // "2026-01-01T00:00:01.000250Z"
 * ```
 */
export function formatTimestamp(micros: number): string {
  const wholeSeconds = Math.floor(micros / 1_000_000);
  const fraction = micros - wholeSeconds * 1_000_000;
  const digits =
    fraction === 0
      ? ""
      : fraction % 1000 === 0
        ? `.${String(fraction / 1000).padStart(3, "0")}`
        : `.${String(fraction).padStart(6, "0")}`;
  // toISOString ends in ".000Z" for a whole second: its fraction is replaced by the one above.
  return `${new Date(wholeSeconds * 1000).toISOString().slice(0, -5)}${digits}Z`;
}

// As Cohere's gateway (Go's RFC 3339 parser, protobuf's Timestamp) reads one: `T` and `Z` in upper
// case, hours 00-23, no leap second, at most 9 digits of fraction. (Written here, not shared with
// the SDK's own check: a fake that borrowed the SDK's rules could not catch the SDK's mistakes.)
const RFC3339 =
  /^((\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(?:\.(\d{1,9}))?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Parses an RFC 3339 timestamp to microseconds since the epoch, keeping up to six fraction
 * digits (Date.parse keeps only three): digits past the sixth round down, or up with `roundUp`
 * (a `before` bound of `….500000001Z` still lets `….500000Z` through). A day past its month's
 * end is none (Date.parse would roll February 31 over into March).
 *
 * @returns The microseconds, or `undefined` if `text` is not RFC 3339.
 */
export function parseTimestamp(text: string, roundUp = false): number | undefined {
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
  const beyond = roundUp && /[1-9]/.test(fraction.slice(6)) ? 1 : 0;
  return wholeMs * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6)) + beyond;
}
