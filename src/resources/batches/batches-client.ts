import type { ApiClient } from "../../core/api-client.js";
import { CohereError } from "../../core/errors/cohere-error.js";
import { checkInput } from "../../core/input.js";
import type { RequestOptions } from "../../core/request-options.js";
import type { BatchResult } from "../../internal/decoders/batch-result.js";
import { holdStreamErrors } from "../../internal/hold-stream-errors.js";
import { callerSignal, loadChunk } from "../../internal/load-chunk.js";
import { lazyAsyncIterable } from "../../lib/lazy-iterable.js";
import type { RunRequest, RunResult } from "../../lib/run-types.js";
import { RawBatchesClient } from "./raw-batches-client.js";
import { batchIdSchema, listBatchesRequestSchema } from "./schemas.js";
import type {
  Batch,
  CancelBatchResponse,
  CreateBatchRequest,
  CreateBatchResponse,
  GetBatchResponse,
  ListBatchesRequest,
  ListBatchesResponse,
  WaitUntilDoneOptions,
} from "./types.js";
import { isTerminalStatus, type TerminalBatchStatus } from "./status.js";
import type { HttpResponse } from "../../core/http-response.js";
import { ignore } from "../../internal/ignore.js";

/**
 * What the data-only methods resolve with. They hand the raw method's promise on with `.then`
 * rather than awaiting it in an async function of their own: the raw method (async, so that bad
 * input rejects rather than throws) is the call's one frame at this level.
 */
const dataOf = <T>(response: HttpResponse<T>): T => response.data;

/**
 * The batches API (`client.batches`): each method resolves with the response body.
 *
 * @example
 * ```ts
 * const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: "ds-1", model: "command-r" });
 * const done = await client.batches.waitUntilDone(batch.id, { onProgress: (b) => console.log(b.status) });
 * ```
 * @throws Never: `CohereClient` makes it (the constructor is internal); each method lists what its calls throw.
 * @public
 */
export class BatchesClient {
  /** The same methods, resolving with the HTTP response (status, headers, request id) as well. */
  readonly withRawResponse: RawBatchesClient;
  readonly #api: ApiClient;
  // The pages of `listAll` and the polls of `waitUntilDone` say so to plugins (`context.via`).
  readonly #listAllPages: RawBatchesClient;
  readonly #waitPolls: RawBatchesClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
    this.withRawResponse = new RawBatchesClient(api);
    this.#listAllPages = new RawBatchesClient(api.startedBy("listAll"));
    this.#waitPolls = new RawBatchesClient(api.startedBy("waitUntilDone"));
  }

  /**
   * Lists one page of batches (`GET /v2/batches`), newest first by default. See `listAll` to walk
   * every page.
   *
   * @example
   * ```ts
   * const page = await client.batches.list({ page_size: 100, order_by: "created_at" });
   * for (const batch of page.batches ?? []) console.log(batch.id, batch.status);
   * const next = page.next_page_token; // absent or "" on the last page
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  list(request?: ListBatchesRequest, options?: RequestOptions): Promise<ListBatchesResponse> {
    return this.withRawResponse.list(request, options).then(dataOf);
  }

  /**
   * Creates a batch that runs `model` over the requests of an uploaded, validated dataset
   * (`POST /v2/batches`). Without an `idempotencyKey` it is retried only where the server
   * certainly did not act (429, 503, a refused connection), so it never makes two batches.
   *
   * @example
   * ```ts
   * const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: "ds-123", model: "command-r" });
   * console.log(batch.id, batch.status); // "BATCH_STATUS_QUEUED"
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  create(request: CreateBatchRequest, options?: RequestOptions): Promise<CreateBatchResponse> {
    return this.withRawResponse.create(request, options).then(dataOf);
  }

  /**
   * Retrieves a batch by id (`GET /v2/batches/{id}`): its status and record counts.
   *
   * @example
   * ```ts
   * const { batch } = await client.batches.retrieve(batchId);
   * console.log(batch.status, batch.num_successful_records, "/", batch.num_records);
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  retrieve(id: string, options?: RequestOptions): Promise<GetBatchResponse> {
    return this.withRawResponse.retrieve(id, options).then(dataOf);
  }

  /**
   * Cancels a batch (`POST /v2/batches/{id}:cancel`); it goes through `BATCH_STATUS_CANCELING`
   * to `BATCH_STATUS_CANCELED`. A batch already in a terminal status is a `BadRequestError`.
   *
   * @example
   * ```ts
   * await client.batches.cancel(batchId);
   * const done = await client.batches.waitUntilDone(batchId); // done.status: "BATCH_STATUS_CANCELED"
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  cancel(id: string, options?: RequestOptions): Promise<CancelBatchResponse> {
    return this.withRawResponse.cancel(id, options).then(dataOf);
  }

  /**
   * Every batch, page after page: the next page is fetched only when the loop gets there, so
   * memory holds one page at a time. Returned at once: nothing is fetched until iteration
   * starts, and each loop over it walks from the first page again. Leaving a loop (`break`, or
   * `return()` while a page is on its way) ends the request in flight.
   *
   * @example
   * ```ts
   * for await (const batch of client.batches.listAll({ page_size: 1000 })) console.log(batch.id);
   * ```
   * @throws {@link CohereError} for bad input, or when the server repeats a page token it already sent in this walk,
   * or sends 100 empty pages in a row (each with a new token: a walk that would never end).
   * @throws {@link ApiError}, {@link CohereTimeoutError}, {@link CohereConnectionError}, {@link CohereAbortError}, {@link CohereParseError} as `list` does, from the page that failed.
   */
  listAll(request: ListBatchesRequest = {}, options?: RequestOptions): AsyncIterable<Batch> {
    // Each loop over it is a walk of its own, from the first page, as for `results`. Checked
    // on the first `next()`, and read from the checked copy: users' getters run once a walk.
    return lazyAsyncIterable(async (closing) => {
      const first = checkInput(listBatchesRequestSchema, request, "request");
      const checked = options === undefined ? undefined : (this.#api.resolveOptions(options) as RequestOptions);
      // Only programs that walk every page load the walk.
      const { walkBatches } = await loadChunk(
        () => import("../../lib/batch-pages.js"),
        "the page walk",
        checked,
        "listAll",
      );
      return walkBatches(this.#listAllPages, first, checked, closing);
    });
  }

  /**
   * Polls `retrieve` until the batch reaches a terminal status, and resolves with it.
   *
   * @remarks
   * `BATCH_STATUS_FAILED` and `BATCH_STATUS_CANCELED` resolve too: read `status`. Running out
   * of `timeoutInSeconds` rejects with `CohereTimeoutError`; the `abortSignal` with
   * `CohereAbortError`. The poll in flight is cancelled in both cases. A poll that fails
   * transiently (a 503 burst, a dropped connection), after its own retries, does not end the
   * wait: the last such failure is the `cause` of the `CohereTimeoutError` if the deadline
   * passes. An `onProgress` that throws is reported with `console.warn` and does not end the
   * wait. A status the spec does not list (one Cohere may add later) is not taken as terminal:
   * the wait goes on, so give `timeoutInSeconds` to a wait that must end.
   *
   * @example
   * ```ts
   * const done = await client.batches.waitUntilDone(batchId, {
   *   pollIntervalInSeconds: 10,
   *   timeoutInSeconds: 3600,
   *   onProgress: (batch) => console.log(batch.status, batch.num_successful_records),
   * });
   * if (done.status !== BatchStatus.Completed) console.error(done.status_reason);
   * ```
   * @throws {@link CohereError} for a bad id or bad options, before anything is sent.
   * @throws {@link CohereTimeoutError} when `timeoutInSeconds` passes first (`cause`: the last transient failure, if any).
   * @throws {@link CohereAbortError} when `abortSignal` fires.
   * @throws {@link ApiError} for a poll that fails for good (a 404, a 401), after its retries.
   */
  async waitUntilDone(
    id: string,
    options: WaitUntilDoneOptions = {},
  ): Promise<Batch & { readonly status: TerminalBatchStatus }> {
    // Only programs that wait load the waiter.
    const [{ waitFor }, { waitUntilDoneOptionsSchema }] = await Promise.all([
      loadChunk(() => import("../../lib/waiter.js"), "the waiter", options, "waitUntilDone"),
      loadChunk(() => import("./wait-options.js"), "the checks of wait options", options, "waitUntilDone"),
    ]);
    const { pollIntervalInSeconds = 5, ...schedule } = checkInput(
      waitUntilDoneOptionsSchema,
      options,
      "waitUntilDone options",
    );
    return waitFor(
      {
        name: "waitUntilDone",
        // Cleaned of the tokens, as `waitUntilValidated`'s: a server may make an id of an echoed
        // one. Made on a timeout only, when the first poll has checked the id.
        notDone: () => `waitUntilDone: batch ${this.#api.redact(id, options)} was not done`,
        poll: async (abortSignal) => (await this.#waitPolls.retrieve(id, { abortSignal })).data.batch,
        // Narrowing `status` does not narrow the batch that holds it.
        settle: (batch) =>
          isTerminalStatus(batch.status) ? (batch as Batch & { readonly status: TerminalBatchStatus }) : undefined,
      },
      { pollIntervalInSeconds, ...schedule },
    );
  }

  /**
   * The results of a completed batch: `client.datasets.records(batch.output_dataset_id)`, one
   * `BatchResult` per output line (`custom_id`, and `body` or `error`). Returned at once:
   * nothing is fetched until iteration starts. Output records are not in input order: match
   * them on `custom_id`.
   *
   * @example
   * ```ts
   * for await (const result of client.batches.results(batchId)) console.log(result.custom_id, result.body);
   * ```
   * @throws CohereError, before any download, for a batch that is not `BATCH_STATUS_COMPLETED`
   * (the message names its status) or has no output dataset; then as `datasets.records`.
   */
  results(id: string, options?: RequestOptions): AsyncIterable<BatchResult> {
    // Refused on the first `next()`, as every other bad input of an iterable (`listAll`'s): the
    // call itself always returns the iterable.
    return lazyAsyncIterable(async (closing) => {
      checkInput(batchIdSchema, id, "id");
      // Awaited: options refused at once (a header fetch refuses) reject it before it waits for
      // anything (see `promiseOf`).
      return await (
        await loadChunk(() => import("../../lib/batch-results.js"), "the results reader", options, "results")
      ).openBatchResults(this.#api.startedBy("results"), id, options, closing);
    });
  }

  /**
   * From requests to results in one call: uploads `requests` as a dataset, waits until it is
   * validated, creates the batch, waits until it is done, and resolves with
   * `{ batch, inputDataset, results() }`.
   *
   * @remarks
   * `timeoutInSeconds` bounds the whole run and `abortSignal` ends it (the batch is cancelled
   * only with `cancelOnAbort: true`). `onProgress` sees each phase: `uploading`, `validating`,
   * `queued`, `running`, `done`. It never leaves two batches behind: the create carries an
   * idempotency key, and before sending it again after an attempt that may have reached the
   * server, `run` looks for a batch reading this run's dataset and adopts it. A batch that
   * ends `FAILED` or `CANCELED` resolves: read `batch.status`. `options` go with every call
   * of the run, but `bodyParams` (a batch's fields this SDK does not know yet) with its create
   * alone: checked before the upload, read once (every create attempt sends the same fields),
   * nested at most 1,000 levels, and never `name`, `model` or `input_dataset_id` (nor
   * `inputDatasetId`), which the run sets.
   *
   * @example
   * ```ts
   * const run = await client.batches.run({
   *   name: "nightly",
   *   model: "embed-v4.0",
   *   type: "batch-embed-v2-input",
   *   requests: [{ custom_id: "1", body: { input_type: "search_document", texts: ["hello"] } }],
   *   onProgress: ({ phase }) => console.log(phase),
   * });
   * for await (const result of run.results()) console.log(result.custom_id, result.body);
   * ```
   * @throws CohereError for bad input, before anything is sent; `CohereDatasetValidationError`
   * when the upload fails validation; `CohereTimeoutError` after `timeoutInSeconds`;
   * `CohereAbortError` on abort; `ApiError` subclasses for a call that failed for good.
   */
  async run(request: RunRequest, options?: RequestOptions): Promise<RunResult> {
    holdStreamErrors(request, "requests");
    // Bounded by the caller's signal, in the options or in the run request.
    const { runBatch } = await loadChunk(
      () => import("../../lib/run.js"),
      "run",
      callerSignal(options) ?? callerSignal(request),
      "run",
    ).catch((error: unknown) => {
      // Aborted before `run` loaded: the caller's `requests` are closed all the same (a read
      // stream held its file open), without holding the error up.
      import("../../lib/run.js").then(
        (loaded) => loaded.closeRunRequests(request),
        ignore, // this load failing too leaves nothing more to do
      );
      throw error;
    });
    // Awaited: a run refused at once (bad input) is a promise already rejected (see `promiseOf`).
    return await runBatch(this.#api.startedBy("run"), request, options);
  }
}
