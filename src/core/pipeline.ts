import { authMiddleware, type TokenSupplier } from "../middleware/auth.js";
import { errorMappingMiddleware } from "../middleware/error-mapping.js";
import { requestOptionsMiddleware, type RequestHeadersConfig } from "../middleware/request-options.js";
import { retryMiddleware } from "../middleware/retry.js";
import { timeoutMiddleware } from "../middleware/timeout.js";
import { compose, type Middleware, type MiddlewareContext } from "./middleware.js";
import { createTransport, type FetchFunction } from "./transport.js";

/** What the pipeline is built from. */
export interface PipelineConfig extends RequestHeadersConfig {
  readonly fetch: FetchFunction;
  readonly token: TokenSupplier;
  /** Users' middleware, in the order given. */
  readonly middleware: readonly Middleware[];
}

/**
 * The one place that declares the order of the layers, outermost first.
 *
 * ```
 * request options   once per call: headers, idempotency key, extra params
 * retry             attempts, backoff, Retry-After
 *   timeout         per attempt, headers and body
 *   error mapping   non-2xx -> typed ApiError
 *   auth            Authorization, token function called per attempt
 *   users' plugins  per attempt, see the wire request
 *   transport       fetch + read the body
 * ```
 */
export function createPipeline(config: PipelineConfig): (request: Request, context: MiddlewareContext) => Promise<Response> {
  return compose(
    [
      requestOptionsMiddleware(config),
      retryMiddleware(),
      timeoutMiddleware(),
      errorMappingMiddleware(),
      authMiddleware(config.token),
      ...config.middleware,
    ],
    createTransport(config.fetch),
  );
}
