import { CohereAbortError } from "./errors/abort-error.js";
import { CohereError } from "./errors/cohere-error.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import type { MiddlewareContext } from "./middleware.js";
import { boundBySignal } from "../internal/bound-by-signal.js";
import { describeCause, ownErrorInChain } from "../internal/cause-chain.js";
import { keepBody } from "./response-body.js";

/** A WHATWG-compatible fetch, the only thing the SDK needs from its runtime to talk HTTP. @public */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/** Statuses whose responses have no body; `new Response(body)` refuses one for them. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/** How the transport hands a response up. */
export interface TransportOptions {
  /**
   * Give layers above a fresh `Response` over the bytes read, so that users' middleware can
   * read the body again. Without users' middleware, the response fetch returned goes up as it
   * is, its bytes kept aside (`readBodyText`): a second Response costs more than the request.
   */
  readonly readableResponses: boolean;
}

/**
 * The end of the pipeline: sends one request with `fetch` and reads the whole body.
 *
 * @remarks
 * Reading the body here, inside the attempt, is what lets the per-attempt timeout cover a body
 * that stalls, and lets a connection reset mid-body be retried like any other connection
 * failure. Cohere's batch responses are small JSON documents, so holding one in memory costs
 * nothing.
 *
 * The attempt's signal (`context.attemptSignal`, set by the timeout layer) goes to fetch as
 * `init.signal`, rather than on a copy of the request: copying a Request costs as much as
 * sending one on Node 20.
 *
 * Failures become `CohereAbortError` when the caller's signal fired, else
 * `CohereConnectionError`; the timeout layer above turns its own aborts into timeouts.
 */
export function createTransport(
  fetchFunction: FetchFunction,
  options: TransportOptions,
): (request: Request, context: MiddlewareContext) => Promise<Response> {
  return async (request, context) => {
    const signal = context.attemptSignal ?? request.signal;
    try {
      const response = await boundBySignal(fetchFunction(request, { signal }), signal);
      const bytes = nullBodyStatuses.has(response.status)
        ? new ArrayBuffer(0)
        : await boundBySignal(response.arrayBuffer(), signal);
      if (!options.readableResponses) {
        keepBody(response, bytes);
        return response;
      }
      const readable = new Response(bytes.byteLength === 0 ? null : bytes, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // A constructed Response has an empty url; keep the one the request really reached.
      Object.defineProperty(readable, "url", { value: response.url || request.url });
      keepBody(readable, bytes);
      return readable;
    } catch (error) {
      if (context.signal?.aborted) throw new CohereAbortError(context.signal.reason);
      const own = ownErrorInChain(error, (value): value is CohereError => CohereError.is(value));
      if (own !== undefined) throw own;
      throw new CohereConnectionError(`Connection failed: ${describeCause(error)}`, { cause: error });
    }
  };
}
