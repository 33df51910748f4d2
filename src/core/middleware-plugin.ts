import { CohereError } from "./errors/cohere-error.js";
import type { Middleware, MiddlewareContext } from "./middleware.js";

/**
 * Where a user's middleware runs.
 *
 * - `"attempt"` (the default): once per attempt, after auth, inside the per-attempt timeout.
 *   It sees the wire request (with `Authorization`) and every retry, and non-2xx responses as
 *   a `Response`. For logging, tracing, request signing.
 * - `"call"`: once per SDK call, outside retries and timeouts, before auth. It sees the call's
 *   final outcome: the response that succeeded, or the typed error after the last retry. For
 *   timing a whole call, caching, client-side rate limiting. Having no attempt around it, it is
 *   bounded by the caller's `abortSignal` (not by `timeoutInSeconds`).
 *
 * In both phases a plugin that throws something other than a `CohereError`, or returns
 * something that is not a `Response`, ends the call with a `CohereError`.
 * @public
 */
export type MiddlewarePhase = "call" | "attempt";

/**
 * A middleware with a name and a phase, so its place is declared rather than implied by array
 * position. Plain `Middleware` functions are plugins in the `"attempt"` phase named after the
 * function.
 *
 * @example
 * ```ts
 * const timing: MiddlewarePlugin = {
 *   name: "timing",
 *   phase: "call",
 *   handle: async (request, next, context) => {
 *     const started = performance.now();
 *     try {
 *       return await next(request);
 *     } finally {
 *       console.log(context.operation, performance.now() - started);
 *     }
 *   },
 * };
 * client.use(timing);
 * ```
 * @public
 */
export interface MiddlewarePlugin {
  /** Shown by `client.describeMiddleware()`. */
  readonly name: string;
  /** @defaultValue "attempt" */
  readonly phase?: MiddlewarePhase;
  /** The middleware itself. */
  readonly handle: Middleware;
}

/** One layer of a client's pipeline, as `client.describeMiddleware()` lists it. @public */
export interface MiddlewareDescription {
  /** The layer's name (`"retry"`, or a plugin's name). */
  readonly name: string;
  /** Once per call, or once per attempt. */
  readonly phase: MiddlewarePhase;
  /** True for the SDK's own layers. */
  readonly builtIn: boolean;
}

/**
 * A pipeline and its listing, built from the same layer list so the two cannot disagree. The
 * core runs one; `src/pipeline` assembles it.
 */
export interface Pipeline {
  readonly send: (request: Request, context: MiddlewareContext) => Promise<Response>;
  readonly description: readonly MiddlewareDescription[];
}

/** A plugin with its phase filled in. */
export type ResolvedPlugin = Required<MiddlewarePlugin>;

/**
 * Accepts a function or a plugin object: the one check of users' middleware, for the
 * `middleware` option and for `use` alike. Anything else is a `CohereError` naming the position.
 */
export function toPlugin(entry: Middleware | MiddlewarePlugin, position: number): ResolvedPlugin {
  if (typeof entry === "function")
    return { name: entry.name || `middleware #${position + 1}`, phase: "attempt", handle: entry };
  if (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.handle === "function" &&
    typeof entry.name === "string"
  ) {
    const phase = entry.phase ?? "attempt";
    if (phase !== "call" && phase !== "attempt")
      throw new CohereError(`Invalid middleware "${entry.name}": phase must be "call" or "attempt"`);
    return { name: entry.name, phase, handle: entry.handle };
  }
  throw new CohereError(`Invalid middleware #${position + 1}: must be a function or { name, phase?, handle }`);
}
