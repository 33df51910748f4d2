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

type ListQuery = NonNullable<operations["ListBatches"]["parameters"]["query"]>;

/**
 * The batches API with the HTTP response of every call: `data` plus status, headers, URL and
 * request id. Reach it as `client.batches.withRawResponse`.
 *
 * @remarks Every argument is checked before anything is sent; a bad one throws `CohereError`
 * naming the field.
 * @public
 */
export class RawBatchesClient {
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** Lists one page of batches (`GET /v2/batches`). */
  list(request: ListBatchesRequest = {}, options?: RequestOptions): Promise<HttpResponse<ListBatchesResponse>> {
    const { page_size, page_token, order_by } = checkInput(listBatchesRequestSchema, request, "request");
    // The spec's query type has no room for `undefined`, which callers may pass for "absent".
    const query: ListQuery = {};
    if (page_size !== undefined) query.page_size = page_size;
    if (page_token !== undefined) query.page_token = page_token;
    if (order_by !== undefined) query.order_by = order_by;
    return this.#api.call(
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

  /** Creates a batch from an uploaded dataset (`POST /v2/batches`). Never sent twice without an `idempotencyKey`. */
  create(request: CreateBatchRequest, options?: RequestOptions): Promise<HttpResponse<CreateBatchResponse>> {
    const body = checkInput(createBatchRequestSchema, request, "request");
    return this.#api.call(
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

  /** Retrieves a batch (`GET /v2/batches/{id}`). */
  retrieve(id: string, options?: RequestOptions): Promise<HttpResponse<GetBatchResponse>> {
    const path = { id: checkInput(batchIdSchema, id, "id") };
    return this.#api.call(
      {
        operation: "batches.retrieve",
        method: "get",
        path: "/v2/batches/{id}",
        params: { path },
        response: { schema: batchResponseSchema },
        idempotent: true,
      },
      options,
    );
  }

  /** Cancels a batch (`POST /v2/batches/{id}:cancel`, no body). */
  cancel(id: string, options?: RequestOptions): Promise<HttpResponse<CancelBatchResponse>> {
    const path = { id: checkInput(batchIdSchema, id, "id") };
    return this.#api.call(
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
