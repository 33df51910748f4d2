import { runtime } from "#platform";
import type { ApiClient } from "../../core/api-client.js";
import type { HttpResponse } from "../../core/http-response.js";
import { checkInput } from "../../core/input.js";
import type { RequestOptions } from "../../core/request-options.js";
import type { operations } from "../../generated/datasets-openapi.js";
import { batchIdSchema as datasetIdSchema } from "../batches/schemas.js";
import {
  createDatasetResponseSchema,
  datasetUsageResponseSchema,
  deleteDatasetResponseSchema,
  getDatasetResponseSchema,
  listDatasetsRequestSchema,
  listDatasetsResponseSchema,
} from "./schemas.js";
import type {
  CreateDatasetRequest,
  CreateDatasetResponse,
  DatasetUsageResponse,
  DeleteDatasetResponse,
  GetDatasetResponse,
  ListDatasetsRequest,
  ListDatasetsResponse,
} from "./types.js";

type ListQuery = NonNullable<operations["list-datasets"]["parameters"]["query"]>;

/**
 * The datasets API with the HTTP response of every call: `data` plus status, headers, URL and
 * request id. Reach it as `client.datasets.withRawResponse`.
 *
 * @remarks Every argument is checked before anything is sent; a bad one throws `CohereError`
 * naming the field.
 * @public
 */
export class RawDatasetsClient {
  readonly #api: ApiClient;

  /** @internal */
  constructor(api: ApiClient) {
    this.#api = api;
  }

  /**
   * Uploads a dataset (`POST /v1/datasets`, `multipart/form-data`). Not idempotent: sent again
   * only where the server certainly did not act, or with an `idempotencyKey`, and only when
   * the body can be sent again (a stream or generator is sent once).
   */
  async create(request: CreateDatasetRequest, options?: RequestOptions): Promise<HttpResponse<CreateDatasetResponse>> {
    // The upload code is loaded only by apps that upload.
    const { prepareDatasetUpload } = await import("./create-upload.js");
    const streaming = !runtime.isBrowserLike();
    const { query, body } = await prepareDatasetUpload(request, streaming, options?.abortSignal);
    return this.#api.call(
      {
        operation: "datasets.create",
        method: "post",
        path: "/v1/datasets",
        params: { query },
        encodedBody: body,
        response: { schema: createDatasetResponseSchema },
        // A second upload makes a second dataset.
        idempotent: false,
      },
      options,
    );
  }

  /** Retrieves a dataset (`GET /v1/datasets/{id}`). */
  retrieve(id: string, options?: RequestOptions): Promise<HttpResponse<GetDatasetResponse>> {
    const path = { id: checkInput(datasetIdSchema, id, "id") };
    return this.#api.call(
      {
        operation: "datasets.retrieve",
        method: "get",
        path: "/v1/datasets/{id}",
        params: { path },
        response: { schema: getDatasetResponseSchema },
        idempotent: true,
      },
      options,
    );
  }

  /** Lists datasets (`GET /v1/datasets`), filtered. */
  list(request: ListDatasetsRequest = {}, options?: RequestOptions): Promise<HttpResponse<ListDatasetsResponse>> {
    const filters = checkInput(listDatasetsRequestSchema, request, "request");
    const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as ListQuery;
    return this.#api.call(
      {
        operation: "datasets.list",
        method: "get",
        path: "/v1/datasets",
        params: { query },
        response: { schema: listDatasetsResponseSchema },
        idempotent: true,
      },
      options,
    );
  }

  /** Deletes a dataset (`DELETE /v1/datasets/{id}`). */
  delete(id: string, options?: RequestOptions): Promise<HttpResponse<DeleteDatasetResponse>> {
    const path = { id: checkInput(datasetIdSchema, id, "id") };
    return this.#api.call(
      {
        operation: "datasets.delete",
        method: "delete",
        path: "/v1/datasets/{id}",
        params: { path },
        response: { schema: deleteDatasetResponseSchema, emptyBody: {} },
        // Deleting twice leaves no dataset, as deleting once does (the second may be a 404).
        idempotent: true,
      },
      options,
    );
  }

  /** The organization's dataset storage, in bytes (`GET /v1/datasets/usage`). */
  usage(options?: RequestOptions): Promise<HttpResponse<DatasetUsageResponse>> {
    return this.#api.call(
      {
        operation: "datasets.usage",
        method: "get",
        path: "/v1/datasets/usage",
        response: { schema: datasetUsageResponseSchema },
        idempotent: true,
      },
      options,
    );
  }
}
