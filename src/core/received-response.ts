import { boundBySignal } from "../internal/bound-by-signal.js";
import { abortErrorFor } from "../internal/abort-error-for.js";
import { describeCause, isUndecodableBody } from "../internal/cause-chain.js";
import { readBody } from "../internal/read-body.js";
import { CohereParseError } from "./errors/parse-error.js";
import { loadApiError } from "./errors/load-api-error.js";
import type { AttemptState, MiddlewareContext } from "./middleware.js";
import { bodyText, keepBody } from "./response-body.js";

/** Statuses whose responses have no body; `new Response(body)` refuses one for them. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const empty = new Uint8Array(0);

/**
 * What a body that could not be read stands for. An error status stands whatever its body: one
 * over `maxResponseBytes`, or one its `Content-Encoding` cannot decode, is left out of the
 * status's `ApiError` (a 503 stays a retried 503). A 2xx body that does not decode is the
 * server's doing, not the network's: a `CohereParseError`, not retried.
 */
function unreadBody(error: unknown, status: number): Uint8Array {
  const undecodable = isUndecodableBody(error);
  if (status >= 200 && status < 300) {
    if (undecodable) throw new CohereParseError(status, "", [`the body cannot be decoded: ${describeCause(error)}`]);
    throw error;
  }
  if (undecodable || CohereParseError.is(error)) return empty;
  throw error;
}

/**
 * Reads a response's whole body, bounded by `signal` and capped at the call's
 * `maxResponseBytes`, and hands the response up with its body kept (`readBodyText`). The one
 * reader for every response the SDK gets: from fetch, and from users' middleware.
 *
 * A status outside 200-599 (status 600 from a server, 0 from a browser's opaque redirect) is an
 * `ApiError` here, whatever the layers: no `Response` can be built with it.
 *
 * @param readable - hand up a fresh `Response` over the bytes, whose body layers above can read
 * @param framed - the response is the runtime fetch's own, its body ended by HTTP framing
 */
export async function receiveResponse(
  response: Response,
  requestUrl: string,
  context: MiddlewareContext,
  signal: AbortSignal | undefined,
  readable: boolean,
  framed = false,
): Promise<Response> {
  // Known before the body: a plugin that sees the read fail can still say what the server answered.
  (context as AttemptState).responseStatus = response.status;
  const read = () => readBody(response, context.options.maxResponseBytes, signal, framed, !readable);
  let body: Uint8Array | string;
  try {
    // Raced against the signal, the runtime fetch's own body too: Node 20's fetch may leave a
    // body it was reading when the signal fired (headers and half a body in, on a kept-alive
    // connection) pending for good, and the attempt's timeout with it.
    body = nullBodyStatuses.has(response.status)
      ? empty
      : await boundBySignal(read(), signal, () => abortErrorFor(context, signal));
  } catch (error) {
    body = unreadBody(error, response.status);
  }
  if (response.status < 200 || response.status > 599) throw await loadApiError(response, bodyText(body), context);
  if (!readable) {
    keepBody(response, body);
    return response;
  }
  // Read as bytes: text is kept only where no layer reads the body (`readable` false).
  const bytes = body as Uint8Array;
  const copy = new Response(bytes.byteLength === 0 ? null : (bytes as Uint8Array<ArrayBuffer>), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // A constructed Response has an empty url; keep the one the request really reached.
  Object.defineProperty(copy, "url", { value: response.url || requestUrl });
  keepBody(copy, bytes);
  return copy;
}
