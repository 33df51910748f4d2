import { CohereError } from "./errors/cohere-error.js";
import { whileReading } from "./input.js";
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
 * function. See `TwoPhasePlugin` for a plugin with a handler in each phase.
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
export interface SinglePhasePlugin {
  /** Shown by `client.describeMiddleware()`. */
  readonly name: string;
  /** Whether `handle` runs once per call or once per attempt (see {@link MiddlewarePhase}). @defaultValue "attempt" */
  readonly phase?: MiddlewarePhase | undefined;
  /** The middleware itself. */
  readonly handle: Middleware;
  /** Not with `handle`: a plugin with a handler per phase is a {@link TwoPhasePlugin}. */
  readonly call?: never;
  /** Not with `handle`: a plugin with a handler per phase is a {@link TwoPhasePlugin}. */
  readonly attempt?: never;
}

/**
 * One plugin with a handler for each phase: `call` runs once per call (outside retries),
 * `attempt` once per attempt (after auth). The two share `context.state`, so a tracer keeps
 * its call span there and opens a child span per attempt.
 *
 * Written inline where functions are taken too (`middleware: [...]`, `use(...)`), it needs
 * `satisfies MiddlewarePlugin` (or a declared type, as below) for its `call` to be typed:
 * TypeScript reads that name also as a function's own `Function.prototype.call`, and leaves
 * the handler's parameters `any` (an error under `strict`).
 *
 * @example
 * ```ts
 * const attempts: MiddlewarePlugin = {
 *   name: "attempts",
 *   call: async (request, next, context) => {
 *     context.state.attempts = 0;
 *     try {
 *       return await next(request);
 *     } finally {
 *       console.log(context.operation, "took", context.state.attempts, "attempts");
 *     }
 *   },
 *   attempt: (request, next, context) => {
 *     (context.state.attempts as number)++;
 *     return next(request);
 *   },
 * };
 * ```
 * @public
 */
export interface TwoPhasePlugin {
  /** Shown by `client.describeMiddleware()`, once in each phase it has a handler for. */
  readonly name: string;
  /** Runs once per call. */
  readonly call?: Middleware | undefined;
  /** Runs once per attempt. */
  readonly attempt?: Middleware | undefined;
  /** Not here: the phases of a two-phase plugin are its handlers (refused at run time too). */
  readonly phase?: never;
  /** Not here: a plugin with one handler is a {@link SinglePhasePlugin}. */
  readonly handle?: never;
  /**
   * Not here: keeps a function from passing for a plugin. Every function has a `name` and a
   * `call` (`Function.prototype.call`), so `use(console.log)` type-checked as a two-phase plugin
   * (and failed on the first call); every function's type has a `bind` method too.
   */
  readonly bind?: never;
}

/** A plugin: one handler in one phase, or a handler for each phase. @public */
export type MiddlewarePlugin = SinglePhasePlugin | TwoPhasePlugin;

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
  /**
   * No user code sees the responses `send` hands up (no users' middleware): the call may let go
   * of what the SDK hung on them once it has its data (`takeCheckedData`).
   */
  readonly ownsResponses: boolean;
}

/** A plugin with its phase filled in: one handler, one phase. */
export interface ResolvedPlugin {
  readonly name: string;
  readonly phase: MiddlewarePhase;
  readonly handle: Middleware;
}

// The SDK's retry layer: the client has one, and a second one nested inside would multiply
// the attempts (4 with maxRetries: 1), so users cannot add it as a plugin. A mark on the
// function under `Symbol.for`, not a module's set: the other build's (ESM or CJS) is refused too.
const retryLoop = Symbol.for("cohere-batches.retry-loop");

/** Marks `layer` as a retry loop, which `toPlugin` refuses. */
export function markRetryLoop(layer: Middleware): Middleware {
  return Object.defineProperty(layer, retryLoop, { value: true });
}

/**
 * Accepts a function or a plugin object: the one check of users' middleware, for the
 * `middleware` option and for `use` alike. Anything else is a `CohereError` naming it.
 * A two-phase plugin gives one entry per handler.
 */
export function toPlugin(entry: Middleware | MiddlewarePlugin, position: number): ResolvedPlugin[] {
  return whileReading(`Invalid middleware #${position + 1}: it`, () => readPlugin(entry, position));
}

function readPlugin(entry: Middleware | MiddlewarePlugin, position: number): ResolvedPlugin[] {
  if (typeof entry === "function") return [resolved(entry.name || `middleware #${position + 1}`, "attempt", entry)];
  const { name, phase, handle, call, attempt } = (entry ?? {}) as {
    name?: unknown;
    phase?: unknown;
    handle?: unknown;
    call?: unknown;
    attempt?: unknown;
  };
  const handlers: (readonly [MiddlewarePhase, unknown])[] =
    handle === undefined
      ? (
          [
            ["call", call],
            ["attempt", attempt],
          ] as const
        ).filter(([, handler]) => handler !== undefined)
      : [[phase === "call" ? "call" : "attempt", handle]];
  refuseNearMisses(entry, position, handlers.length === 0, handle, call, attempt);
  if (typeof name !== "string" || name === "" || !isPluginShape(handlers.length, phase, handle, call, attempt))
    throw new CohereError(
      `Invalid middleware #${position + 1}: must be a function, { name, phase?: "call" | "attempt", handle } or { name, call and/or attempt }`,
    );
  return handlers.map(([where, handler]) => resolved(name, where, handler));
}

/**
 * Refuses a key that is a misspelling, which would be lost without a word: a `phase` (`phse:
 * "call"`, `Phase`), and a call plugin (a cache, a rate limiter) then runs once per attempt; a
 * missing handler (`{ call, atempt }`), and the plugin runs in one phase only. Other keys are the
 * plugin's own (a class's state, its helpers), never read: a key one letter off, holding "call"
 * or "attempt", or a function where the handler it is near is missing (`handle` only where there
 * is no handler at all), is taken for a typo.
 */
function refuseNearMisses(
  entry: object | null | undefined,
  position: number,
  noHandler: boolean,
  handle: unknown,
  call: unknown,
  attempt: unknown,
): void {
  const missing = (word: string) =>
    word === "handle" ? noHandler : handle === undefined && (word === "call" ? call : attempt) === undefined;
  for (const key of Object.keys(entry ?? {})) {
    const meant = ["phase", "handle", "call", "attempt"].find((word) => nearMiss(key, word));
    if (meant === undefined || (meant !== "phase" && !missing(meant))) continue;
    const value: unknown = (entry as Record<string, unknown>)[key];
    if (meant === "phase" ? value === "call" || value === "attempt" : typeof value === "function")
      throw new CohereError(`Invalid middleware #${position + 1}: ${key}: did you mean ${meant}?`);
  }
}

/** True for `{ handle, phase? }` or `{ call and/or attempt }`, with at least one handler. */
function isPluginShape(handlers: number, phase: unknown, handle: unknown, call: unknown, attempt: unknown): boolean {
  return (
    handlers > 0 &&
    !(handle !== undefined && (call ?? attempt) !== undefined) &&
    // A phase belongs with `handle`: beside `call` or `attempt` it was ignored.
    !(phase !== undefined && (handle === undefined || (phase !== "call" && phase !== "attempt")))
  );
}

/**
 * True when `key` is not `word` but is in another case, or one letter off (see `oneEditApart`)
 * past its first letter: a helper such as `all` or `candle` is not taken for `call` or `handle`.
 */
function nearMiss(key: string, word: string): boolean {
  const lower = key.toLowerCase();
  return key !== word && lower[0] === word[0] && (lower === word || oneEditApart(lower, word));
}

/**
 * True when `a` is `b` with one letter added, dropped, changed, or two swapped: the rest after
 * the first difference matches, skipping a letter on one side or both.
 */
function oneEditApart(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, skip: number) => x.slice(i + skip);
  return (
    a !== b &&
    (rest(a, 1) === rest(b, 1) ||
      rest(a, 0) === rest(b, 1) ||
      rest(a, 1) === rest(b, 0) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2)))
  );
}

function resolved(name: string, phase: MiddlewarePhase, handle: unknown): ResolvedPlugin {
  // A second retry loop inside the client's would multiply the attempts.
  if (typeof handle !== "function" || retryLoop in handle)
    throw new CohereError(
      `Invalid middleware "${name}": ${typeof handle === "function" ? "the client already retries; set maxRetries, backoff or shouldRetry" : "not a function"}`,
    );
  return { name, phase, handle: handle as Middleware };
}
