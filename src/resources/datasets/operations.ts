import { runtime } from "#platform";
import { CohereDatasetValidationError } from "../../core/errors/dataset-validation-error.js";
import { callName, namedBeforeCall } from "../../core/errors/call-failure.js";
import type { ApiClient } from "../../core/api-client.js";
import type { MiddlewareContext } from "../../core/middleware.js";
import type { HttpResponse } from "../../core/http-response.js";
import { checkInput } from "../../core/input.js";
import { closeUnread } from "../../internal/close-unread.js";
import { type Deadline, startDeadline } from "../../internal/deadline.js";
import { loadChunk } from "../../internal/load-chunk.js";
import type { UploadPart } from "../../internal/uploads.js";
import { builtRedacted, redactTokens } from "../../internal/secrets.js";
import type { RequestOptions } from "../../core/request-options.js";
import type { operations } from "../../generated/datasets-openapi.js";
import { datasetIdSchema } from "../batches/schemas.js";
import {
  createDatasetResponseSchema,
  datasetUsageResponseSchema,
  deleteDatasetResponseSchema,
  getDatasetResponseSchema,
  listDatasetsRequestSchema,
  listDatasetsResponseSchema,
} from "./schemas.js";
import { waitFor } from "../../lib/waiter.js";
import { waitUntilDoneOptionsSchema } from "../batches/wait-options.js";
import type {
  CreateDatasetRequest,
  Dataset,
  CreateDatasetResponse,
  DatasetUsageResponse,
  DeleteDatasetResponse,
  GetDatasetResponse,
  ListDatasetsRequest,
  ListDatasetsResponse,
  WaitUntilValidatedOptions,
} from "./types.js";

type ListQuery = NonNullable<operations["list-datasets"]["parameters"]["query"]>;

/**
 * The datasets operations, each one call into the core. Reached by a dynamic import from the
 * thin `DatasetsClient` and `RawDatasetsClient`, so that an app that never touches datasets
 * does not carry their schemas, their upload code or their error class.
 */

/** How a create's failure before its call is named, as the call would name it. */
const CREATE = callName("datasets.create", "post", "/v1/datasets");

/**
 * `POST /v1/datasets`, `multipart/form-data`. `dataLabel` names `data` in errors when the
 * caller gave it under another name (`batches.run`'s `requests`).
 */
export async function create(
  api: ApiClient,
  request: CreateDatasetRequest,
  options?: RequestOptions,
  dataLabel?: UploadPart["label"],
): Promise<HttpResponse<CreateDatasetResponse>> {
  const { query, body } = await prepareUpload(api, request, options, dataLabel);
  // Once the call has settled, a one-shot body it no longer reads is stopped and closed.
  return api
    .call(
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
    )
    .finally(body.release);
}

/**
 * The create's query and encoded body, or its failure named as the call would name it (the
 * caller's streams closed).
 */
async function prepareUpload(
  api: ApiClient,
  request: CreateDatasetRequest,
  options: RequestOptions | undefined,
  dataLabel: UploadPart["label"] | undefined,
): Promise<Awaited<ReturnType<typeof import("./create-upload.js").prepareDatasetUpload>>> {
  // What bounds the encoding: a browser reads a stream whole before sending it, bounded like an
  // attempt (its timeout) and by the caller's abort.
  let encoding: Deadline | undefined;
  try {
    const { abortSignal, timeoutInSeconds } = api.resolveOptions(options);
    // The upload code is a chunk of its own again: only apps that upload load it.
    const { prepareDatasetUpload } = await loadChunk(
      () => import("./create-upload.js"),
      "the upload code",
      options,
      CREATE,
    );
    encoding = startDeadline(timeoutInSeconds, [abortSignal]);
    return await prepareDatasetUpload(request, !runtime.isBrowserLike(), encoding.signal, dataLabel);
  } catch (error) {
    // A call that ends before its body exists (refused, aborted) closes the caller's streams,
    // as fetch cancels the body of a request it never sends.
    closeRequestData(request);
    // Its data's failure while a browser gathered it is named as the call would have named it.
    throw namedBeforeCall(encoding?.timedOut() ? encoding.signal.reason : error, CREATE);
  } finally {
    encoding?.dispose();
  }
}

/** Closes the one-shot streams of a `create` request that will not be sent. */
export function closeRequestData(request: unknown): void {
  try {
    const { data, eval_data } = request as CreateDatasetRequest;
    closeUnread(data);
    closeUnread(eval_data);
  } catch {
    // A request that cannot be read has already been refused for it.
  }
}

const datasetIdOf = (data: GetDatasetResponse): string => data.dataset.id;

/** `GET /v1/datasets/{id}`. */
export function retrieve(
  api: ApiClient,
  id: string,
  options?: RequestOptions,
  answered?: (context: MiddlewareContext) => void,
): Promise<HttpResponse<GetDatasetResponse>> {
  const path = { id: checkInput(datasetIdSchema, id, "id") };
  return api.call(
    {
      operation: "datasets.retrieve",
      method: "get",
      path: "/v1/datasets/{id}",
      params: { path },
      response: {
        schema: getDatasetResponseSchema,
        answersFor: { id: path.id, field: "dataset.id", idOf: datasetIdOf },
      },
      idempotent: true,
      answered,
    },
    options,
  );
}

/** `GET /v1/datasets`, filtered. */
export function list(
  api: ApiClient,
  request: ListDatasetsRequest = {},
  options?: RequestOptions,
): Promise<HttpResponse<ListDatasetsResponse>> {
  const filters = checkInput(listDatasetsRequestSchema, request, "request");
  const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as ListQuery;
  return api.call(
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

/** `DELETE /v1/datasets/{id}`. */
export function remove(
  api: ApiClient,
  id: string,
  options?: RequestOptions,
): Promise<HttpResponse<DeleteDatasetResponse>> {
  const path = { id: checkInput(datasetIdSchema, id, "id") };
  return api.call(
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

/** `GET /v1/datasets/usage`. */
export function usage(api: ApiClient, options?: RequestOptions): Promise<HttpResponse<DatasetUsageResponse>> {
  return api.call(
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

/**
 * Polls `retrieve` on the shared waiter until validation ends; `failed` throws. Each poll is
 * sent with `callOptions` (`run` passes its caller's request options) and the wait's signal.
 * `within` is the deadline of a workflow the wait is part of (`run`'s), and its length.
 */
export function waitUntilValidated(
  api: ApiClient,
  id: string,
  options: WaitUntilValidatedOptions,
  callOptions?: RequestOptions,
  within?: { readonly deadline: Deadline; readonly timeoutInSeconds: number | undefined },
): Promise<Dataset> {
  const { pollIntervalInSeconds = 5, ...schedule } = checkInput(
    waitUntilDoneOptionsSchema,
    options,
    "waitUntilValidated options",
  ) as WaitUntilValidatedOptions;
  // Each poll tells plugins it is one (`context.via`).
  const polls = api.startedBy("waitUntilValidated");
  // The last poll's context: a failed validation's error quotes the server's words, cleaned of
  // what that poll sent (a server may echo the token there).
  let polled: MiddlewareContext | undefined;
  const answered = (context: MiddlewareContext) => {
    polled = context;
  };
  return waitFor(
    {
      // The id may be a server's (`run`'s upload): cleaned of the token a server may echo there.
      name: "waitUntilValidated",
      // Made on a timeout only: an id that is no string was refused by the first poll before then
      // (built at the start, the message failed as a raw TypeError).
      notDone: () => `waitUntilValidated: dataset ${api.redact(id, callOptions)} was not validated`,
      poll: async (abortSignal) => (await retrieve(polls, id, { ...callOptions, abortSignal }, answered)).data.dataset,
      settle: (dataset) => {
        // Cleaned as text, as an error body is: the dataset may be too large to walk field by field.
        if (dataset.validation_status === "failed")
          throw builtRedacted(
            new CohereDatasetValidationError(
              polled ? (JSON.parse(redactTokens(polled, JSON.stringify(dataset))) as Dataset) : dataset,
            ),
          );
        return dataset.validation_status === "validated" || dataset.validation_status === "skipped"
          ? dataset
          : undefined;
      },
    },
    { pollIntervalInSeconds, ...schedule, ...within },
  );
}
