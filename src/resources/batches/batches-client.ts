import type { ApiClient } from "../../core/api-client.js";
import { CohereError } from "../../core/errors/cohere-error.js";
import { checkInput } from "../../core/input.js";
import type { RequestOptions } from "../../core/request-options.js";
import type { BatchResult } from "../../internal/decoders/batch-result.js";
import { lazyAsyncIterable } from "../../lib/lazy-iterable.js";
import type { RunRequest, RunResult } from "../../lib/run-types.js";
import { waitFor } from "../../lib/waiter.js";
import { RawBatchesClient } from "./raw-batches-client.js";
import { batchIdSchema } from "./schemas.js";
import { waitUntilDoneOptionsSchema } from "./wait-options.js";
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

/** The statuses after which a batch never changes again. */
const terminalStatuses: ReadonlySet<string> = new Set([
  "BATCH_STATUS_COMPLETED",
  "BATCH_STATUS_FAILED",
  "BATCH_STATUS_CANCELED",
]);

/**
 * The batches API (`client.batches`): each method resolves with the response body.
 *
 * @example
 * ```ts
 * const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: "ds-1", model: "command-r" });
 * const done = await client.batches.waitUntilDone(batch.id!, { onProgress: (b) => console.log(b.status) });
 * ```
 * @public
 */
export class BatchesClient {
  /** The same methods, resolving with the HTTP response (status, headers, request id) as well. */
  readonly withRawResponse: RawBatchesClient;
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
    this.withRawResponse = new RawBatchesClient(api);
  }

  /** Lists one page of batches. See `listAll` to walk every page. */
  async list(request?: ListBatchesRequest, options?: RequestOptions): Promise<ListBatchesResponse> {
    return (await this.withRawResponse.list(request, options)).data;
  }

  /** Creates a batch. Without an `idempotencyKey` it is retried only where the server certainly did not act. */
  async create(request: CreateBatchRequest, options?: RequestOptions): Promise<CreateBatchResponse> {
    return (await this.withRawResponse.create(request, options)).data;
  }

  /** Retrieves a batch. */
  async retrieve(id: string, options?: RequestOptions): Promise<GetBatchResponse> {
    return (await this.withRawResponse.retrieve(id, options)).data;
  }

  /** Cancels a batch; it goes through `BATCH_STATUS_CANCELING` to `BATCH_STATUS_CANCELED`. */
  async cancel(id: string, options?: RequestOptions): Promise<CancelBatchResponse> {
    return (await this.withRawResponse.cancel(id, options)).data;
  }

  /**
   * Every batch, page after page: the next page is fetched only when the loop gets there, so
   * memory holds one page at a time.
   *
   * @example
   * ```ts
   * for await (const batch of client.batches.listAll({ page_size: 1000 })) console.log(batch.id);
   * ```
   */
  async *listAll(request: ListBatchesRequest = {}, options?: RequestOptions): AsyncGenerator<Batch, void, undefined> {
    let pageToken = request.page_token;
    // Every token of this walk: a server that hands back any of them again (A, B, A) would loop for ever.
    const seen = new Set(pageToken === undefined ? [] : [pageToken]);
    for (;;) {
      const page = await this.list(pageToken === undefined ? request : { ...request, page_token: pageToken }, options);
      if (page.batches !== undefined) yield* page.batches;
      const next = page.next_page_token;
      if (next === undefined || next === "") return;
      if (seen.has(next))
        throw new CohereError(`listAll: the server returned a page token it had already sent in this walk (${next})`);
      seen.add(next);
      pageToken = next;
    }
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
   * wait.
   */
  async waitUntilDone(id: string, options: WaitUntilDoneOptions = {}): Promise<Batch> {
    const { pollIntervalInSeconds = 5, ...schedule } = checkInput(
      waitUntilDoneOptionsSchema,
      options,
      "waitUntilDone options",
    );
    return waitFor(
      {
        notDone: `waitUntilDone: batch ${id} was not done`,
        poll: async (abortSignal) => (await this.retrieve(id, { abortSignal })).batch,
        settle: (batch) => (batch.status !== undefined && terminalStatuses.has(batch.status) ? batch : undefined),
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
   * for await (const result of client.batches.results(batch.id)) console.log(result.custom_id, result.body);
   * ```
   * @throws CohereError, before any download, for a batch that is not `BATCH_STATUS_COMPLETED`
   * (the message names its status) or has no output dataset; then as `datasets.records`.
   */
  results(id: string, options?: RequestOptions): AsyncIterable<BatchResult> {
    checkInput(batchIdSchema, id, "id");
    return lazyAsyncIterable(async () =>
      (await import("../../lib/batch-results.js")).openBatchResults(this.#api, this.withRawResponse, id, options),
    );
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
   * ends `FAILED` or `CANCELED` resolves: read `batch.status`.
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
    const { runBatch } = await import("../../lib/run.js");
    return runBatch(this.#api, this, request, options);
  }
}
