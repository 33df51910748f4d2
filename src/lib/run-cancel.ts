// `cancelOnAbort` of `batches.run`: the batch is cancelled in the background, so that the run
// rejects at once with the abort however slow the cancel endpoint is.
import type { RequestOptions } from "../core/request-options.js";
import { startDeadline } from "../internal/deadline.js";
import { reportCallbackError } from "../internal/user-callback.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import type { Batch } from "../resources/batches/types.js";

/** How long the cancel may take, after the run has rejected. */
const CANCEL_BUDGET_IN_SECONDS = 60;

/**
 * Cancels the run's batch, sent with the caller's options but not their signal, which has
 * fired: a budget of its own bounds it. A failure is reported with `console.warn`, never thrown.
 * (A batch whose create was in flight at the abort is looked for by `watchForSecondBatches`.)
 */
export function cancelInBackground(batches: BatchesClient, batch: Batch, options: RequestOptions): void {
  const budget = startDeadline(CANCEL_BUDGET_IN_SECONDS, []);
  batches
    .cancel(batch.id, { ...options, abortSignal: budget.signal })
    .catch((error: unknown) => reportCallbackError("cancelling the batch after the abort", error))
    .finally(budget.dispose);
}
