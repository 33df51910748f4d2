/**
 * The clocks that drive the fake's batch life cycle.
 *
 * The life cycle is evaluated lazily from the clock, so a test that owns the clock owns time:
 * it can jump a batch from queued to completed without sleeping.
 *
 * @packageDocumentation
 */
import { checkKnownKeys } from "./option-checks.js";

/**
 * A source of "now" for {@link FakeCohere}: the life cycle of every batch and every timestamp
 * the fake sends are derived from it.
 *
 * @example
 * ```ts
 * const fixed: Clock = { now: () => Date.parse("2026-01-01T00:00:00Z") };
 * ```
 * @public
 */
export interface Clock {
  /** The current time, in milliseconds since the Unix epoch (fractions of a millisecond allowed). */
  now(): number;
}

/**
 * The default start of a {@link ManualClock}: 2026-01-01T00:00:00Z.
 *
 * A fixed date rather than the wall clock, so that timestamps in tests are reproducible.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * clock.now() === DEFAULT_CLOCK_START_MS; // true
 * ```
 * @public
 */
export const DEFAULT_CLOCK_START_MS: number = Date.UTC(2026, 0, 1);

// The fake counts time in whole microseconds, exact as numbers within ±2^53: 1684 to 2255.
export const MAX_TIME_MS: number = Math.floor(Number.MAX_SAFE_INTEGER / 1000); // 2255-06-05T23:47:34.740Z

function assertFiniteTime(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of milliseconds, got ${String(value)}`);
  }
}

function assertDateTime(name: string, value: number): void {
  if (Math.abs(value) > MAX_TIME_MS) {
    throw new RangeError(
      `${name} must be within ±${MAX_TIME_MS} ms of the epoch (years 1684 to 2255: the fake counts time in whole microseconds), got ${value}`,
    );
  }
}

/**
 * A clock that only moves when the test moves it, so life-cycle tests need no real waiting.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const fake = new FakeCohere({ clock });
 * // ... create a batch ...
 * clock.advance(60_000); // one minute later: the batch is in progress or done
 * ```
 * @throws `RangeError` from the constructor, `advance` and `set`, for a time that is not a finite
 * number or lies outside the years 1684 to 2255 (the fake counts time in whole microseconds), and from `advance`, for a negative step.
 * @public
 */
export class ManualClock implements Clock {
  #nowMs: number;

  /**
   * Makes a clock that stands at `startMs` until it is moved.
   *
   * @example
   * ```ts
   * const clock = new ManualClock(Date.parse("2030-06-01T12:00:00Z"));
   * ```
   * @param startMs - The initial time, in ms since the epoch. @default {@link DEFAULT_CLOCK_START_MS} (2026-01-01T00:00:00Z)
   * @throws `RangeError` when `startMs` is not a finite number, or outside the years 1684 to 2255 (the fake counts time in whole microseconds).
   */
  constructor(startMs: number = DEFAULT_CLOCK_START_MS) {
    assertFiniteTime("startMs", startMs);
    assertDateTime("startMs", startMs);
    this.#nowMs = startMs;
  }

  /**
   * The current (manual) time in ms since the epoch.
   *
   * @example
   * ```ts
   * const clock = new ManualClock();
   * const createdAt = new Date(clock.now()).toISOString(); // "2026-01-01T00:00:00.000Z"
   * ```
   * @throws Never: it returns the stored time.
   */
  now(): number {
    return this.#nowMs;
  }

  /**
   * Moves the clock forward.
   *
   * @example
   * ```ts
   * const clock = new ManualClock();
   * clock.advance(5 * 60_000); // five minutes
   * ```
   * @param ms - How far, in ms; must be finite and not negative (time does not run backwards
   * by accident: use {@link ManualClock.set} to do it on purpose).
   * @throws `RangeError` when `ms` is negative or not a finite number, or would take the clock
   * outside the years 1684 to 2255 (the fake counts time in whole microseconds).
   */
  advance(ms: number): void {
    assertFiniteTime("ms", ms);
    if (ms < 0) throw new RangeError(`advance() cannot go backwards (got ${ms} ms); use set()`);
    assertDateTime("the advanced time", this.#nowMs + ms);
    this.#nowMs += ms;
  }

  /**
   * Sets the clock to an absolute time, forwards or backwards.
   *
   * @example
   * ```ts
   * const clock = new ManualClock();
   * clock.advance(60_000);
   * clock.set(DEFAULT_CLOCK_START_MS); // back to the start
   * ```
   * @param ms - The new time, in ms since the epoch.
   * @throws `RangeError` when `ms` is not a finite number, or outside the years 1684 to 2255 (the fake counts time in whole microseconds).
   */
  set(ms: number): void {
    assertFiniteTime("ms", ms);
    assertDateTime("ms", ms);
    this.#nowMs = ms;
  }
}

/**
 * Options of {@link RealClock}.
 *
 * @public
 */
export interface RealClockOptions {
  /**
   * How many clock milliseconds pass per real millisecond: 10 makes a one-minute batch finish in
   * six seconds, which suits demos and end-to-end tests that poll with real timers.
   * @default 1
   */
  speed?: number | undefined;
}

// performance.now() has sub-millisecond resolution where Date.now() does not; fall back to
// Date.now() in the rare runtime without it.
function monotonicMs(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Wall-clock time, optionally sped up. It starts at the real current time and then runs
 * `speed` times faster than real time.
 *
 * @example
 * ```ts
 * const fake = new FakeCohere({ clock: new RealClock({ speed: 10 }) });
 * ```
 * @throws `RangeError` from the constructor, for a `speed` that is not a positive finite number;
 * `TypeError` for an unknown option.
 * @public
 */
export class RealClock implements Clock {
  readonly #speed: number;
  readonly #startWallMs: number;
  readonly #startMonotonicMs: number;

  /**
   * Makes a clock that starts at the real current time and runs `options.speed` times as fast.
   *
   * @example
   * ```ts
   * const clock = new RealClock({ speed: 60 }); // a minute of batch life per real second
   * ```
   * @param options - See {@link RealClockOptions}.
   * @throws `RangeError` when `speed` is not a positive finite number; `TypeError` for an unknown
   * option (a misspelt `speed`).
   */
  constructor(options: RealClockOptions = {}) {
    checkKnownKeys<RealClockOptions>("RealClock options", options, { speed: true });
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new RangeError(`speed must be a positive finite number, got ${String(speed)}`);
    }
    this.#speed = speed;
    this.#startWallMs = Date.now();
    this.#startMonotonicMs = monotonicMs();
  }

  /**
   * The sped-up current time, in ms since the epoch.
   *
   * @example
   * ```ts
   * const clock = new RealClock({ speed: 60 });
   * console.log(new Date(clock.now()).toISOString());
   * ```
   * @throws Never: it reads the runtime's clocks.
   */
  now(): number {
    return this.#startWallMs + (monotonicMs() - this.#startMonotonicMs) * this.#speed;
  }
}
