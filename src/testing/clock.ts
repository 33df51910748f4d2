/**
 * The clocks that drive the fake's batch life cycle.
 *
 * The life cycle is evaluated lazily from the clock, so a test that owns the clock owns time:
 * it can jump a batch from queued to completed without sleeping.
 *
 * @packageDocumentation
 */

/**
 * A source of "now" for {@link FakeCohere}: the life cycle of every batch and every timestamp
 * the fake sends are derived from it.
 *
 * @example
 * ```ts
 * const fixed: Clock = { now: () => Date.parse("2026-01-01T00:00:00Z") };
 * ```
 */
export interface Clock {
  /** The current time, in milliseconds since the Unix epoch (fractions of a millisecond allowed). */
  now(): number;
}

/**
 * The default start of a {@link ManualClock}: 2026-01-01T00:00:00Z.
 *
 * A fixed date rather than the wall clock, so that timestamps in tests are reproducible.
 */
export const DEFAULT_CLOCK_START_MS: number = Date.UTC(2026, 0, 1);

function assertFiniteTime(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of milliseconds, got ${String(value)}`);
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
 */
export class ManualClock implements Clock {
  #nowMs: number;

  /**
   * @param startMs - The initial time, in ms since the epoch. @default {@link DEFAULT_CLOCK_START_MS} (2026-01-01T00:00:00Z)
   */
  constructor(startMs: number = DEFAULT_CLOCK_START_MS) {
    assertFiniteTime("startMs", startMs);
    this.#nowMs = startMs;
  }

  /** The current (manual) time in ms since the epoch. */
  now(): number {
    return this.#nowMs;
  }

  /**
   * Moves the clock forward.
   *
   * @param ms - How far, in ms; must be finite and not negative (time does not run backwards
   * by accident: use {@link ManualClock.set} to do it on purpose).
   */
  advance(ms: number): void {
    assertFiniteTime("ms", ms);
    if (ms < 0) throw new RangeError(`advance() cannot go backwards (got ${ms} ms); use set()`);
    this.#nowMs += ms;
  }

  /**
   * Sets the clock to an absolute time, forwards or backwards.
   *
   * @param ms - The new time, in ms since the epoch.
   */
  set(ms: number): void {
    assertFiniteTime("ms", ms);
    this.#nowMs = ms;
  }
}

/** Options of {@link RealClock}. */
export interface RealClockOptions {
  /**
   * How many clock milliseconds pass per real millisecond: 10 makes a one-minute batch finish in
   * six seconds, which suits demos and end-to-end tests that poll with real timers.
   * @default 1
   */
  speed?: number;
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
 */
export class RealClock implements Clock {
  readonly #speed: number;
  readonly #startWallMs: number;
  readonly #startMonotonicMs: number;

  /** @param options - See {@link RealClockOptions}. */
  constructor(options: RealClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new RangeError(`speed must be a positive finite number, got ${String(speed)}`);
    }
    this.#speed = speed;
    this.#startWallMs = Date.now();
    this.#startMonotonicMs = monotonicMs();
  }

  /** The sped-up current time, in ms since the epoch. */
  now(): number {
    return this.#startWallMs + (monotonicMs() - this.#startMonotonicMs) * this.#speed;
  }
}
