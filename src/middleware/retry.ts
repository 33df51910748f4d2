import { abortErrorFor } from "../internal/abort-error-for.js";
import { delay } from "../internal/delay.js";
import { followAbort } from "../internal/follow-abort.js";
import { abortAtCallEnd, callEnded, callEndWatched } from "../core/call-end.js";
import { signalDeadlines, signalFailures } from "../internal/signal-deadline.js";
import { shareTokens } from "../internal/secrets.js";
import type { ApiError } from "../core/errors/api-error.js";
import type { AttemptState, Middleware, MiddlewareContext, ScopedNext } from "../core/middleware.js";
import { noteNotSentAgain } from "../core/errors/call-failure.js";
import { forgetKeySent, sendsOf } from "../core/idempotency-key-sent.js";
import { markRetryLoop } from "../core/middleware-plugin.js";
import { builtBySdk, type PluginRequest, toWire, WireRequest, withoutSignal } from "../core/wire-request.js";
import { failedOnTheWire, isTransientFailure, resendObstacle, retryDelay } from "./retry-decision.js";
import type { RetryTiming } from "./retry-timing.js";

export { isTransientFailure };

const busy: unique symbol = Symbol();
type BusyContext = MiddlewareContext & { [busy]?: boolean };

/**
 * Re-sends a failed attempt, up to `context.options.maxRetries` times.
 *
 * @remarks
 * Retried: connection failures, attempt timeouts, and 408, 409, 429, 500, 502, 503, 504.
 * Waits with exponential backoff and jitter, or for the delay the server asks
 * (`Retry-After`, `retry-after-ms`) up to 60 s; a longer asked delay fails the call at once.
 * The caller's abort signal ends a wait.
 *
 * Before each decision the caller's `shouldRetry` (client or request option) sees the failure
 * and the planned delay, and may say `true` (retry), `false` (stop) or `undefined` (this rule).
 *
 * A request that is not idempotent (`context.idempotent` is false: a `create`) and carries no
 * `Idempotency-Key` header is sent again only where the server certainly did not act (429,
 * 503, a refused connection), whatever `shouldRetry` says: the SDK never creates twice. A body
 * that is a one-shot stream (`context.bodySource`) is never sent again.
 *
 * Runs once per call, above the per-attempt layers; sets `context.attempt`. The client has one
 * already: this factory is exported for testing a layer alone, and `use()` refuses it (a second
 * retry loop would multiply the attempts). Set `maxRetries`, `backoff` or `shouldRetry` instead.
 *
 * @example
 * ```ts
 * // Already in every client's pipeline; its limit is the option:
 * const client = new CohereClient({ maxRetries: 5 });
 * ```
 * @throws The last attempt's error once retries are spent or it is not retryable; {@link CohereAbortError} when the caller aborts a wait.
 * @public
 */
export function retryMiddleware(timing: RetryTiming = {}): Middleware {
  const retry: Middleware = async (request, next, call) => {
    // A call-phase plugin may call next() again while an earlier one is in flight (a hedge).
    // That one gets a context of its own: the attempts would otherwise share one attempt number
    // and one attempt's signal, which the first to end clears (the other then ran unbounded).
    let context = call;
    if ((call as BusyContext)[busy]) {
      shareTokens(call);
      // With its fields as they are defined: a spread would make a create's `idempotent` (fixed
      // for the call, see `ApiClient.call`) writable again.
      context = Object.defineProperties({}, Object.getOwnPropertyDescriptors(call)) as MiddlewareContext;
    }
    (context as BusyContext)[busy] = true;
    const { maxRetries } = context.options;
    try {
      for (let retried = 0; ; retried++) {
        (context as AttemptState).attempt = retried + 1;
        (context as AttemptState).responseStatus = undefined;
        const attemptRequest = requestForAttempt(request, context);
        if (!context.idempotent) forgetKeySent(context);
        const sentBefore = sendsOf(context);
        try {
          return await (next as ScopedNext)(attemptRequest, context);
        } catch (error) {
          // A call-phase plugin's `next()` left running once the call ended (it answered, or gave
          // up) sends nothing more: the caller has the answer (see src/core/call-end.ts).
          if (retried >= maxRetries || callEnded(context)) throw error;
          // The decision lives apart, so that each call's suspended frame here stays small.
          await waitBeforeRetry(error, request, context, timing, sendsOf(context) - sentBefore > 1);
        }
      }
    } finally {
      (context as BusyContext)[busy] = false;
    }
  };
  return markRetryLoop(retry);
}

/** Waits before the next attempt, or throws `error` when the call may not or should not be retried. */
function waitBeforeRetry(
  error: unknown,
  request: Request,
  context: MiddlewareContext,
  timing: RetryTiming,
  sentSeveral: boolean,
): Promise<void> {
  let seconds: number | undefined;
  let asked: number | undefined;
  try {
    const onTheWire = failedOnTheWire(error);
    const obstacle = onTheWire ? resendObstacle(error, request, context, sentSeveral) : undefined;
    // A retry wanted but forbidden by the request says why it went once (its key, its stream).
    const forbidden = obstacle === undefined ? undefined : () => noteNotSentAgain(error, obstacle);
    const resendable = onTheWire && obstacle === undefined;
    seconds = retryDelay(error, resendable, context, context.options.shouldRetry, timing, forbidden);
    asked = (error as ApiError).retryAfterInSeconds;
  } catch {
    // A look-alike of the SDK's errors (its brand forged) whose fields throw as they are read:
    // no decision can be made, and it is not retried.
  }
  // The caller's abort made during the decision (a `shouldRetry` that aborts) ends the call as
  // an abort, as one made anywhere else does, not with the failure it was deciding on.
  if (context.signal?.aborted) throw abortErrorFor(context);
  // Nor is a pause the server asked for slept through when it would outlast a wait's deadline:
  // the wait decides now. (The SDK's own backoff is slept: a wait that polled at once instead
  // would press a failing server harder. `get` of no signal is undefined, and no time is greater.)
  if (
    seconds === undefined ||
    (asked !== undefined &&
      Date.now() + seconds * 1000 > (signalDeadlines.get(context.signal as AbortSignal) as number))
  )
    throw error;
  // A wait's poll (its signal has a deadline): the failure the wait's timeout names if it cuts this pause short.
  if (signalDeadlines.has(context.signal as AbortSignal)) signalFailures.set(context.signal as AbortSignal, error);
  // A pause cut short by the caller's abort ends the call with no answer's failure: the status
  // goes. (Not cleared before the pause: an attempt's plugin bounded out by its timeout may read
  // it still, a moment after the retry layer moved on.)
  const pause = callEndWatched(context)
    ? pauseUntilCallEnd(seconds * 1000, context)
    : delay(seconds * 1000, context.signal);
  return pause.catch((abort: unknown) => {
    (context as AttemptState).responseStatus = undefined;
    throw abort;
  });
}

/**
 * `delay` where users' plugins run: the pause also ends as the call does (a plugin's `next()`
 * left running, see src/core/call-end.ts), with the end's words.
 */
async function pauseUntilCallEnd(milliseconds: number, context: MiddlewareContext): Promise<void> {
  const pause = new AbortController();
  const unlinks = [followAbort(context.signal, pause), abortAtCallEnd(context, pause)];
  try {
    await delay(milliseconds, pause.signal);
  } catch (abort) {
    throw callEnded(context) && !context.signal?.aborted ? pause.signal.reason : abort;
  } finally {
    for (const unlink of unlinks) unlink();
  }
}

/**
 * The request one attempt may consume, a copy of the call's for every attempt (the last one
 * too): the layers below set headers on it in place (auth's, an attempt plugin's), which piled
 * up across attempts and showed the token in a call-phase plugin's own request. Each copy is
 * the SDK's (see `withoutSignal`): an attempt's plugin gets it on the attempt's signal.
 *
 * A body can be read once. An upload's Blob is given again from its source while the body is
 * still the SDK's (a clone would keep a second copy of every byte read); another body is cloned,
 * on the last attempt too, so that a call-phase plugin's own request stays usable after `next()`
 * (to call it again, or read it). A one-shot stream (never sent twice) is the copy's own body,
 * the same stream: a clone would tee it, keeping every byte sent, and a copy without a body
 * given would pipe it at once, reading the caller's source before the attempt began. A
 * WireRequest (its text sent again) goes as it is; a call-phase plugin's Request built from one
 * becomes one again, with the headers it has now (see `pluginRequest`).
 */
function requestForAttempt(request: Request, { bodySource }: MiddlewareContext): Request {
  // A body a plugin already read is for fetch to refuse, by name.
  if (request instanceof WireRequest || request.bodyUsed) return request;
  // One the SDK built from its WireRequest (a call-phase plugin's): the text again, no clone.
  const wire = (request as PluginRequest)[toWire]?.(false);
  if (wire !== undefined) return wire;
  try {
    if (bodySource === "one-shot")
      return withoutSignal(new Request(request, { body: request.body, duplex: "half" } as RequestInit));
    // Made from the URL and the fields the SDK sets, not from the Request: Chromium marks the
    // body of a Request a copy is made from as used, a body given or not, and the next attempt
    // then went as that used Request, refused by fetch (an upload's retry after a 503 failed).
    if (bodySource !== undefined && builtBySdk(request))
      return withoutSignal(
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: bodySource,
          redirect: request.redirect,
        }),
      );
    return withoutSignal(request.clone());
  } catch {
    // A body a plugin locked (read it with a reader it kept): fetch refuses it, typed.
    return request;
  }
}
