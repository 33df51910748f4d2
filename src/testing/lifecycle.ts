/**
 * The batch life cycle: queued, then in progress with records counting up, then completed (or
 * failed); or canceling then canceled after a cancel.
 *
 * A batch's state is a pure function of when it was created, when (if ever) it was canceled and
 * the clock's current time. Nothing runs in the background: the state is evaluated when a
 * request asks for it, so a {@link ManualClock} can jump straight to any moment.
 *
 * @packageDocumentation
 */
import type { LifecycleSettings } from "./lifecycle-settings.js";
import type { WireBatchStatus } from "./wire.js";

/**
 * Timing and outcome of the batch life cycle, in milliseconds of the fake's clock.
 *
 * With the defaults a batch is queued for 1 s, then processes its 1000 records at 100 records
 * per second (10 s), then completes.
 *
 * @example
 * ```ts
 * new FakeCohere({
 *   lifecycle: {
 *     queuedForMs: 0,
 *     numRecords: (datasetId) => (datasetId === "big" ? 50_000 : 10),
 *     failWhen: (datasetId) => datasetId.startsWith("broken-"),
 *   },
 * });
 * ```
 * @public
 */
export interface LifecycleOptions {
  /** How long a new batch stays `BATCH_STATUS_QUEUED`. @default 1000 */
  queuedForMs?: number | undefined;
  /** Processing speed while `BATCH_STATUS_IN_PROGRESS`, in records per second of the clock. @default 100 */
  recordsPerSecond?: number | undefined;
  /**
   * Records in a new batch (`num_records`): a number, or a function of the input dataset id
   * (it must be deterministic: the same id always gives the same count), at most 100,000: a
   * completed batch's output dataset is written in memory when first read.
   * @default 1000
   */
  numRecords?: number | ((inputDatasetId: string) => number) | undefined;
  /**
   * Whether a batch on this input dataset fails. A failing batch processes half its records,
   * then turns `BATCH_STATUS_FAILED` with a `status_reason`. The default reads ids the fake
   * never saw uploaded (an id a test makes up); a function given here reads uploaded ones too.
   * @default `(inputDatasetId) => inputDatasetId.includes("fail")`, for ids not uploaded
   */
  failWhen?: ((inputDatasetId: string) => boolean) | undefined;
  /**
   * Every n-th processed record counts as failed (`num_failed_records`) instead of successful;
   * 0 means no record fails.
   * @default 0
   */
  failEveryNthRecord?: number | undefined;
  /** How long a canceled batch stays `BATCH_STATUS_CANCELING` before `BATCH_STATUS_CANCELED`. @default 500 */
  cancelingForMs?: number | undefined;
  /** Input tokens counted per processed record (`input_tokens`), at most 2^22. @default 100 */
  inputTokensPerRecord?: number | undefined;
  /** Output tokens counted per successful record (`output_tokens`), at most 2^22. @default 50 */
  outputTokensPerRecord?: number | undefined;
}

/** What the life cycle needs to know about one batch. */
export interface LifecycleInput {
  /** Creation time, µs since the epoch. */
  readonly createdAtUs: number;
  /** Records in the batch. */
  readonly numRecords: number;
  /** The input dataset id (for the failure message). */
  readonly inputDatasetId: string;
  /** Whether the batch is one that fails. */
  readonly fails: boolean;
  /** When a cancel was accepted, µs since the epoch; absent if never canceled. */
  readonly canceledAtUs?: number | undefined;
}

/** A batch's state at one moment. */
export interface LifecycleState {
  readonly status: WireBatchStatus;
  /** Time of the last change, µs since the epoch (never later than the evaluated moment). */
  readonly updatedAtUs: number;
  readonly successfulRecords: number;
  readonly failedRecords: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly statusReason?: string;
}

// Time (µs after processing started) at which `records` records are done. Rounded up so that
// the evaluated progress at that moment already includes them.
function timeForRecords(records: number, settings: LifecycleSettings): number {
  return Math.ceil((records * 1_000_000) / settings.recordsPerSecond);
}

function progress(
  processed: number,
  settings: LifecycleSettings,
): Pick<LifecycleState, "successfulRecords" | "failedRecords" | "inputTokens" | "outputTokens"> {
  const n = settings.failEveryNthRecord;
  const failedRecords = n > 0 ? Math.floor(processed / n) : 0;
  const successfulRecords = processed - failedRecords;
  return {
    successfulRecords,
    failedRecords,
    inputTokens: processed * settings.inputTokensPerRecord,
    outputTokens: successfulRecords * settings.outputTokensPerRecord,
  };
}

function evaluateUncanceled(batch: LifecycleInput, atUs: number, settings: LifecycleSettings): LifecycleState {
  const startUs = batch.createdAtUs + settings.queuedForUs;
  if (atUs < startUs) {
    return { status: "BATCH_STATUS_QUEUED", updatedAtUs: batch.createdAtUs, ...progress(0, settings) };
  }
  // A failing batch stops halfway through its records.
  const endRecords = batch.fails ? Math.floor(batch.numRecords / 2) : batch.numRecords;
  const endUs = startUs + timeForRecords(endRecords, settings);
  if (atUs >= endUs) {
    return batch.fails
      ? {
          status: "BATCH_STATUS_FAILED",
          updatedAtUs: endUs,
          ...progress(endRecords, settings),
          statusReason: `input dataset ${batch.inputDatasetId}: record ${endRecords + 1} is not a valid request`,
        }
      : { status: "BATCH_STATUS_COMPLETED", updatedAtUs: endUs, ...progress(endRecords, settings) };
  }
  const processed = Math.min(endRecords, Math.floor(((atUs - startUs) * settings.recordsPerSecond) / 1_000_000));
  return {
    status: "BATCH_STATUS_IN_PROGRESS",
    // The moment the last record finished (or processing started): "updated_at" moves with progress.
    updatedAtUs: startUs + timeForRecords(processed, settings),
    ...progress(processed, settings),
  };
}

/**
 * The state of `batch` at `atUs` (µs since the epoch).
 *
 * @example
 * ```ts
 * evaluateBatch(batch, msToMicros(clock.now()), settings).status; // "BATCH_STATUS_IN_PROGRESS"
 * ```
 */
export function evaluateBatch(batch: LifecycleInput, atUs: number, settings: LifecycleSettings): LifecycleState {
  const canceledAtUs = batch.canceledAtUs;
  if (canceledAtUs === undefined || atUs < canceledAtUs) return evaluateUncanceled(batch, atUs, settings);
  // Progress freezes where it was when the cancel arrived.
  const atCancel = evaluateUncanceled(batch, canceledAtUs, settings);
  const frozen = progress(atCancel.successfulRecords + atCancel.failedRecords, settings);
  const canceledUs = canceledAtUs + settings.cancelingForUs;
  return atUs < canceledUs
    ? { status: "BATCH_STATUS_CANCELING", updatedAtUs: canceledAtUs, ...frozen }
    : { status: "BATCH_STATUS_CANCELED", updatedAtUs: canceledUs, ...frozen };
}
