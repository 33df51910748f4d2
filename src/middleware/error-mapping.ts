import { loadApiError } from "../core/errors/load-api-error.js";
import type { Middleware, MiddlewareContext } from "../core/middleware.js";
import { readBodyText } from "../core/response-body.js";

/**
 * Turns a response outside 2xx into a thrown `ApiError`: the subclass for its status
 * (`NotFoundError` for 404, ...) whatever its body, else `ApiError` itself.
 *
 * @remarks
 * Runs per attempt, so the retry layer above decides on typed errors, and middleware below
 * (users' plugins) still see the raw `Response`. The body is parsed as JSON when it is JSON
 * and kept as text otherwise (an HTML page from a proxy, an empty body). A redirect is not
 * 2xx either: a 301, 302 or 303 answering a `POST` becomes an `ApiError` with that status,
 * never a success.
 * @example
 * ```ts
 * // Already in every client's pipeline; alone, with a stub `next`:
 * const send = compose([errorMappingMiddleware()], async () => new Response("", { status: 404 }));
 * ```
 * @throws {@link ApiError} (the subclass for the status) for every response outside 2xx.
 * @public
 */
export function errorMappingMiddleware(): Middleware {
  // No suspended frame while the attempt is in flight: a 2xx response passes straight through.
  return (request, next, context) =>
    next(request).then((response) => (response.ok ? response : thrownApiError(response, context)));
}

async function thrownApiError(response: Response, context: MiddlewareContext): Promise<never> {
  throw await loadApiError(response, await readBodyText(response), context);
}
