import { abortErrorFor } from "../../internal/abort-error-for.js";
import { loadChunk } from "../../internal/load-chunk.js";
import type { MiddlewareContext } from "../middleware.js";
import type { ApiError } from "./api-error.js";

/**
 * The `ApiError` for a response the caller does not get as data (see `apiErrorFromResponse`),
 * with the table of status classes loaded on the first failure: a page whose calls succeed
 * does not carry it. In a browser that chunk may come over the network: a load that fails is a
 * `CohereError`, and one that stalls ends with the attempt (`loadChunk`).
 */
export async function loadApiError(
  response: { status: number; headers: Headers },
  text: string,
  context: MiddlewareContext | undefined,
): Promise<ApiError> {
  const { apiErrorFromResponse } = await loadChunk(
    () => import("./api-error-from-response.js"),
    `the code that builds the error of a ${response.status} response`,
    context?.attemptSignal ?? context?.signal,
    context === undefined ? undefined : () => abortErrorFor(context),
  );
  return apiErrorFromResponse(response, text, context);
}
