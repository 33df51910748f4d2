import type { BackoffOptions, TokenSupplier } from "../core/client-options.js";
import type { Logger, LogLevel } from "../core/logger.js";
import { compose, type Middleware } from "../core/middleware.js";
import type { MiddlewareDescription, Pipeline, ResolvedPlugin } from "../core/middleware-plugin.js";
import { createTransport, type FetchFunction } from "../core/transport.js";
import { abortErrorFor } from "../internal/abort-error-for.js";
import { loadChunk } from "../internal/load-chunk.js";
import { authMiddleware } from "../middleware/auth.js";
import { errorMappingMiddleware } from "../middleware/error-mapping.js";
import { loggingPlugin } from "../middleware/logging.js";
import { requestOptionsMiddleware, type RequestHeadersConfig } from "../middleware/request-options.js";
import { retryMiddleware } from "../middleware/retry.js";
import { timeoutMiddleware } from "../middleware/timeout.js";

/** What the pipeline is built from. */
export interface PipelineConfig extends RequestHeadersConfig {
  readonly fetch: FetchFunction;
  readonly token: TokenSupplier;
  /** Users' plugins, in the order given; each runs in its phase. */
  readonly plugins: readonly ResolvedPlugin[];
  /** The timing of retries (the client's `backoff`). */
  readonly backoff: BackoffOptions;
  /** The `logLevel` option (or `COHERE_LOG`): `"off"` adds no logging layer. */
  readonly logLevel: LogLevel;
  readonly logger: Logger | undefined;
}

export interface Layer extends MiddlewareDescription {
  readonly handle: Middleware;
  /** It adds headers of the client's (request options, auth): left out of downloads (see `downloadLayers`). */
  readonly addsHeaders?: true;
}

/**
 * The one place that declares the order of the layers, outermost first. The download pipeline
 * (signed URLs) is this list without the two layers marked `*`, which add the client's headers.
 *
 * ```
 * request options *    once per call: headers, idempotency key, extra params
 * users' "call" phase  once per call, outside retries (timing, caching, rate limiting)
 *                      (users' layers are guarded: bounded, typed; see guardUserMiddleware)
 * retry                attempts, backoff, Retry-After
 *   timeout            per attempt, headers and body
 *   error mapping      non-2xx -> typed ApiError
 *   auth *             Authorization, token function called per attempt
 *   logging            per attempt, when `logLevel` is on (first of the "attempt" plugins)
 *   users' "attempt"   per attempt, see the wire request (the default phase)
 *   transport          fetch + read the body
 * ```
 */
export function layers(config: PipelineConfig): Layer[] {
  const own = logLevelPlugins(config);
  const plugins = (phase: "call" | "attempt"): Layer[] =>
    [...own, ...config.plugins]
      .filter((plugin) => plugin.phase === phase)
      // The logging of `logLevel` is the SDK's own, though guarded and placed as a plugin is.
      .map((plugin) => ({ ...plugin, builtIn: own.includes(plugin), handle: guarded(plugin) }));
  return [
    {
      name: "request-options",
      phase: "call",
      builtIn: true,
      addsHeaders: true,
      handle: requestOptionsMiddleware(config),
    },
    ...plugins("call"),
    { name: "retry", phase: "call", builtIn: true, handle: retryMiddleware(config.backoff) },
    { name: "timeout", phase: "attempt", builtIn: true, handle: timeoutMiddleware() },
    { name: "error-mapping", phase: "attempt", builtIn: true, handle: errorMappingMiddleware() },
    { name: "auth", phase: "attempt", builtIn: true, addsHeaders: true, handle: authMiddleware(config.token) },
    ...plugins("attempt"),
  ];
}

/**
 * The built-in logging for `logLevel`, as the first attempt-phase plugin (so it sees the wire
 * request after auth, before users' own plugins), or nothing when the level is `"off"`. It runs
 * behind the same guard as users' plugins, since the logger it calls is the user's.
 */
function logLevelPlugins({ logLevel, logger }: PipelineConfig): ResolvedPlugin[] {
  if (logLevel === "off") return [];
  const { name, handle } = loggingPlugin({ level: logLevel, ...(logger === undefined ? {} : { logger }) });
  return [{ name, phase: "attempt", handle }];
}

/**
 * A user's plugin behind the guard that bounds and types it (`guardUserMiddleware`), loaded
 * with the first call through a plugin: a client without plugins does not carry the guard.
 */
function guarded(plugin: ResolvedPlugin): Middleware {
  let guard: Middleware | undefined;
  return async (request, next, context) => {
    guard ??= (
      await loadChunk(
        () => import("../core/user-middleware.js"),
        "the guard of users' middleware",
        context.attemptSignal ?? context.signal,
        () => abortErrorFor(context),
      )
    ).guardUserMiddleware(plugin);
    return guard(request, next, context);
  };
}

/**
 * The client's pipeline: the SDK's layers and users' plugins in the order `layers` declares,
 * ending in the transport. This file sits above `core` (the mechanism: compose, transport,
 * the guard) and `middleware` (the layers): the one place that knows both.
 */
export function createPipeline(config: PipelineConfig): Pipeline {
  return assemble(layers(config), config.fetch, config.plugins.length > 0);
}

/** The pipeline of `all`, ending in the transport, with its description. */
export function assemble(all: Layer[], fetchFunction: FetchFunction, readableResponses: boolean): Pipeline {
  return {
    send: compose(
      all.map((layer) => layer.handle),
      createTransport(fetchFunction, { readableResponses }),
    ),
    // Frozen: `describeMiddleware()` hands it out, and a caller's change must not show in later ones.
    description: Object.freeze(
      [...all, { name: "transport", phase: "attempt" as const, builtIn: true }].map(({ name, phase, builtIn }) =>
        Object.freeze({ name, phase, builtIn }),
      ),
    ),
    ownsResponses: !readableResponses,
  };
}
