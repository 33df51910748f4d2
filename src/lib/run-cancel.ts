// `cancelOnAbort` of `batches.run`: the batch is cancelled in the background, so that the run
// rejects at once with the abort however slow the cancel endpoint is.
import type { RequestOptions } from "../core/request-options.js";
import { startDeadline } from "../internal/deadline.js";
import { delay } from "../internal/delay.js";
import { reportCallbackError } from "../internal/user-callback.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import type { Batch } from "../resources/batches/types.js";
import type { Dataset } from "../resources/datasets/types.js";
import { findBatchReading } from "./run-create.js";

/** How long the lookup and the cancel together may take, after the run has rejected. */
const CANCEL_BUDGET_IN_SECONDS = 60;

/** The waits, in milliseconds, before each look for a batch whose create was in flight. */
const lookups = [0, 500, 1_000, 2_000, 4_000];

/**
 * Cancels the run's batch: `batch`, or when the abort came during the create (`batch` unknown),
 * the batch the server may have created while its answer was still arriving (or after: a
 * server may commit a create it has not answered yet), found as the create's retries find it. Sent with the caller's options but not their signal, which has
 * fired: a budget of its own bounds it. A failure is reported with `console.warn`, never thrown.
 */
export function cancelInBackground(
  batches: BatchesClient,
  batch: Batch | undefined,
  dataset: Dataset,
  options: RequestOptions,
): void {
  const budget = startDeadline(CANCEL_BUDGET_IN_SECONDS, []);
  const calls = { ...options, abortSignal: budget.signal };
  const cancel = async () => {
    let id = batch?.id;
    // A create still in flight may be committed after the abort: looked for again, a few
    // times over 7.5 s (a process that ends on the abort waits for them), before the run's
    // batch is taken to be none.
    for (const wait of lookups) {
      if (id !== undefined) break;
      await delay(wait, budget.signal);
      id = (await findBatchReading(batches, dataset, calls))?.id;
    }
    if (id !== undefined) await batches.cancel(id, calls);
  };
  cancel()
    .catch((error: unknown) => reportCallbackError("cancelling the batch after the abort", error))
    .finally(budget.dispose);
}
