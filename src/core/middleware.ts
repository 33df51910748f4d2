import type { ResolvedRequestOptions } from "./request-options.js";

/**
 * What started a call, when the caller did not call the method directly: a page of `listAll`,
 * a poll of `waitUntilDone` or `waitUntilValidated`, a read of `results`, a step of `run`.
 * @public
 */
export type CallOrigin = "listAll" | "waitUntilDone" | "waitUntilValidated" | "results" | "run";

/**
 * An operation's parameters as data, before they are written into the URL.
 * @public
 */
export interface OperationParams {
  /** The path parameters, e.g. `{ id: "b-1" }` for `"/v2/batches/{id}"`. */
  readonly path?: Readonly<Record<string, unknown>>;
  /** The query parameters the operation declares (the caller's extra `queryParams` are not in it). */
  readonly query?: Readonly<Record<string, unknown>>;
}

/**
 * Sends a request on to the rest of the pipeline and resolves with its response.
 * @public
 */
export type Next = (request: Request) => Promise<Response>;

/** `next` as `compose` makes it: the SDK's own layers may give the rest of the chain another context. */
export type ScopedNext = (request: Request, context?: MiddlewareContext) => Promise<Response>;

/**
 * The name of an SDK operation, as plugins and `shouldRetry` see it: one per endpoint, and
 * `"datasets.download"` for each part of a results download. A closed set, so that a misspelt
 * name in a plugin's branch is a compile error rather than a branch that never runs.
 *
 * @example
 * ```ts
 * const slowCreates: Middleware = async (request, next, context) => {
 *   if (context.operation === "batches.create") console.log("creating", context.attempt);
 *   return next(request);
 * };
 * ```
 * @public
 */
export type OperationName =
  | "batches.list"
  | "batches.create"
  | "batches.retrieve"
  | "batches.cancel"
  | "datasets.create"
  | "datasets.retrieve"
  | "datasets.list"
  | "datasets.delete"
  | "datasets.usage"
  | "datasets.download";

/**
 * What a middleware knows about the call it is part of.
 *
 * @remarks
 * One context object lives for one SDK call (`client.batches.list(...)`). Middleware may read
 * it and write to `state`; only the retry layer (`attempt`), the timeout layer
 * (`attemptSignal`) and the reader of responses (`responseStatus`) write the rest.
 * @public
 */
export interface MiddlewareContext {
  /** The SDK operation, e.g. `"batches.list"`, `"batches.create"`. */
  readonly operation: OperationName;
  /** The operation's route template, e.g. `"/v2/batches/{id}"`: a span name, a metrics label, a cache key. */
  readonly route: string;
  /**
   * The operation's path and query parameters, as data (`{ path: { id: "b-1" } }`), as the call
   * gave them. The `queryParams` option's extra fields are not in it (they are in
   * `options.queryParams`, and win on the wire where a name is in both): a cache key should
   * include them.
   */
  readonly params: OperationParams;
  /**
   * What started the call: `"listAll"`, `"waitUntilDone"`, `"waitUntilValidated"`, `"results"`
   * or `"run"`, or `undefined` when the caller called the method directly.
   */
  readonly via: CallOrigin | undefined;
  /**
   * One object per call, shared by every handler of that call, in both phases and across its
   * attempts: where a plugin keeps its span, its timer or its cache entry. Starts empty; use
   * keys of your own (a `Symbol`, or your plugin's name) so that plugins do not collide.
   */
  readonly state: Record<PropertyKey, unknown>;
  /**
   * False when sending the request twice may do the work twice (`batches.create`), as the
   * operation declares it. The retry layer sends a non-idempotent request again only where the
   * server certainly did not act on it, or when it carries an `idempotencyKey`.
   */
  readonly idempotent: boolean;
  /**
   * Where an attempt's body comes from when it is not JSON: a `Blob` (an upload held in memory
   * or on disk), which each attempt sends again as it is, or `"one-shot"`, a stream read once by
   * the first attempt: the call is then never retried. Absent for no body or a JSON body.
   */
  readonly bodySource?: Blob | "one-shot";
  /**
   * `"stream"` when the caller reads the body itself, as it arrives: the transport then hands a
   * 2xx response on unread instead of reading it whole. Error bodies are read either way, for
   * the `ApiError`. Absent for a JSON answer. Set for a results part's download
   * (`"datasets.download"`), whose signed URL is on a storage host: a call-phase plugin's `next()`
   * resolves with the response, its 2xx body unread (the caller's decoder reads it), and a
   * request that reaches the storage host with `Authorization` fails before sending (see
   * docs/results.md).
   */
  readonly responseKind?: "stream";
  /** Which attempt this is: 1 for the first, 2 for the first retry, and so on. Set by the retry layer. */
  readonly attempt: number;
  /** The request options of this call, with the client's defaults filled in. */
  readonly options: ResolvedRequestOptions;
  /**
   * The caller's abort signal, when one was given. Per-attempt timeouts are not in it. For a
   * results part's download (`datasets.download`) it is the SDK's: it follows the caller's, and
   * also ends when the reader's iterator is closed, until the storage host answered. A caller's
   * signal that is not this realm's own `AbortSignal` (a Proxy, a look-alike, another realm's)
   * is followed by one of the SDK's, and that one is here.
   */
  readonly signal: AbortSignal | undefined;
  /**
   * The signal of the attempt in flight: it fires on the caller's abort or when the attempt's
   * timeout runs out, and as the attempt ends when a plugin left a `next()` of it pending (but
   * for a streamed download's). Set by the timeout layer; the transport hands it to fetch.
   * A middleware that makes its own requests should pass it on.
   */
  readonly attemptSignal?: AbortSignal | undefined;
  /**
   * The status of the attempt's response, set as soon as its headers are in (before its body is
   * read) and cleared as each attempt starts: a plugin whose `next()` rejects can tell an answer
   * whose body then stalled or broke off (a `CohereTimeoutError` or `CohereConnectionError`
   * after a 200) from no answer at all. `undefined` until a response arrives.
   */
  readonly responseStatus?: number | undefined;
}

/**
 * The fields of a context that the SDK's own layers set as attempts go (retry, timeout, the
 * transport): read-only to plugins, whose writes would change what the call reports (a plugin
 * setting `attempt` dropped "3 attempts made" from the failure).
 */
export type AttemptState = {
  -readonly [K in "attempt" | "attemptSignal" | "responseStatus"]: MiddlewareContext[K];
};

/**
 * One layer of the HTTP pipeline: the SDK's own layers (auth, request options, timeout, retry,
 * error mapping) and users' plugins all have this type.
 *
 * @remarks
 * The contract:
 *
 * - **When it runs.** User middleware runs once per attempt, after auth, so it sees the wire
 *   request (with `Authorization`) and each retry separately. The built-in order is declared in
 *   one place, `createPipeline`.
 * - **What it may touch.** It may return a new `Request` to `next` (for example with an extra
 *   header), return a `Response` without calling `next` (a cache, a stub), or call `next`
 *   more than once (that is how retry works). It should not read a request body it passes on:
 *   use `request.clone()` to look at it.
 * - **How errors pass.** A rejection from `next` is already a `CohereError` when it comes from
 *   the SDK's layers below (a timed-out attempt is a `CohereTimeoutError`). A non-2xx response
 *   reaches middleware *below* the error-mapping layer as a `Response`; a user middleware,
 *   which runs below it, sees it as a `Response` and may replace it. A `CohereError` a
 *   middleware throws reaches the caller unchanged (and is retried only if it is a retryable
 *   one); anything else it throws becomes a `CohereError` with the thrown value as `cause`, and
 *   anything it returns that is not a `Response` is a `CohereError`.
 * - **What bounds it.** A user's middleware runs under the attempt's timeout and the caller's
 *   abort (`"attempt"` phase) or the caller's abort (`"call"` phase), body included: one that
 *   never calls `next` or never settles ends the call with `CohereTimeoutError` or
 *   `CohereAbortError`, and the SDK stops waiting for it. Its `next` works while its run lasts:
 *   called later (from a timer, after it answered or after its attempt ended), it rejects with a
 *   `CohereError` and sends nothing, since no timeout or abort would bound that request.
 *
 * @example
 * ```ts
 * const timing: Middleware = async (request, next, context) => {
 *   const started = performance.now();
 *   try {
 *     return await next(request);
 *   } finally {
 *     console.log(context.operation, context.attempt, performance.now() - started);
 *   }
 * };
 * const client = new CohereClient({ token: process.env.CO_API_KEY, middleware: [timing] });
 * ```
 * @public
 */
export type Middleware = (request: Request, next: Next, context: MiddlewareContext) => Promise<Response>;

/**
 * Composes middleware into one handler, outermost first, ending in `terminal`.
 *
 * @remarks
 * Modelled on Hono's `compose`: each layer receives a `next` that runs the rest of the chain.
 * Unlike Koa's, `next` may be called more than once (retries), so there is no "called twice"
 * guard; each call walks the rest of the chain afresh.
 * @example
 * ```ts
 * const logged: Middleware = (request, next) => {
 *   console.log(request.method, request.url);
 *   return next(request);
 * };
 * const send = compose([logged, errorMappingMiddleware()], async (request) => fetch(request));
 * ```
 * @throws Whatever the middleware or `terminal` throw.
 * @public
 */
export function compose(
  middleware: readonly Middleware[],
  terminal: (request: Request, context: MiddlewareContext) => Promise<Response>,
): (request: Request, context: MiddlewareContext) => Promise<Response> {
  return (request, context) => {
    // A layer may hand the rest of the chain a context of its own as `next`'s second argument
    // (the retry layer does, for a second run of the attempts while one is in flight).
    const dispatch = (index: number, current: Request, scope: MiddlewareContext): Promise<Response> => {
      const layer = middleware[index];
      if (layer === undefined) return terminal(current, scope);
      const next: ScopedNext = (forward, inner) => dispatch(index + 1, forward, inner ?? scope);
      return layer(current, next, scope);
    };
    return dispatch(0, request, context);
  };
}
