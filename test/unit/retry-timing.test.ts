import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/index.js";
import { backoffDelayInSeconds } from "../../src/middleware/retry-timing.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  it.each([
    [{ "retry-after": "3" }, 3],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": "1.5" }, 1.5],
    [{ "retry-after": "Sun, 29 Nov 2026 12:00:10 GMT" }, 10],
    [{ "retry-after": "Sun, 29 Nov 2026 11:00:00 GMT" }, 0],
    [{ "retry-after-ms": "1500" }, 1.5],
    [{ "retry-after-ms": "200", "retry-after": "9" }, 0.2],
    [{ "retry-after-ms": "soon", "retry-after": "9" }, 9],
    [{ "retry-after": "tomorrow-ish" }, undefined],
    [{ "retry-after": "-4" }, undefined],
    [{}, undefined],
  ])("reads %j as %s seconds", (headers, seconds) => {
    expect(parseRetryAfter(new Headers(headers), now)).toBe(seconds);
  });

  // RFC 9110's three HTTP-date forms; the obsolete asctime form has no zone and means UTC.
  it.each([
    ["Sun, 29 Nov 2026 12:00:10 GMT", 10],
    ["Sunday, 29-Nov-26 12:00:20 GMT", 20],
    ["Sun Nov 29 12:00:30 2026", 30],
    ["Sun Nov  1 12:00:00 2026", 0],
  ])("reads the HTTP date %j as %s seconds", (value, seconds) => {
    expect(parseRetryAfter(new Headers({ "retry-after": value }), now)).toBe(seconds);
  });

  // Date.parse reads almost anything with a letter in it as a date ("soon 2030" is 2030, "Retry
  // in 10" is 2001): junk must fall back to the backoff, not become a delay of years or of 0.
  it.each([
    "soon 2030",
    "Retry in 10",
    "1 minute",
    "30s",
    "2026-11-29T12:00:10Z",
    "Sun, 29 Nov 2026 12:00:10",
    "x, 2030 10:00:00 GMT",
    "Retry in 10 00:00:10 GMT",
  ])("ignores %j, which is not an HTTP date", (value) => {
    expect(parseRetryAfter(new Headers({ "retry-after": value }), now)).toBeUndefined();
  });
});

describe("backoffDelayInSeconds", () => {
  it("doubles from the initial delay up to the maximum", () => {
    const exact = { random: () => 0 };
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayInSeconds(retry, exact))).toEqual([0.5, 1, 2, 4, 8, 8]);
  });

  it("takes off at most a quarter for jitter", () => {
    expect(backoffDelayInSeconds(1, { random: () => 0.999999 })).toBeCloseTo(0.375, 3);
    for (let index = 0; index < 200; index++) {
      const delay = backoffDelayInSeconds(3);
      expect(delay).toBeGreaterThan(1.5 - 1e-9);
      expect(delay).toBeLessThanOrEqual(2);
    }
  });
});
