// `batches.run`: from a list of requests to a finished batch, in one call with one deadline.
import * as v from "valibot";
import { type ApiClient, bodyParamsAsData } from "../core/api-client.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { abortSignalSchema, checkInput, functionSchema, nonEmptyStringSchema, secondsSchema } from "../core/input.js";
import type { RequestOptions, ResolvedRequestOptions } from "../core/request-options.js";
import { closeUnread } from "../internal/close-unread.js";
import { carryTokens, recordingTokens, redactError } from "../internal/secrets.js";
import { callUserCallback } from "../internal/user-callback.js";
import { BatchesClient } from "../resources/batches/batches-client.js";
import { requiredTextSchema } from "../resources/batches/schemas.js";
import { isTerminalStatus, type TerminalBatchStatus } from "../resources/batches/status.js";
import type { Batch } from "../resources/batches/types.js";
import { loadOperations } from "../resources/datasets/raw-datasets-client.js";
import type { Dataset } from "../resources/datasets/types.js";
import { cancelInBackground } from "./run-cancel.js";
import { isNotBlank } from "../core/idempotency-key-sent.js";
import { knownEmpty } from "../internal/known-empty.js";
import { createBatchOnce, newIdempotencyKey } from "./run-create.js";
import { AFTER_A_LOST_ANSWER, AFTER_AN_ABORT, watchForSecondBatches } from "./run-second-batches.js";
import { waitFor } from "./waiter.js";
import { runResults } from "./run-results.js";
import { startRunScope } from "./run-scope.js";
import type { RunPhase, RunProgress, RunRequest, RunResult } from "./run-types.js";

/** How the upload's errors name the data: as the run's own `requests`, not a dataset's `data`. */
const RUN_REQUESTS = { request: "run request", field: "requests" } as const;

const runRequestSchema = v.strictObject(
  {
    // As a create checks them (not blank, no lone surrogate), before anything is uploaded.
    name: requiredTextSchema,
    model: requiredTextSchema,
    // A type a batch cannot read (`embed-input`) was uploaded and validated, and only the create
    // failed, leaving the dataset behind. A batch input type the SDK does not know passes.
    type: v.pipe(
      nonEmptyStringSchema,
      v.check(
        (type) => /^batch-.+-input$/.test(type),
        'is not a batch input type ("batch-embed-v2-input", "batch-chat-v2-input", ...)',
      ),
    ),
    requests: v.pipe(
      v.custom<RunRequest["requests"]>((x) => x !== undefined && x !== null, "is required"),
      // An empty list would be uploaded, fail validation, and only then be reported.
      v.check((x) => !knownEmpty(x), "is empty: a batch needs a request"),
    ),
    onProgress: v.optional(functionSchema<(progress: RunProgress) => unknown>()),
    pollIntervalInSeconds: v.optional(secondsSchema),
    timeoutInSeconds: v.optional(secondsSchema),
    abortSignal: v.optional(abortSignalSchema),
    cancelOnAbort: v.optional(v.boolean()),
  },
  "must be an object with name, model, type and requests",
);

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

/**
 * Closes the caller's one-shot `requests` (a Node read stream holds a file open) of a run that
 * ends before its upload began, as `datasets.create` closes the `data` it never sends.
 */
export function closeRunRequests(request: unknown): void {
  try {
    closeUnread((request as RunRequest).requests);
  } catch {
    // A request that cannot be read has been refused for it.
  }
}

/**
 * The create fields of `bodyParams`, checked before anything is uploaded (a value JSON would not
 * send as given was refused only at the create, after an upload and its validation), and read
 * once, so that every create attempt sends the same fields. Not the fields `run` sets: another
 * `input_dataset_id` made the create read a dataset the run did not upload, so that its search
 * for a batch a lost answer made found none, and it created a second one.
 */
function createFields(bodyParams: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (bodyParams === undefined) return undefined;
  // `inputDatasetId` too: protobuf's JSON reads a field by either name.
  for (const field of ["name", "model", "input_dataset_id", "inputDatasetId"])
    if (Object.hasOwn(bodyParams, field))
      throw new CohereError(
        `Invalid request options: a run's bodyParams cannot set ${field} (${field.startsWith("input") ? "the batch reads the dataset the run uploads" : `give it in the run request`})`,
      );
  const data = bodyParamsAsData(bodyParams);
  // Each create serialises them again, deeper in the stack than this check: fields nested near
  // the stack's limit passed here and overflowed there, after the upload.
  if (depthOf(data) > MAX_DEPTH)
    throw new CohereError(`Invalid request options: a run's bodyParams nest deeper than ${MAX_DEPTH} levels`);
  return data;
}

const MAX_DEPTH = 1000;

/** How deep `data` (parsed JSON) nests: 1 for an object of plain values. Counted without recursion. */
function depthOf(data: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[data, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== "object" || value === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** `batches.run`: see `BatchesClient.run`. */
export async function runBatch(api: ApiClient, request: RunRequest, given?: RequestOptions): Promise<RunResult> {
  let run: RunRequest;
  let options: ResolvedRequestOptions;
  let bodyParams: Record<string, unknown> | undefined;
  try {
    run = checkInput(runRequestSchema, request, "run request") as RunRequest;
    // Checked before the run's scope follows `abortSignal` (a signal-shaped junk threw a raw
    // TypeError there), and read from the checked copy from here on: the caller's object (a
    // getter, a Proxy) is never read again.
    options = api.resolveOptions(given);
    bodyParams = createFields(options.bodyParams);
  } catch (error) {
    closeRunRequests(request);
    throw error;
  }
  // Every call of the run goes through this one `api`: where `context.via = "run"` is set.
  const batches = new BatchesClient(api);
  const scope = startRunScope(run.timeoutInSeconds, [run.abortSignal, options.abortSignal]);
  // The tokens the upload and the creates send, of which a server may make the dataset's or the
  // batch's id: carried by every call of the run (a poll, a cancel, the watch, `results()`), which
  // are cleaned of them, when a token function that mints one per call has moved the client's
  // memory of the last 4 past them. The run's messages and its error are cleaned of them too.
  // `bodyParams` are the batch's own extra fields: they go with its create alone (an upload, a
  // poll or a cancel has no body for them), as the data checked above.
  // The caller's Idempotency-Key (the option, or a header) is the upload's alone: to a server
  // that ties a key to one request, a cancel sent with it is a replay of the upload or a 422
  // (the batch ran on), and the create sends a key of the run's own.
  const { bodyParams: _sentWithTheCreate, idempotencyKey: uploadKey, headers: givenHeaders, ...rest } = options;
  const keyHeader = Object.entries(givenHeaders ?? {}).filter(([name]) => name.toLowerCase() === "idempotency-key");
  options = carryTokens(
    givenHeaders === undefined
      ? rest
      : {
          ...rest,
          headers: Object.fromEntries(
            Object.entries(givenHeaders).filter(([name]) => name.toLowerCase() !== "idempotency-key"),
          ),
        },
    [],
  );
  const calls: RequestOptions = { ...options, abortSignal: scope.signal };
  // The waits' polls get `options` too, with the wait's own signal (which follows this scope).
  const waits = { pollIntervalInSeconds: run.pollIntervalInSeconds ?? 5, abortSignal: scope.signal };
  // The waits end with the run's deadline, and know it: a server's pause past it ends them at once.
  const within = { deadline: scope.deadline, timeoutInSeconds: run.timeoutInSeconds };
  // The callback gets copies: the run goes on with the batch and dataset it polled (a callback
  // that rewrote `batch.id` sent the next poll to another id, one that deleted it failed the run).
  const report = ({ phase, dataset, batch }: RunProgress) =>
    callUserCallback("onProgress", run.onProgress, {
      phase,
      ...(dataset === undefined ? {} : { dataset: { ...dataset } }),
      ...(batch === undefined ? {} : { batch: { ...batch } }),
    });
  let phase: RunPhase = "uploading";
  let dataset: Dataset | undefined;
  let batch: Batch | undefined;
  // Whether a create attempt may have reached the server, and whether one is on its way (see
  // `createBatchOnce`): the run's deadline that ends it leaves a batch it may have made.
  const sent = { secondPossible: false, inFlight: false };
  let runDataset: Dataset | undefined;
  let shownBatchId: string | undefined;
  // From the upload on, `datasets.create` owns `requests` (and closes them if it fails).
  let uploading = false;
  try {
    // Loaded, not imported: a static import of a lazy chunk makes the bundler split shared chunks.
    // Inside the run's scope: a load that stalls ends with the run's timeout or abort.
    const { create: createDataset, waitUntilValidated } = await loadOperations(scope.signal);
    report({ phase });
    uploading = true;
    const upload = { name: run.name, type: run.type, data: run.requests };
    // With a key of its own (unless the caller gave one, as the option or as a header), so that
    // a 500 or a dropped connection after the server may have acted sends the upload again
    // rather than failing the run. A server that ignores the key may keep a second dataset,
    // which costs no batch; the run reads only the one it was answered with.
    // (A blank header is no key, as the retry layer reads one: the upload went unkeyed.)
    const keyed = uploadKey !== undefined || keyHeader.some(([, value]) => isNotBlank(value ?? ""));
    const uploadCall = recordingTokens({
      ...calls,
      ...(givenHeaders === undefined ? {} : { headers: { ...calls.headers, ...Object.fromEntries(keyHeader) } }),
      idempotencyKey: keyed ? uploadKey : newIdempotencyKey("run-upload"),
    });
    const { id } = (await createDataset(api, upload, uploadCall, RUN_REQUESTS)).data;
    phase = "validating";
    dataset = await waitUntilValidated(
      api,
      id,
      { ...waits, onProgress: (dataset) => report({ phase, dataset }) },
      options,
      within,
    );
    const inputDataset = dataset;
    // Batches are matched by the id the upload was given (the one the create sends), whatever
    // the dataset's retrieve says.
    runDataset = { ...inputDataset, id };
    phase = "queued";
    const body = { name: run.name, input_dataset_id: id, model: run.model };
    const { maxRetries, shouldRetry } = options;
    const retries = { maxRetries, shouldRetry, timing: api.backoff };
    batch = await createBatchOnce(batches, body, runDataset, retries, { ...calls, bodyParams }, sent);
    // A batch an attempt whose answer was lost may yet add is cancelled (in the background), up
    // to the moment the run's batch is done: one created after is the caller's own.
    const finished: { at?: string | undefined } = {};
    if (sent.secondPossible) watchForSecondBatches(batches, runDataset, body, batch.id, options, undefined, finished);
    const onBatch = (latest: Batch) => {
      const next = phaseOf(latest, phase);
      if (next === undefined) return;
      phase = next;
      report({ phase, batch: latest });
    };
    onBatch(batch);
    const batchId = batch.id as string;
    // The id is the server's: cleaned of the tokens, which a server may echo there.
    shownBatchId = api.redact(batchId, options);
    // The waiter of `waitUntilDone`, with polls that carry the caller's request options.
    const done = await waitFor(
      {
        name: "run",
        notDone: () => `run: batch ${shownBatchId} was not done`,
        poll: async (abortSignal) => (await batches.retrieve(batchId, { ...options, abortSignal })).batch,
        settle: (latest) =>
          isTerminalStatus(latest.status) ? (latest as Batch & { readonly status: TerminalBatchStatus }) : undefined,
      },
      { ...waits, ...within, onProgress: onBatch },
    );
    // Only a batch that ran to completion took its processing time: one cancelled or failed at
    // once may end before a lost create is committed, and that duplicate must still go.
    // Only the run's own batch spares later ones: one a plugin answered with (a cache's, on
    // another dataset) completed before the create it let go made a batch.
    if (done.status === "BATCH_STATUS_COMPLETED" && done.input_dataset_id === runDataset.id)
      finished.at = done.updated_at;
    report({ phase: "done", batch: done });
    return {
      batch: done,
      inputDataset,
      results: (more) => runResults(batches, done.id as string, options, more, run.abortSignal),
    };
  } catch (error) {
    if (!uploading) closeRunRequests(run);
    // From the create on (the dataset validated), an abort may leave a batch behind. The cancel
    // goes on in the background: the abort ends the run at once.
    const aborted = scope.abortedByCaller();
    // The deadline ended the create in flight: the batch it may have made was never reported.
    const createLeft = sent.inFlight && scope.deadline.timedOut();
    const cancelled = aborted && run.cancelOnAbort ? batch : undefined;
    if (cancelled !== undefined) cancelInBackground(batches, cancelled, options);
    else if (
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
    // A deadline does not cancel the batch (`cancelOnAbort` is for the caller's abort): the
    // error names it, for the caller to cancel or wait on.
    throw redactError(api.knownTokens(options), scope.failure(error, phase, shownBatchId, cancelled !== undefined));
  } finally {
    scope.dispose();
  }
}
