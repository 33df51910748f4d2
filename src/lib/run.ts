// `batches.run`: from a list of requests to a finished batch, in one call with one deadline.
import type { ApiClient } from "../core/api-client.js";
import type { RequestOptions, ResolvedRequestOptions } from "../core/request-options.js";
import type { Deadline } from "../internal/deadline.js";
import { recordingTokens, redactError } from "../internal/secrets.js";
import { callUserCallback } from "../internal/user-callback.js";
import { BatchesClient } from "../resources/batches/batches-client.js";
import { isTerminalStatus, type TerminalBatchStatus } from "../resources/batches/status.js";
import type { Batch } from "../resources/batches/types.js";
import { loadOperations } from "../resources/datasets/raw-datasets-client.js";
import type { Dataset } from "../resources/datasets/types.js";
import { leaveNoBatchBehind, type RunState } from "./run-leftovers.js";
import { createBatchOnce, newIdempotencyKey } from "./run-create.js";
import { checkRun, closeRunRequests, type RunOptions, splitUploadKey } from "./run-request.js";
import { runResults } from "./run-results.js";
import { startRunScope } from "./run-scope.js";
import { watchForSecondBatches } from "./run-second-batches.js";
import type { RunPhase, RunProgress, RunRequest, RunResult } from "./run-types.js";
import { waitFor } from "./waiter.js";

export { closeRunRequests };

/** How the upload's errors name the data: as the run's own `requests`, not a dataset's `data`. */
const RUN_REQUESTS = { request: "run request", field: "requests" } as const;

/** The batch a run ends with: one in a terminal status. */
type DoneBatch = Batch & { readonly status: TerminalBatchStatus };

/** What every step of a run shares: its calls' options and the schedule of its waits. */
interface RunSteps {
  readonly api: ApiClient;
  readonly batches: BatchesClient;
  readonly run: RunRequest;
  /** The options of the run's calls, without its scope's signal (a cancel outlives the run). */
  readonly options: ResolvedRequestOptions;
  /** The same, on the run's scope: every call of the run ends with it. */
  readonly calls: RequestOptions;
  /** The waits' polls get `options` too, with the wait's own signal (which follows the scope). */
  readonly waits: { readonly pollIntervalInSeconds: number; readonly abortSignal: AbortSignal };
  /** The waits end with the run's deadline, and know it: a server's pause past it ends them at once. */
  readonly within: { readonly deadline: Deadline; readonly timeoutInSeconds: number | undefined };
  readonly report: (progress: RunProgress) => void;
  readonly state: RunState;
}

/** `batches.run`: see `BatchesClient.run`. */
export async function runBatch(api: ApiClient, request: RunRequest, given?: RequestOptions): Promise<RunResult> {
  const { run, options: resolved, bodyParams } = checkRun(api, request, given);
  // Every call of the run goes through this one `api`: where `context.via = "run"` is set.
  const batches = new BatchesClient(api);
  const scope = startRunScope(run.timeoutInSeconds, [run.abortSignal, resolved.abortSignal]);
  const { options, upload } = splitUploadKey(resolved);
  const state: RunState = { phase: "uploading", uploading: false, sent: { secondPossible: false, inFlight: false } };
  const steps: RunSteps = {
    api,
    batches,
    run,
    options,
    calls: { ...options, abortSignal: scope.signal },
    waits: { pollIntervalInSeconds: run.pollIntervalInSeconds ?? 5, abortSignal: scope.signal },
    within: { deadline: scope.deadline, timeoutInSeconds: run.timeoutInSeconds },
    report: progressReporter(run),
    state,
  };
  try {
    const inputDataset = await uploadAndValidate(steps, upload, scope.signal);
    const done = await createAndWait(steps, bodyParams);
    return {
      batch: done,
      inputDataset,
      results: (more) => runResults(batches, done.id as string, options, more, run.abortSignal),
    };
  } catch (error) {
    if (!state.uploading) closeRunRequests(run);
    const cancelling = leaveNoBatchBehind(batches, run, options, state, scope);
    // A deadline does not cancel the batch (`cancelOnAbort` is for the caller's abort): the
    // error names it, for the caller to cancel or wait on.
    throw redactError(api.knownTokens(options), scope.failure(error, state.phase, state.shownBatchId, cancelling));
  } finally {
    scope.dispose();
  }
}

/**
 * The run's `onProgress`, called with copies: the run goes on with the batch and dataset it
 * polled (a callback that rewrote `batch.id` sent the next poll to another id, one that deleted
 * it failed the run).
 */
function progressReporter(run: RunRequest): (progress: RunProgress) => void {
  return ({ phase, dataset, batch }) =>
    callUserCallback("onProgress", run.onProgress, {
      phase,
      ...(dataset === undefined ? {} : { dataset: { ...dataset } }),
      ...(batch === undefined ? {} : { batch: { ...batch } }),
    });
}

/** Uploads the run's requests and waits for the dataset to be validated: the input dataset. */
async function uploadAndValidate(steps: RunSteps, upload: RunOptions["upload"], signal: AbortSignal): Promise<Dataset> {
  const { api, run, calls, state, report } = steps;
  // Loaded, not imported: a static import of a lazy chunk makes the bundler split shared chunks.
  // Inside the run's scope: a load that stalls ends with the run's timeout or abort.
  const { create: createDataset, waitUntilValidated } = await loadOperations(signal);
  report({ phase: state.phase });
  state.uploading = true;
  // With a key of its own (unless the caller gave one, as the option or as a header), so that
  // a 500 or a dropped connection after the server may have acted sends the upload again
  // rather than failing the run. A server that ignores the key may keep a second dataset,
  // which costs no batch; the run reads only the one it was answered with.
  // (A blank header is no key, as the retry layer reads one: the upload went unkeyed.)
  const uploadCall = recordingTokens({
    ...calls,
    ...(upload.headers === undefined ? {} : { headers: { ...calls.headers, ...upload.headers } }),
    idempotencyKey: upload.keyed ? upload.idempotencyKey : newIdempotencyKey("run-upload"),
  });
  const data = { name: run.name, type: run.type, data: run.requests };
  // An id the SDK cannot address is refused by the create's response check.
  const { id } = (await createDataset(api, data, uploadCall, RUN_REQUESTS)).data;
  state.phase = "validating";
  const dataset = await waitUntilValidated(
    api,
    id,
    { ...steps.waits, onProgress: (dataset) => report({ phase: state.phase, dataset }) },
    steps.options,
    steps.within,
  );
  state.runDataset = { ...dataset, id };
  return dataset;
}

/** Creates the batch (once: see `createBatchOnce`) and waits until it is done. */
async function createAndWait(steps: RunSteps, bodyParams: Record<string, unknown> | undefined): Promise<DoneBatch> {
  const { batches, run, options, state } = steps;
  const runDataset = state.runDataset as Dataset;
  state.phase = "queued";
  const body = { name: run.name, input_dataset_id: runDataset.id, model: run.model };
  const retries = { maxRetries: options.maxRetries, shouldRetry: options.shouldRetry, timing: steps.api.backoff };
  const batch = await createBatchOnce(batches, body, runDataset, retries, { ...steps.calls, bodyParams }, state.sent);
  state.batch = batch;
  // A batch an attempt whose answer was lost may yet add is cancelled (in the background), up
  // to the moment the run's batch is done: one created after is the caller's own.
  const finished: { at?: string | undefined } = {};
  if (state.sent.secondPossible)
    watchForSecondBatches(batches, runDataset, body, batch.id, options, undefined, finished);
  const onBatch = (latest: Batch) => {
    const next = phaseOf(latest, state.phase);
    if (next === undefined) return;
    state.phase = next;
    steps.report({ phase: next, batch: latest });
  };
  onBatch(batch);
  const done = await waitUntilBatchDone(steps, batch.id as string, onBatch);
  // Only a batch that ran to completion took its processing time: one cancelled or failed at
  // once may end before a lost create is committed, and that duplicate must still go.
  // Only the run's own batch spares later ones: one a plugin answered with (a cache's, on
  // another dataset) completed before the create it let go made a batch.
  if (done.status === "BATCH_STATUS_COMPLETED" && done.input_dataset_id === runDataset.id)
    finished.at = done.updated_at;
  steps.report({ phase: "done", batch: done });
  return done;
}

/** The waiter of `waitUntilDone`, with polls that carry the caller's request options. */
function waitUntilBatchDone(steps: RunSteps, batchId: string, onBatch: (latest: Batch) => void): Promise<DoneBatch> {
  const { batches, options, state } = steps;
  // The id is the server's: cleaned of the tokens, which a server may echo there.
  const shown = steps.api.redact(batchId, options);
  state.shownBatchId = shown;
  return waitFor(
    {
      name: "run",
      notDone: () => `run: batch ${shown} was not done`,
      poll: async (abortSignal) => (await batches.retrieve(batchId, { ...options, abortSignal })).batch,
      settle: (latest) => (isTerminalStatus(latest.status) ? (latest as DoneBatch) : undefined),
    },
    { ...steps.waits, ...steps.within, onProgress: onBatch },
  );
}

/**
 * The phase a batch status puts the run in; `undefined` once it is terminal. CANCELING (and a
 * status the SDK does not know) keeps the phase `last` reported: a batch cancelled while queued
 * never ran, and "running" means IN_PROGRESS.
 */
function phaseOf(batch: Batch, last: RunPhase): RunPhase | undefined {
  if (isTerminalStatus(batch.status)) return undefined;
  if (batch.status === "BATCH_STATUS_QUEUED") return "queued";
  return batch.status === "BATCH_STATUS_IN_PROGRESS" ? "running" : last;
}
