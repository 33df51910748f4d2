import { CohereAbortError } from "./errors/abort-error.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import type { MiddlewareContext } from "./middleware.js";

/** A WHATWG-compatible fetch, the only thing the SDK needs from its runtime to talk HTTP. @public */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/** Statuses whose responses have no body; `new Response(body)` refuses one for them. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * The end of the pipeline: sends one request with `fetch` and reads the whole body.
 *
 * @remarks
 * Reading the body here, inside the attempt, is what lets the per-attempt timeout cover a body
 * that stalls, lets a connection reset mid-body be retried like any other connection failure,
 * and lets every middleware read the response freely. Cohere's batch responses are small
 * JSON documents, so holding one in memory costs nothing.
 *
 * Failures become `CohereAbortError` when the caller's signal fired, else
 * `CohereConnectionError`; the timeout layer above turns its own aborts into timeouts.
 */
export function createTransport(fetchFunction: FetchFunction): (request: Request, context: MiddlewareContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const response = await raceAbort(fetchFunction(request), request.signal);
      const body = nullBodyStatuses.has(response.status) ? null : await raceAbort(response.arrayBuffer(), request.signal);
      const buffered = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      // A constructed Response has an empty url; keep the one the request really reached.
      Object.defineProperty(buffered, "url", { value: response.url || request.url });
      return buffered;
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

/** The innermost cause's message and code: undici says "fetch failed" and hides the reason in `cause`. */
function describeCause(error: unknown): string {
  let current: unknown = error;
  let message = "unknown error";
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { message: text, code } = current as { message?: unknown; code?: unknown };
    if (typeof text === "string" && text !== "") message = typeof code === "string" ? `${text} (${code})` : text;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

/** True when the connection was refused: the server certainly never saw the request. */
export function isConnectionRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if ((current as { code?: unknown }).code === "ECONNREFUSED") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
