// What a failed `batches.run` leaves behind: with `cancelOnAbort`, its batch is cancelled in the
// background (the run rejects at once with the abort however slow the cancel endpoint is); a
// batch a create it could not report may yet make is watched for, and cancelled.
import { ApiError } from "../core/errors/api-error.js";
import type { RequestOptions } from "../core/request-options.js";
import { startDeadline } from "../internal/deadline.js";
import { reportCallbackError } from "../internal/user-callback.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import type { Batch } from "../resources/batches/types.js";
import type { Dataset } from "../resources/datasets/types.js";
import type { RunScope } from "./run-scope.js";
import { AFTER_A_LOST_ANSWER, AFTER_AN_ABORT, watchForSecondBatches } from "./run-second-batches.js";
import type { RunPhase, RunRequest } from "./run-types.js";

/** What a run has reached: what its failure may leave behind, and what its error names. */
export interface RunState {
  phase: RunPhase;
  /** From the upload on, `datasets.create` owns `requests` (and closes them if it fails). */
  uploading: boolean;
  /**
   * The dataset the run uploaded, validated. Batches are matched by the id the upload was given
   * (the one the create sends), whatever the dataset's retrieve says.
   */
  runDataset?: Dataset;
  batch?: Batch;
  /** The batch's id, cleaned of the tokens (a server may echo them there), for the run's error. */
  shownBatchId?: string;
  /**
   * Whether a create attempt may have reached the server, and whether one is on its way (see
   * `createBatchOnce`): the run's deadline that ends it leaves a batch it may have made.
   */
  readonly sent: { secondPossible: boolean; inFlight: boolean };
}

/**
 * After the run failed: cancels its batch on the caller's abort with `cancelOnAbort`, or watches
 * for a batch a create it could not report may yet leave. True when a cancel was sent.
 */
export function leaveNoBatchBehind(
  batches: BatchesClient,
  run: RunRequest,
  options: RequestOptions,
  state: RunState,
  scope: RunScope,
): boolean {
  const { sent, batch, runDataset } = state;
  // From the create on (the dataset validated), an abort may leave a batch behind. The cancel
  // goes on in the background: the abort ends the run at once.
  const aborted = scope.abortedByCaller();
  // The deadline ended the create in flight: the batch it may have made was never reported.
  const createLeft = sent.inFlight && scope.deadline.timedOut();
  if (aborted && run.cancelOnAbort && batch !== undefined) {
    cancelInBackground(batches, batch, options);
    return true;
  }
  if (
    runDataset !== undefined &&
    batch === undefined &&
    (sent.secondPossible || createLeft || (aborted && run.cancelOnAbort && sent.inFlight))
  )
    // The create failed, or was left, while a batch it made may yet show up: one that runs for
    // nobody is cancelled, or, when the caller left the run without `cancelOnAbort`, the first
    // is theirs and any other is cancelled. After an abort of the one create in flight, the
    // server may commit it in the next moments: looked for over 7.5 s.
    watchForSecondBatches(
      batches,
      runDataset,
      run,
      aborted && !run.cancelOnAbort ? "first" : undefined,
      options,
      // The deadline's create, too, lost its answer: a server may commit it late.
      sent.secondPossible || createLeft ? AFTER_A_LOST_ANSWER : AFTER_AN_ABORT,
    );
  return false;
}

/** How long the cancel may take, after the run has rejected. */
const CANCEL_BUDGET_IN_SECONDS = 60;

/**
 * Cancels the run's batch, sent with the caller's options but not their signal, which has
 * fired: a budget of its own bounds it. A failure is reported with `console.warn`, never thrown,
 * but for a 400, Cohere's answer for a batch already in a terminal status: one that ended as the
 * caller aborted has nothing left to cancel, and nothing went wrong.
 * (A batch whose create was in flight at the abort is looked for by `watchForSecondBatches`.)
 */
export function cancelInBackground(batches: BatchesClient, batch: Batch, options: RequestOptions): void {
  const budget = startDeadline(CANCEL_BUDGET_IN_SECONDS, []);
  batches
    .cancel(batch.id, { ...options, abortSignal: budget.signal })
    .catch((error: unknown) => {
      if (!(ApiError.is(error) && error.status === 400))
        reportCallbackError("cancelling the batch after the abort", error);
    })
    .finally(budget.dispose);
}
