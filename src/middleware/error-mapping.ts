import { ApiError } from "../core/errors/api-error.js";
import { errorClassByStatus } from "../core/errors/status-errors.js";
import { readRequestId } from "../core/http-response.js";
import type { Middleware } from "../core/middleware.js";
import { readBodyText } from "../core/response-body.js";
import { parseRetryAfter } from "./retry-timing.js";

/**
 * Turns a response outside 2xx into a thrown `ApiError`: the subclass for its status
 * (`NotFoundError` for 404, ...) whatever its body, else `ApiError` itself.
 *
 * @remarks
 * Runs per attempt, so the retry layer above decides on typed errors, and middleware below
 * (users' plugins) still see the raw `Response`. The body is parsed as JSON when it is JSON
 * and kept as text otherwise (an HTML page from a proxy, an empty body).
 * @public
 */
export function errorMappingMiddleware(): Middleware {
  return async (request, next) => {
    const response = await next(request);
    if (response.ok) return response;
    const text = await readBodyText(response);
    const ErrorClass = errorClassByStatus.get(response.status) ?? ApiError;
    throw new ErrorClass({
      status: response.status,
      body: parseBody(text),
      headers: response.headers,
      requestId: readRequestId(response.headers),
      retryAfterInSeconds: parseRetryAfter(response.headers),
    });
  };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
