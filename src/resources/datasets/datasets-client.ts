import type { ApiClient } from "../../core/api-client.js";
import { checkInput } from "../../core/input.js";
import type { RequestOptions } from "../../core/request-options.js";
import type { BatchResult } from "../../internal/decoders/batch-result.js";
import { loadChunk } from "../../internal/load-chunk.js";
import { lazyAsyncIterable } from "../../lib/lazy-iterable.js";
import { datasetIdSchema } from "../batches/schemas.js";
import { loadOperations, RawDatasetsClient } from "./raw-datasets-client.js";
import type {
  CreateDatasetRequest,
  CreateDatasetResponse,
  Dataset,
  DatasetUsageResponse,
  DeleteDatasetResponse,
  GetDatasetResponse,
  ListDatasetsRequest,
  ListDatasetsResponse,
  WaitUntilValidatedOptions,
} from "./types.js";

/**
 * The datasets API (`client.datasets`), which feeds batches: each method resolves with the
 * response body.
 *
 * @example
 * ```ts
 * const requests = [{ custom_id: "1", body: { messages: [{ role: "user", content: "Hi" }] } }];
 * const { id } = await client.datasets.create({ name: "nightly", type: "batch-chat-v2-input", data: requests });
 * await client.datasets.waitUntilValidated(id);
 * const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: id, model: "command-a-03-2025" });
 * ```
 * @throws Never: `CohereClient` makes it (the constructor is internal); each method lists what its calls throw.
 * @public
 */
export class DatasetsClient {
  /** The same methods, resolving with the HTTP response (status, headers, request id) as well. */
  readonly withRawResponse: RawDatasetsClient;
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
    this.withRawResponse = new RawDatasetsClient(api);
  }

  /**
   * Uploads a file as a dataset, which Cohere then validates (see `waitUntilValidated`).
   *
   * @remarks
   * `data` may be text, bytes, a `Blob` or `File`, a `ReadableStream`, an async iterable of
   * bytes (a Node `fs.createReadStream`), or an array or (async) iterable of plain objects,
   * written as JSONL. Streams and iterables are sent as they are read, never held whole in
   * memory, and since they can be read once, such an upload is never retried. The part's
   * filename is `filename`, else a `File`'s name, else `<name>.jsonl`.
   *
   * Not idempotent: without an `idempotencyKey` it is retried only where the server certainly
   * did not act (429, 503, a refused connection). The attempt's `timeoutInSeconds` covers the
   * whole upload: give a large file more than the default.
   *
   * @example
   * ```ts
   * import { createReadStream } from "node:fs";
   * const { id } = await client.datasets.create({
   *   name: "requests",
   *   type: "batch-embed-v2-input",
   *   data: createReadStream("requests.jsonl"),
   *   filename: "requests.jsonl",
   * });
   * ```
   * @throws CohereError for bad input (an empty name, a `data` of no supported kind, an object
   * that cannot be written as JSON), before anything is sent; `ApiError` subclasses for the
   * server's refusals (`BadRequestError` for a wrong extension); `CohereTimeoutError`,
   * `CohereAbortError`, `CohereConnectionError` as for every call.
   */
  async create(request: CreateDatasetRequest, options?: RequestOptions): Promise<CreateDatasetResponse> {
    return (await this.withRawResponse.create(request, options)).data;
  }

  /**
   * Retrieves a dataset.
   * @example
   * ```ts
   * const { dataset } = await client.datasets.retrieve(datasetId);
   * ```
   * @throws `NotFoundError` for an unknown id; `CohereError` for an empty id.
   */
  async retrieve(id: string, options?: RequestOptions): Promise<GetDatasetResponse> {
    return (await this.withRawResponse.retrieve(id, options)).data;
  }

  /**
   * Lists datasets, filtered by type, validation status, creation date, `limit` and `offset`.
   * @example
   * ```ts
   * const { datasets } = await client.datasets.list({ validationStatus: "validated", limit: 10 });
   * ```
   * @throws `CohereError` for a bad filter, before anything is sent; `ApiError` subclasses.
   */
  async list(request?: ListDatasetsRequest, options?: RequestOptions): Promise<ListDatasetsResponse> {
    return (await this.withRawResponse.list(request, options)).data;
  }

  /**
   * Deletes a dataset (Cohere deletes them after 30 days anyway).
   * @example
   * ```ts
   * await client.datasets.delete(datasetId);
   * ```
   * @throws `NotFoundError` for an unknown id.
   */
  async delete(id: string, options?: RequestOptions): Promise<DeleteDatasetResponse> {
    return (await this.withRawResponse.delete(id, options)).data;
  }

  /**
   * The organization's dataset storage, in bytes.
   * @example
   * ```ts
   * const { organization_usage } = await client.datasets.usage();
   * ```
   * @throws `ApiError` subclasses.
   */
  async usage(options?: RequestOptions): Promise<DatasetUsageResponse> {
    return (await this.withRawResponse.usage(options)).data;
  }

  /**
   * Polls `retrieve` until validation ends, and resolves with the dataset when it is
   * `validated` (or `skipped`).
   *
   * @remarks
   * A poll that fails transiently (after its own retries) does not end the wait; `onProgress`
   * cannot fail it. Any status other than `validated`, `skipped` and `failed` (`unknown` included)
   * keeps the wait going: give `timeoutInSeconds` to a wait that must end.
   * @example
   * ```ts
   * const dataset = await client.datasets.waitUntilValidated(datasetId, { timeoutInSeconds: 600 });
   * ```
   * @throws `CohereDatasetValidationError` when validation fails (with the server's
   * `validation_error` and warnings); `CohereTimeoutError` after `timeoutInSeconds`;
   * `CohereAbortError` when `abortSignal` fires.
   */
  async waitUntilValidated(id: string, options: WaitUntilValidatedOptions = {}): Promise<Dataset> {
    return (await loadOperations(options, "waitUntilValidated")).waitUntilValidated(this.#api, id, options);
  }

  /**
   * Every record of the dataset, decoded from its parts (Avro files behind signed URLs), part
   * by part in `index` order. Returned at once: nothing is fetched until iteration starts.
   *
   * @remarks
   * Streams: one Avro block is in memory at a time, whatever the size. Each part is downloaded
   * with the client's fetch, timeout, retries and abort, and never with a Cohere header (no
   * `Authorization`, no client headers): the signed URL is its own credential. An expired or
   * refused URL (400, 403) makes it retrieve the dataset once for fresh URLs and go on at the
   * same part; a body that breaks off is read again. No record is yielded twice. A JSON `body`
   * or `error` field is parsed; other fields are as Avro decodes them. The download operation
   * is `datasets.download`. The decoder is loaded on first use.
   *
   * @example
   * ```ts
   * const { batch } = await client.batches.retrieve(batchId);
   * // A batch may name its output dataset before it completes: read it once the batch has.
   * if (batch.status === BatchStatus.Completed && batch.output_dataset_id !== undefined)
   *   for await (const record of client.datasets.records(batch.output_dataset_id)) console.log(record.custom_id);
   * ```
   * @throws CohereError for an empty id (on the first `next()`, before anything is sent) or a part without URL; `CohereParseError`
   * naming the part for a file that is not valid Avro or is cut short; `ApiError` subclasses,
   * `CohereTimeoutError`, `CohereAbortError`, `CohereConnectionError` as for every call.
   */
  records(id: string, options?: RequestOptions): AsyncIterable<BatchResult> {
    // Refused on the first `next()`, as every other bad input of an iterable (`listAll`'s): the
    // call itself always returns the iterable.
    return lazyAsyncIterable(async (closing) => {
      checkInput(datasetIdSchema, id, "id");
      return (
        await loadChunk(() => import("../../lib/dataset-records.js"), "the records reader", options, "records")
      ).openDatasetRecords(this.#api.startedBy("results"), id, options, closing, "records");
    });
  }
}
