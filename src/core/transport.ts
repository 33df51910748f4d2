import { CohereAbortError } from "./errors/abort-error.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import type { MiddlewareContext } from "./middleware.js";
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
      const response = await raceAbort(fetchFunction(request, { signal }), signal);
      const bytes = nullBodyStatuses.has(response.status)
        ? new ArrayBuffer(0)
        : await raceAbort(response.arrayBuffer(), signal);
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
      throw new CohereConnectionError(`Connection failed: ${describeCause(error)}`, { cause: error });
    }
  };
}

/**
 * Rejects as soon as `signal` fires, even when a fetch implementation does not abort a body
 * that is being read (some polyfills and fakes do not).
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first, at most five deep (a cycle must not loop). */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (
    let current = error;
    chain.length < 5 && typeof current === "object" && current !== null;
    current = (current as ErrorLike).cause
  ) {
    chain.push(current as ErrorLike);
  }
  return chain;
}

/** The innermost cause's message and code: undici says "fetch failed" and hides the reason in `cause`. */
function describeCause(error: unknown): string {
  let message = "unknown error";
  for (const { message: text, code } of causeChain(error)) {
    if (typeof text === "string" && text !== "") message = typeof code === "string" ? `${text} (${code})` : text;
  }
  return message;
}

/** True when the connection was refused: the server certainly never saw the request. */
export function isConnectionRefused(error: unknown): boolean {
  return causeChain(error).some(({ code }) => code === "ECONNREFUSED");
}
