/**
 * {@link LifecycleOptions} checked and resolved into the settings the life cycle runs on (see
 * lifecycle.ts).
 */
import type { LifecycleOptions } from "./lifecycle.js";
import { checkKnownKeys } from "./option-checks.js";
import { MAX_OUTPUT_RECORDS } from "./output-files.js";

const LIFECYCLE_OPTIONS: Readonly<Record<keyof LifecycleOptions, true>> = {
  queuedForMs: true,
  recordsPerSecond: true,
  numRecords: true,
  failWhen: true,
  failEveryNthRecord: true,
  cancelingForMs: true,
  inputTokensPerRecord: true,
  outputTokensPerRecord: true,
};

/** {@link LifecycleOptions} with every default filled in and times converted to microseconds. */
export interface LifecycleSettings {
  /** {@link LifecycleOptions.queuedForMs}, in µs. */
  readonly queuedForUs: number;
  /** {@link LifecycleOptions.recordsPerSecond}. */
  readonly recordsPerSecond: number;
  /** {@link LifecycleOptions.numRecords}, always as a function (checked to give integers >= 0). */
  readonly numRecords: (inputDatasetId: string) => number;
  /** {@link LifecycleOptions.failWhen}; `uploaded` when the fake holds that dataset's upload. */
  readonly failWhen: (inputDatasetId: string, uploaded: boolean) => boolean;
  /** {@link LifecycleOptions.failEveryNthRecord}. */
  readonly failEveryNthRecord: number;
  /** {@link LifecycleOptions.cancelingForMs}, in µs. */
  readonly cancelingForUs: number;
  /** {@link LifecycleOptions.inputTokensPerRecord}. */
  readonly inputTokensPerRecord: number;
  /** {@link LifecycleOptions.outputTokensPerRecord}. */
  readonly outputTokensPerRecord: number;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`lifecycle.${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A batch's record count: an integer from 0 to what the fake writes as output (see `MAX_OUTPUT_RECORDS`). */
function recordCount(name: string, value: number): number {
  if (nonNegativeInteger(name, value) > MAX_OUTPUT_RECORDS)
    throw new RangeError(
      `lifecycle.${name} must be at most ${MAX_OUTPUT_RECORDS}, got ${value}: the fake writes a batch's output in memory`,
    );
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`lifecycle.${name} must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * The most tokens per record: times any record count (an int32), the total stays an exact number,
 * and so a true int64 (a rate of 2^53 - 1 gave `input_tokens` of 21 digits, past int64 and
 * rounded).
 */
const MAX_TOKENS_PER_RECORD = 2 ** 22;

function tokensPerRecord(name: string, value: number): number {
  if (nonNegativeInteger(name, value) > MAX_TOKENS_PER_RECORD)
    throw new RangeError(
      `lifecycle.${name} must be at most ${MAX_TOKENS_PER_RECORD} (a batch's total must stay an exact int64), got ${value}`,
    );
  return value;
}

/**
 * Checks {@link LifecycleOptions} and fills in the defaults.
 *
 * @throws RangeError for a negative or non-finite time, a non-positive speed or a bad count;
 * TypeError for an unknown option or a `failWhen` that is not a function.
 */
export function resolveLifecycle(options: LifecycleOptions = {}): LifecycleSettings {
  checkKnownKeys<LifecycleOptions>("lifecycle", options, LIFECYCLE_OPTIONS);
  const recordsPerSecond = options.recordsPerSecond ?? 100;
  if (!Number.isFinite(recordsPerSecond) || recordsPerSecond <= 0) {
    throw new RangeError(`lifecycle.recordsPerSecond must be > 0, got ${String(recordsPerSecond)}`);
  }
  if (options.failWhen !== undefined && typeof options.failWhen !== "function")
    throw new TypeError(
      `lifecycle.failWhen must be a function of the input dataset id, got ${typeof options.failWhen}`,
    );
  const countRecords = recordCounter(options.numRecords ?? 1000);
  return {
    queuedForUs: Math.round(nonNegative("queuedForMs", options.queuedForMs ?? 1000) * 1000),
    recordsPerSecond,
    numRecords: countRecords,
    // An uploaded dataset's id is made of its name ("payment-failures-1x2y3z"): its records are
    // real, and the default does not fail them.
    failWhen: options.failWhen ?? ((id, uploaded) => !uploaded && id.includes("fail")),
    failEveryNthRecord: nonNegativeInteger("failEveryNthRecord", options.failEveryNthRecord ?? 0),
    cancelingForUs: Math.round(nonNegative("cancelingForMs", options.cancelingForMs ?? 500) * 1000),
    inputTokensPerRecord: tokensPerRecord("inputTokensPerRecord", options.inputTokensPerRecord ?? 100),
    outputTokensPerRecord: tokensPerRecord("outputTokensPerRecord", options.outputTokensPerRecord ?? 50),
  };
}

/** {@link LifecycleOptions.numRecords} as a function; a constant is checked once, now, and a function's counts when given. */
function recordCounter(numRecords: NonNullable<LifecycleOptions["numRecords"]>): (id: string) => number {
  if (typeof numRecords === "function") {
    return (id) => recordCount("numRecords()", numRecords(id));
  }
  const count = recordCount("numRecords", numRecords);
  return () => count;
}
