/**
 * The checks `FakeCohere`'s constructor runs on its options before it builds anything: the
 * option names, the seed, the tokens and the clock (the nested options are checked by the parts
 * they configure).
 */
import type { Clock } from "./clock.js";
import type { FakeCohereOptions } from "./fake-cohere.js";
import { checkKnownKeys } from "./option-checks.js";

const FAKE_COHERE_OPTIONS: Readonly<Record<keyof FakeCohereOptions, true>> = {
  tokens: true,
  clock: true,
  lifecycle: true,
  datasetLifecycle: true,
  seed: true,
  outputs: true,
  ignoreIdempotencyKeys: true,
  omitZeroValues: true,
};

/** Throws a `TypeError` for an option `FakeCohereOptions` does not list, or a `seed` that is not finite. */
export function checkFakeCohereOptions(options: FakeCohereOptions): void {
  checkKnownKeys<FakeCohereOptions>("FakeCohere options", options, FAKE_COHERE_OPTIONS);
  if (options.seed !== undefined && !Number.isFinite(options.seed))
    throw new TypeError(`seed must be a finite number, got ${String(options.seed)}`);
}

/** The tokens the fake accepts, checked: an array of non-empty strings without whitespace. */
export function acceptedTokens(option: FakeCohereOptions["tokens"]): ReadonlySet<string> {
  const tokens = option ?? ["test-token"];
  if (!Array.isArray(tokens)) throw new TypeError(`tokens must be an array of strings, got ${typeof tokens}`);
  if (tokens.some((t) => typeof t !== "string" || !/^\S+$/.test(t))) {
    throw new TypeError("tokens must be non-empty strings without whitespace");
  }
  return new Set(tokens);
}

/** Throws a `TypeError` for a `clock` that is given and is not an object with a `now()` function. */
export function checkClock(option: FakeCohereOptions["clock"]): void {
  const clock: unknown = option;
  if (
    clock !== undefined &&
    (clock === null ||
      (typeof clock !== "object" && typeof clock !== "function") ||
      typeof (clock as Partial<Clock>).now !== "function")
  )
    throw new TypeError(
      `clock must be an object with a now() function (a ManualClock, a RealClock), got ${clock === null ? "null" : typeof clock === "object" ? "an object without one" : typeof clock}`,
    );
}
