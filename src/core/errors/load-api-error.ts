import type { MiddlewareContext } from "../middleware.js";
import type { ApiError } from "./api-error.js";

/**
 * The `ApiError` for a response the caller does not get as data (see `apiErrorFromResponse`),
 * with the table of status classes loaded on the first failure: a page whose calls succeed
 * does not carry it. The import is of a chunk of this package, already on disk or in the
 * bundle's chunks: no network, and it settles at once.
 */
export async function loadApiError(
  response: { status: number; headers: Headers },
  text: string,
  context: MiddlewareContext | undefined,
): Promise<ApiError> {
  const { apiErrorFromResponse } = await import("./api-error-from-response.js");
  return apiErrorFromResponse(response, text, context);
}
