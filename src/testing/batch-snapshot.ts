/**
 * A stored batch as the wire shows it at a moment: its life-cycle state then, under the fields
 * a seeding pinned.
 */
import type { BatchRecord } from "./batch-store.js";
import { evaluateBatch, type LifecycleState } from "./lifecycle.js";
import type { LifecycleSettings } from "./lifecycle-settings.js";
import { formatTimestamp } from "./timestamp.js";
import { TERMINAL_STATUSES, type WireBatch } from "./wire.js";

/** Where the life cycle has taken `record` at `atUs` (µs since the epoch). */
export function batchState(record: BatchRecord, atUs: number, settings: LifecycleSettings): LifecycleState {
  // A batch seeded in a finished state (`addBatches` with a terminal status) is at the end of
  // that status from the start: its counts those of a completed run, a failed one (half its
  // records, a status_reason) or one canceled as it was created (none), its updated_at its
  // created_at. Not a life cycle that goes on under the pinned status, moving its counts and its
  // output dataset's created_at.
  const pinned = record.pinned.status;
  const finished = record.canceledAtUs === undefined && pinned !== undefined && TERMINAL_STATUSES.has(pinned);
  return finished
    ? {
        ...evaluateBatch(
          {
            ...record,
            fails: pinned === "BATCH_STATUS_FAILED",
            canceledAtUs: pinned === "BATCH_STATUS_CANCELED" ? record.createdAtUs : undefined,
          },
          Number.MAX_SAFE_INTEGER,
          settings,
        ),
        updatedAtUs: record.createdAtUs,
      }
    : evaluateBatch(record, atUs, settings);
}

/** The wire form of `record` in `state`, with its pinned fields over it. */
export function wireBatch(record: BatchRecord, state: LifecycleState): WireBatch {
  const batch: WireBatch = {
    id: record.id,
    name: record.name,
    creator_id: record.creatorId,
    org_id: record.orgId,
    status: state.status,
    created_at: formatTimestamp(record.createdAtUs),
    updated_at: formatTimestamp(state.updatedAtUs),
    input_dataset_id: record.inputDatasetId,
    output_dataset_id: record.outputDatasetId,
    input_tokens: String(state.inputTokens),
    output_tokens: String(state.outputTokens),
    model: record.model,
    num_records: record.numRecords,
    num_successful_records: state.successfulRecords,
    num_failed_records: state.failedRecords,
  };
  if (state.statusReason !== undefined) batch.status_reason = state.statusReason;
  return { ...batch, ...record.pinned };
}
