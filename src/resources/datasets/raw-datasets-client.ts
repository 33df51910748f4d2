import type { ApiClient } from "../../core/api-client.js";
import { holdStreamErrors } from "../../internal/hold-stream-errors.js";
import { loadChunk } from "../../internal/load-chunk.js";
import type { HttpResponse } from "../../core/http-response.js";
import type { RequestOptions } from "../../core/request-options.js";
import { ignore } from "../../internal/ignore.js";
import type {
  CreateDatasetRequest,
  CreateDatasetResponse,
  DatasetUsageResponse,
  DeleteDatasetResponse,
  GetDatasetResponse,
  ListDatasetsRequest,
  ListDatasetsResponse,
} from "./types.js";

/**
 * @internal The operations, loaded on the first datasets call (see `operations.ts`), the wait
 * bounded by a signal, or by the caller's options (see `loadChunk`).
 */
/**
 * The datasets' operations, loaded on first use; `caller` names the method for an abort that
 * comes before its call does (as the call's own would: `datasets.retrieve (GET /v1/datasets/{id})`).
 */
export const loadOperations = (bound?: unknown, caller?: string) =>
  loadChunk(() => import("./operations.js"), "the datasets operations", bound, caller);

/**
 * The datasets API with the HTTP response of every call: `data` plus status, headers, URL and
 * request id. Reach it as `client.datasets.withRawResponse`.
 *
 * @remarks Every argument is checked before anything is sent; a bad one rejects with `CohereError`
 * naming the field. The operations' code is loaded on the first call (a dynamic import), so
 * an app that never touches datasets does not carry it.
 *
 * @example
 * ```ts
 * const { data, headers, requestId } = await client.datasets.withRawResponse.usage();
 * console.log(requestId, headers.get("content-type"), data);
 * ```
 * @throws Never: `CohereClient` makes it (the constructor is internal); each method lists what its calls throw.
 * @public
 */
export class RawDatasetsClient {
  // Each method ends by awaiting the operation: one refused before anything is sent is a promise
  // already rejected (see `promiseOf`).
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
  }

  /**
   * Uploads a dataset (`POST /v1/datasets`, `multipart/form-data`). Not idempotent: sent again
   * only where the server certainly did not act, or with an `idempotencyKey`, and only when
   * the body can be sent again (a stream or generator is sent once).
   * @example
   * ```ts
   * const { data, requestId } = await client.datasets.withRawResponse.create({
   *   name: "chats",
   *   type: "batch-chat-v2-input",
   *   data: [{ custom_id: "1", body: { messages: [{ role: "user", content: "Hi" }] } }],
   * });
   * console.log(data.id, requestId);
   * ```
   * @throws As `DatasetsClient.create`.
   */
  async create(request: CreateDatasetRequest, options?: RequestOptions): Promise<HttpResponse<CreateDatasetResponse>> {
    holdStreamErrors(request, "data", "eval_data");
    const operations = await loadOperations(options, "datasets.create (POST /v1/datasets)").catch((error: unknown) => {
      // Aborted before the upload code loaded: the caller's streams are closed all the same
      // (as fetch cancels the body of a request it never sends), without holding the error up.
      loadOperations().then(
        (loaded) => loaded.closeRequestData(request),
        ignore, // this load failing too leaves nothing more to do
      );
      throw error;
    });
    return await operations.create(this.#api, request, options);
  }

  /**
   * Retrieves a dataset (`GET /v1/datasets/{id}`).
   * @example
   * ```ts
   * const { data, status } = await client.datasets.withRawResponse.retrieve(datasetId);
   * ```
   * @throws As `DatasetsClient.retrieve`.
   */
  async retrieve(id: string, options?: RequestOptions): Promise<HttpResponse<GetDatasetResponse>> {
    return await (await loadOperations(options, "datasets.retrieve (GET /v1/datasets/{id})")).retrieve(
      this.#api,
      id,
      options,
    );
  }

  /**
   * Lists datasets (`GET /v1/datasets`), filtered.
   * @example
   * ```ts
   * const { data } = await client.datasets.withRawResponse.list({ limit: 10 });
   * ```
   * @throws As `DatasetsClient.list`.
   */
  async list(request?: ListDatasetsRequest, options?: RequestOptions): Promise<HttpResponse<ListDatasetsResponse>> {
    return await (await loadOperations(options, "datasets.list (GET /v1/datasets)")).list(this.#api, request, options);
  }

  /**
   * Deletes a dataset (`DELETE /v1/datasets/{id}`).
   * @example
   * ```ts
   * const { status } = await client.datasets.withRawResponse.delete(datasetId);
   * ```
   * @throws As `DatasetsClient.delete`.
   */
  async delete(id: string, options?: RequestOptions): Promise<HttpResponse<DeleteDatasetResponse>> {
    return await (await loadOperations(options, "datasets.delete (DELETE /v1/datasets/{id})")).remove(
      this.#api,
      id,
      options,
    );
  }

  /**
   * The organization's dataset storage, in bytes (`GET /v1/datasets/usage`).
   * @example
   * ```ts
   * const { data } = await client.datasets.withRawResponse.usage();
   * ```
   * @throws As `DatasetsClient.usage`.
   */
  async usage(options?: RequestOptions): Promise<HttpResponse<DatasetUsageResponse>> {
    return await (await loadOperations(options, "datasets.usage (GET /v1/datasets/usage)")).usage(this.#api, options);
  }
}
