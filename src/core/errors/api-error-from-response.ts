import { redactHeaders, redactTokens } from "../../internal/secrets.js";
import type { MiddlewareContext } from "../middleware.js";
import { readRequestId } from "../http-response.js";
import { parseRetryAfter } from "../retry-after.js";
import { ApiError } from "./api-error.js";
import { errorClassByStatus } from "./status-errors.js";

/**
 * The `ApiError` for a response the caller does not get as data: the subclass for its status
 * (`NotFoundError` for 404, ...) whatever its body, else `ApiError` itself. The one place that
 * builds one, for error mapping (a non-2xx status) and for the transport (a status outside
 * 200-599, which no `Response` can hold).
 *
 * Any token the call sent is cut out of the body and the headers first, so an error never
 * carries it even when a server echoes it back.
 */
export function apiErrorFromResponse(
  { status, headers }: { status: number; headers: Headers },
  text: string,
  context: MiddlewareContext | undefined,
): ApiError {
  const ErrorClass = errorClassByStatus.get(status) ?? ApiError;
  const safeHeaders = redactHeaders(context, headers);
  return new ErrorClass({
    status,
    body: parseBody(redactTokens(context, text)),
    headers: safeHeaders,
    requestId: readRequestId(safeHeaders),
    retryAfterInSeconds: parseRetryAfter(headers),
  });
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
