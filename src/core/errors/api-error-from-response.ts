import { builtRedacted, redactHeaders, redactTokens } from "../../internal/secrets.js";
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
  return builtRedacted(
    new ErrorClass({
      status,
      body: parseBody(redactTokens(context, text), context),
      headers: safeHeaders,
      requestId: readRequestId(safeHeaders),
      retryAfterInSeconds: parseRetryAfter(headers),
    }),
  );
}

function parseBody(text: string, context: MiddlewareContext | undefined): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!text.includes("\\")) return parsed; // no escape: what parsing gave was redacted as text
    // A token the JSON escapes otherwise than JSON.stringify does (`\u0073k-...`) survived the
    // redaction of the text, and parsing unescaped it: redacted again, as JSON.stringify writes
    // it. (A body nested too deeply to stringify throws here, and is kept as its text.)
    const written = JSON.stringify(parsed);
    const redacted = redactTokens(context, written);
    return redacted === written ? parsed : JSON.parse(redacted);
  } catch {
    return text;
  }
}
