import type { ApiClient } from "../../core/api-client.js";
import type { HttpResponse } from "../../core/http-response.js";
import type { operations } from "../../generated/openapi.js";
import { checkInput } from "../../core/input.js";
import type { RequestOptions } from "../../core/request-options.js";
import {
  batchIdSchema,
  batchResponseSchema,
  cancelBatchResponseSchema,
  createBatchRequestSchema,
  listBatchesRequestSchema,
  listBatchesResponseSchema,
} from "./schemas.js";
import type {
  CancelBatchResponse,
  CreateBatchRequest,
  CreateBatchResponse,
  GetBatchResponse,
  ListBatchesRequest,
  ListBatchesResponse,
} from "./types.js";

const batchIdOf = (data: GetBatchResponse): string => data.batch.id;

type ListQuery = NonNullable<operations["ListBatches"]["parameters"]["query"]>;

/**
 * The batches API with the HTTP response of every call: `data` plus status, headers, URL and
 * request id. Reach it as `client.batches.withRawResponse`.
 *
 * @remarks Every argument is checked before anything is sent; a bad one rejects with `CohereError`
 * naming the field.
 *
 * @example
 * ```ts
 * const { data, status, requestId } = await client.batches.withRawResponse.retrieve(batchId);
 * console.log(status, requestId, data.batch.status);
 * ```
 * @throws Never: `CohereClient` makes it (the constructor is internal); each method lists what its calls throw.
 * @public
 */
export class RawBatchesClient {
  // Each method ends `return await this.#api.call(...)`: a call refused before anything is sent
  // (an abort already fired, a header fetch refuses) is a promise already rejected (see `promiseOf`).
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
  }

  /**
   * Lists one page of batches (`GET /v2/batches`), with the HTTP response.
   *
   * @example
   * ```ts
   * const raw = await client.batches.withRawResponse.list({ page_size: 10 });
   * console.log(raw.status, raw.requestId, raw.data.batches?.length);
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  async list(request: ListBatchesRequest = {}, options?: RequestOptions): Promise<HttpResponse<ListBatchesResponse>> {
    const { page_size, page_token, order_by } = checkInput(listBatchesRequestSchema, request, "request");
    // The spec's query type has no room for `undefined`, which callers may pass for "absent".
    const query: ListQuery = {};
    if (page_size !== undefined) query.page_size = page_size;
    if (page_token !== undefined) query.page_token = page_token;
    if (order_by !== undefined) query.order_by = order_by;
    return await this.#api.call(
      {
        operation: "batches.list",
        method: "get",
        path: "/v2/batches",
        params: { query },
        response: { schema: listBatchesResponseSchema },
        idempotent: true,
      },
      options,
    );
  }

  /**
   * Creates a batch from an uploaded dataset (`POST /v2/batches`), with the HTTP response. Never
   * sent twice where the server may have acted, unless an `idempotencyKey` is given.
   *
   * @example
   * ```ts
   * const raw = await client.batches.withRawResponse.create(
   *   { name: "nightly", input_dataset_id: "ds-123", model: "command-r" },
   *   { idempotencyKey: "nightly-2026-11-30" },
   * );
   * console.log(raw.status, raw.data.batch.id);
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  async create(request: CreateBatchRequest, options?: RequestOptions): Promise<HttpResponse<CreateBatchResponse>> {
    const body = checkInput(createBatchRequestSchema, request, "request");
    return await this.#api.call(
      {
        operation: "batches.create",
        method: "post",
        path: "/v2/batches",
        body,
        response: { schema: batchResponseSchema },
        // A second create makes a second batch: retried only where the server did not act.
        idempotent: false,
      },
      options,
    );
  }

  /**
   * Retrieves a batch (`GET /v2/batches/{id}`), with the HTTP response.
   *
   * @example
   * ```ts
   * const raw = await client.batches.withRawResponse.retrieve(batchId);
   * console.log(raw.headers.get("content-type"), raw.data.batch.status);
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  async retrieve(id: string, options?: RequestOptions): Promise<HttpResponse<GetBatchResponse>> {
    const path = { id: checkInput(batchIdSchema, id, "id") };
    return await this.#api.call(
      {
        operation: "batches.retrieve",
        method: "get",
        path: "/v2/batches/{id}",
        params: { path },
        response: { schema: batchResponseSchema, answersFor: { id: path.id, field: "batch.id", idOf: batchIdOf } },
        idempotent: true,
      },
      options,
    );
  }

  /**
   * Cancels a batch (`POST /v2/batches/{id}:cancel`, no body), with the HTTP response; an empty
   * body is `{}`.
   *
   * @example
   * ```ts
   * const raw = await client.batches.withRawResponse.cancel(batchId);
   * console.log(raw.status); // 200
   * ```
   * @throws {@link CohereError} for bad input, before anything is sent (the message names the field).
   * @throws {@link ApiError} (a subclass per status, such as `NotFoundError`) when Cohere answers outside 2xx after the retries.
   * @throws {@link CohereTimeoutError}, {@link CohereConnectionError} when every allowed attempt timed out or failed to connect.
   * @throws {@link CohereAbortError} when `options.abortSignal` fires; {@link CohereParseError} for a 2xx body that is not what the spec says.
   */
  async cancel(id: string, options?: RequestOptions): Promise<HttpResponse<CancelBatchResponse>> {
    const path = { id: checkInput(batchIdSchema, id, "id") };
    return await this.#api.call(
      {
        operation: "batches.cancel",
        method: "post",
        path: "/v2/batches/{id}:cancel",
        params: { path },
        response: { schema: cancelBatchResponseSchema, emptyBody: {} },
        // Cancelling twice leaves the batch as cancelling once does.
        idempotent: true,
      },
      options,
    );
  }
}
