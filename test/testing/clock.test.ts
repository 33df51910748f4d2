import { describe, expect, it } from "vitest";
import { DEFAULT_CLOCK_START_MS, ManualClock, RealClock } from "../../src/testing/index.js";

describe("ManualClock", () => {
  it("starts at 2026-01-01T00:00:00Z by default, or at the given time", () => {
    expect(new ManualClock().now()).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(DEFAULT_CLOCK_START_MS).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(new ManualClock(42).now()).toBe(42);
  });

  it("moves only when advanced or set", () => {
    const clock = new ManualClock(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
    clock.advance(0.25);
    expect(clock.now()).toBe(1500.25);
    clock.set(10);
    expect(clock.now()).toBe(10);
  });

  it("refuses to go backwards with advance, and non-finite times", () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.set(Infinity)).toThrow(RangeError);
    expect(() => new ManualClock(Number.NaN)).toThrow(RangeError);
  });
});

describe("RealClock", () => {
  it("follows the wall clock", async () => {
    const clock = new RealClock();
    const before = Date.now();
    expect(Math.abs(clock.now() - before)).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(clock.now() - before).toBeGreaterThanOrEqual(25);
  });

  it("runs `speed` times faster", async () => {
    const clock = new RealClock({ speed: 100 });
    const start = clock.now();
    const realStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const real = performance.now() - realStart;
    expect(clock.now() - start).toBeGreaterThanOrEqual(real * 100 * 0.9);
    expect(clock.now() - start).toBeLessThan((real + 50) * 100);
  });

  it("refuses a speed that is not positive", () => {
    expect(() => new RealClock({ speed: 0 })).toThrow(RangeError);
    expect(() => new RealClock({ speed: -2 })).toThrow(RangeError);
  });
});
