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
import { isAddressable } from "./server-ids.js";

/**
 * When the list is walked, in milliseconds after the watch starts (a look that runs long, its
 * retries failing, delays the next: the times are not shifted by it), and what the watch may
 * take in all, walks and cancels included (an endless list, or looks that keep failing, end
 * with it).
 */
export interface WatchSchedule {
  readonly looks: readonly number[];
  readonly budgetInSeconds: number;
}

/** For a minute after a create whose answer was lost (a server may commit it late), the default. */
export const AFTER_A_LOST_ANSWER: WatchSchedule = {
  looks: [0, 2_000, 5_000, 10_000, 20_000, 40_000, 60_000],
  budgetInSeconds: 90,
};

/** For 7.5 s after a caller's abort came while the one create was in flight; over within 10 s. */
export const AFTER_AN_ABORT: WatchSchedule = { looks: [0, 500, 1_500, 3_500, 7_500], budgetInSeconds: 10 };

const WATCHING = "watching for a second batch reading the run's dataset";

/**
 * Watches for batches reading `dataset` with the run's `name` and `model` (its create body) and
 * cancels every one that still runs but the one kept: `kept` (the run's batch), the first one
 * seen when `kept` is `"first"` (the caller left the run, and keeps a batch), or none when it is
 * undefined (the run failed, or its caller cancelled it). The run's outcome does not wait for
 * it; its calls carry the caller's `options` but not their signal. A look that fails is
 * reported (the first time) and the next look goes on; nothing is thrown. `finished.at`, once the
 * kept batch is done, is when: a batch created after it is the caller's, and is left alone.
 */
export function watchForSecondBatches(
  batches: BatchesClient,
  dataset: Dataset,
  body: { readonly name: string; readonly model: string },
  kept: string | undefined,
  options: RequestOptions,
  { looks, budgetInSeconds }: WatchSchedule = AFTER_A_LOST_ANSWER,
  finished: { at?: string | undefined } = {},
): void {
  const budget = startDeadline(budgetInSeconds, []);
  const started = Date.now();
  const calls = { ...options, abortSignal: budget.signal };
  const cancelled = new Set<string>();
  let keep = kept;
  let reported = false;
  const look = async () => {
    for await (const other of batchesReading(batches, dataset, calls)) {
      if (other.name !== body.name || other.model !== body.model) continue;
      // Created after the kept batch completed (both times on the server's clock): not one a lost
      // create made, but the caller's own, on the dataset `run` handed back. (A batch completes
      // minutes after its create, a lost create is committed within seconds; without a time the
      // server gave, nothing is spared.)
      if (Date.parse(other.created_at ?? "") > Date.parse(finished.at ?? "")) continue;
      if (keep === "first") keep = other.id;
      // One whose id the SDK cannot address cannot be cancelled (the run's error named it).
      if (other.id === keep || cancelled.has(other.id) || !isAddressable("batch", other.id)) continue;
      if (isTerminalStatus(other.status) || other.status === "BATCH_STATUS_CANCELING") continue;
      await batches.cancel(other.id, calls);
      cancelled.add(other.id);
    }
  };
  const watch = async () => {
    for (const time of looks) {
      await delay(Math.max(0, started + time - Date.now()), budget.signal);
      try {
        await look();
      } catch (error) {
        if (budget.signal.aborted) throw error;
        if (!reported) reportCallbackError(WATCHING, error);
        reported = true;
      }
    }
  };
  watch()
    .catch((error: unknown) => {
      if (!reported) reportCallbackError(WATCHING, error);
    })
    .finally(budget.dispose);
}
