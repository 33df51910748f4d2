import { CohereError } from "../core/errors/cohere-error.js";
import type { Middleware } from "../core/middleware.js";

/**
 * The last layer of a download from a signed URL, just above the transport: a request that
 * carries `Authorization` when it gets here (a user's plugin set it: the SDK adds none) fails
 * before sending, with a `CohereError` that is not retried. The signed URL is its own
 * credential, and a plugin written for Cohere's API must not hand a key to the storage host.
 *
 * @throws {@link CohereError} for a request with an `Authorization` header; nothing is sent.
 */
export function noAuthorizationMiddleware(): Middleware {
  return (request, next, context) => {
    if (!request.headers.has("authorization")) return next(request);
    throw new CohereError(
      `A plugin set Authorization on a download of a signed URL (${context.operation}): the URL is its own credential, and nothing of the client's is sent to the storage host. Skip context.operation === "${context.operation}" in that plugin. Nothing was sent.`,
    );
  };
}
