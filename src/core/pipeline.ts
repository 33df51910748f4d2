import { authMiddleware, type TokenSupplier } from "../middleware/auth.js";
import { errorMappingMiddleware } from "../middleware/error-mapping.js";
import { requestOptionsMiddleware, type RequestHeadersConfig } from "../middleware/request-options.js";
import { retryMiddleware } from "../middleware/retry.js";
import { timeoutMiddleware } from "../middleware/timeout.js";
import { compose, type Middleware, type MiddlewareContext } from "./middleware.js";
import type { MiddlewareDescription, ResolvedPlugin } from "./middleware-plugin.js";
import { createTransport, type FetchFunction } from "./transport.js";
import { guardUserMiddleware } from "./user-middleware.js";

/** What the pipeline is built from. */
export interface PipelineConfig extends RequestHeadersConfig {
  readonly fetch: FetchFunction;
  readonly token: TokenSupplier;
  /** Users' plugins, in the order given; each runs in its phase. */
  readonly plugins: readonly ResolvedPlugin[];
}

interface Layer extends MiddlewareDescription {
  readonly handle: Middleware;
}

/**
 * The one place that declares the order of the layers, outermost first.
 *
 * ```
 * request options      once per call: headers, idempotency key, extra params
 * users' "call" phase  once per call, outside retries (timing, caching, rate limiting)
 *                      (users' layers are guarded: bounded, typed; see guardUserMiddleware)
 * retry                attempts, backoff, Retry-After
 *   timeout            per attempt, headers and body
 *   error mapping      non-2xx -> typed ApiError
 *   auth               Authorization, token function called per attempt
 *   users' "attempt"   per attempt, see the wire request (the default phase)
 *   transport          fetch + read the body
 * ```
 */
function layers(config: PipelineConfig): Layer[] {
  const plugins = (phase: "call" | "attempt"): Layer[] =>
    config.plugins
      .filter((plugin) => plugin.phase === phase)
      .map((plugin) => ({ ...plugin, builtIn: false, handle: guardUserMiddleware(plugin) }));
  return [
    { name: "request-options", phase: "call", builtIn: true, handle: requestOptionsMiddleware(config) },
    ...plugins("call"),
    { name: "retry", phase: "call", builtIn: true, handle: retryMiddleware() },
    { name: "timeout", phase: "attempt", builtIn: true, handle: timeoutMiddleware() },
    { name: "error-mapping", phase: "attempt", builtIn: true, handle: errorMappingMiddleware() },
    { name: "auth", phase: "attempt", builtIn: true, handle: authMiddleware(config.token) },
    ...plugins("attempt"),
  ];
}

/**
 * The layers of a download from a signed URL on another host (a results part), outermost first:
 * the same retry, per-attempt timeout and error mapping as every call, and nothing that adds a
 * header. No request options layer (client and call headers, `X-Client-Name`,
 * `Idempotency-Key`), no auth, no users' middleware (a plugin written for Cohere's API may add
 * a header of its own): the signed URL is the credential, and nothing of the client's reaches
 * the storage host.
 *
 * ```
 * retry                attempts, backoff, Retry-After
 *   timeout            per attempt, until the headers; the body is read by the caller
 *   error mapping      non-2xx -> typed ApiError (400, 403: an expired or refused URL)
 *   transport          fetch, the body handed on as a stream
 * ```
 */
function downloadLayers(): Layer[] {
  return [
    { name: "retry", phase: "call", builtIn: true, handle: retryMiddleware() },
    { name: "timeout", phase: "attempt", builtIn: true, handle: timeoutMiddleware() },
    { name: "error-mapping", phase: "attempt", builtIn: true, handle: errorMappingMiddleware() },
  ];
}

/** A pipeline and its listing, built from the same layer list so the two cannot disagree. */
export interface Pipeline {
  readonly send: (request: Request, context: MiddlewareContext) => Promise<Response>;
  readonly description: readonly MiddlewareDescription[];
}

export function createPipeline(config: PipelineConfig): Pipeline {
  return assemble(layers(config), config.fetch, config.plugins.length > 0);
}

/** The pipeline of downloads from signed URLs (see `downloadLayers`): the client's fetch, no header of its own. */
export function createDownloadPipeline(fetchFunction: FetchFunction): Pipeline {
  return assemble(downloadLayers(), fetchFunction, false);
}

function assemble(all: Layer[], fetchFunction: FetchFunction, readableResponses: boolean): Pipeline {
  return {
    send: compose(
      all.map((layer) => layer.handle),
      createTransport(fetchFunction, { readableResponses }),
    ),
    description: [
      ...all.map(({ name, phase, builtIn }) => ({ name, phase, builtIn })),
      { name: "transport", phase: "attempt", builtIn: true },
    ],
  };
}
