// `batches.run`'s watch for second batches. A server that ignores `Idempotency-Key` may commit a
// create whose answer was lost (a 504 from its gateway, a timed-out attempt) after the run
// looked for it, or after the run ended: for a minute after such a create, in the background and
// on a budget of its own, the batches reading the run's dataset are looked for, and every one but
// the run's is cancelled.
import type { RequestOptions } from "../core/request-options.js";
import { startDeadline } from "../internal/deadline.js";
import { delay } from "../internal/delay.js";
import { reportCallbackError } from "../internal/user-callback.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import { isTerminalStatus } from "../resources/batches/status.js";
import type { Dataset } from "../resources/datasets/types.js";
import { batchesReading } from "./run-create.js";

/** When, in milliseconds after the watch starts, the list is walked. */
const looks = [0, 2_000, 5_000, 10_000, 20_000, 40_000, 60_000];

/** What the watch may take in all, walks and cancels included (an endless list ends with it). */
const WATCH_BUDGET_IN_SECONDS = 90;

/**
 * Watches for batches reading `dataset` named `name` (the run's create body) and cancels every
 * one that still runs but `kept` (the run's batch; none when the run failed or its caller
 * cancelled it). The run's outcome does not wait for it; its calls carry the caller's `options`
 * but not their signal. The first failure is reported with `console.warn`, never thrown.
 */
export function watchForSecondBatches(
  batches: BatchesClient,
  dataset: Dataset,
  name: string,
  kept: string | undefined,
  options: RequestOptions,
): void {
  const budget = startDeadline(WATCH_BUDGET_IN_SECONDS, []);
  const calls = { ...options, abortSignal: budget.signal };
  const cancelled = new Set<string>();
  const watch = async () => {
    let at = 0;
    for (const look of looks) {
      await delay(look - at, budget.signal);
      at = look;
      for await (const other of batchesReading(batches, dataset, calls))
        if (
          other.id !== kept &&
          other.name === name &&
          !cancelled.has(other.id) &&
          !isTerminalStatus(other.status) &&
          other.status !== "BATCH_STATUS_CANCELING"
        ) {
          cancelled.add(other.id);
          await batches.cancel(other.id, calls);
        }
    }
  };
  watch()
    .catch((error: unknown) => reportCallbackError("watching for a second batch reading the run's dataset", error))
    .finally(budget.dispose);
}
