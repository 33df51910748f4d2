import type { components } from "../../generated/openapi.js";

/**
 * The stages of a batch's life cycle, as constants: `BatchStatus.Completed` is
 * `"BATCH_STATUS_COMPLETED"`, so a typo is a compile error rather than a comparison that is
 * never true. Terminal: `Completed`, `Failed`, `Canceled` (see {@link isTerminalStatus}).
 *
 * @example
 * ```ts
 * const done = await client.batches.waitUntilDone(batchId);
 * if (done.status !== BatchStatus.Completed) console.error(done.status, done.status_reason);
 * ```
 * @public
 */
export const BatchStatus = {
  Unspecified: "BATCH_STATUS_UNSPECIFIED",
  Queued: "BATCH_STATUS_QUEUED",
  InProgress: "BATCH_STATUS_IN_PROGRESS",
  Canceling: "BATCH_STATUS_CANCELING",
  Completed: "BATCH_STATUS_COMPLETED",
  Failed: "BATCH_STATUS_FAILED",
  Canceled: "BATCH_STATUS_CANCELED",
} as const;

/**
 * A stage of a batch's life cycle, as the spec lists them. A batch's `status` is typed
 * `BatchStatus | (string & {})`: a stage Cohere adds later passes through.
 * @public
 */
export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

/**
 * The statuses a batch never leaves: what `waitUntilDone` resolves with, and what
 * `isTerminalStatus` narrows to.
 *
 * @example
 * ```ts
 * const done = await client.batches.waitUntilDone(batchId);
 * const status: TerminalBatchStatus = done.status; // comparing it with BatchStatus.InProgress is a compile error
 * ```
 * @public
 */
export type TerminalBatchStatus =
  | typeof BatchStatus.Completed
  | typeof BatchStatus.Failed
  | typeof BatchStatus.Canceled;

const terminal: ReadonlySet<string> = new Set([BatchStatus.Completed, BatchStatus.Failed, BatchStatus.Canceled]);

/**
 * True for a status a batch never leaves: completed, failed or canceled. `waitUntilDone`
 * resolves on these. An unknown (future) status or `undefined` is not terminal.
 *
 * @example
 * ```ts
 * const { batch } = await client.batches.retrieve(batchId);
 * if (isTerminalStatus(batch.status)) console.log("finished:", batch.status);
 * ```
 * @throws Never.
 * @public
 */
export function isTerminalStatus(status: string | undefined): status is TerminalBatchStatus {
  return status !== undefined && terminal.has(status);
}

// The constants must list exactly the spec's statuses: a status added or renamed there fails
// the type check here.
type SpecStatus = components["schemas"]["BatchStatus"];
const constantsMatchSpec: [SpecStatus, BatchStatus] extends [BatchStatus, SpecStatus] ? true : never = true;
void constantsMatchSpec;
