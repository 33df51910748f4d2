import { abortErrorFor } from "../internal/abort-error-for.js";
import { carriesToken, redactError, redactTokens } from "../internal/secrets.js";
import { bodyFailureOf, cutShort } from "./body-failure.js";
import { boundBySignal, callUserCode } from "../internal/bound-by-signal.js";
import { isRequestLike } from "../internal/is-request-like.js";
import { isResponse } from "../internal/is-response.js";
import { checkResponse } from "./checked-response.js";
import { followAbort } from "../internal/follow-abort.js";
import { attemptsMade, callFailure, carriedCall, nameTheCall } from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import { CohereTimeoutError } from "./errors/timeout-error.js";
import { describeValue } from "./input.js";
import type { Middleware, MiddlewareContext } from "./middleware.js";
import type { ResolvedPlugin } from "./middleware-plugin.js";
import { receiveResponse } from "./received-response.js";
import { hasKeptBody } from "./response-body.js";
import { onAttemptEnd } from "./attempt-end.js";
import { abortAtCallEnd, callEnded, callEndedError } from "./call-end.js";
import { isNotBlank, sendsOf } from "./idempotency-key-sent.js";
import { answeredUntouched, serverCertainlyDidNotAct } from "./server-did-not-act.js";
import { pluginRequest } from "./plugin-request.js";

/**
 * Wraps a user's middleware so that nothing it does can hang, crash or untype a call: the one
 * guard between users' code and the SDK's layers.
 *
 * - Its whole run is bounded: an attempt-phase plugin by the attempt's signal (timeout and
 *   abort), a call-phase plugin by the caller's abort and, for each stretch of its own code
 *   (before, between and after its calls of `next`, whose attempts are bounded already), by
 *   `timeoutInSeconds`. A plugin that never calls `next`, or never settles, ends the call with
 *   `CohereTimeoutError` or `CohereAbortError`.
 * - What it throws is typed: a `CohereError` passes as the same object (cleaned of the
 *   call's secrets, see `redactError`), anything else (an `Error`, a
 *   string, `undefined`) becomes a `CohereError` naming the plugin, with the thrown value as
 *   `cause`. What it returns must be a `Response`: anything else is a `CohereError`.
 * - A `Response` it made itself (a cache, a mock) is read here like one from fetch: under the
 *   same signal, capped at `maxResponseBytes`, its status checked.
 * - A call-phase plugin sees the truth the caller will get: its `next()` resolves only with a
 *   response whose body passed the SDK's checks, or rejects with the typed error; and what it
 *   returns is held to the same checks (a 404 it makes is a `NotFoundError`). A download's 2xx
 *   is the streamed response, its body unread (the caller's decoder reads and checks it).
 */
export function guardUserMiddleware({ name, phase, handle }: ResolvedPlugin): Middleware {
  const perCall = phase === "call";
  return async (request, next, context) => {
    // A `next()` an outer plugin called and left (it answered, or failed, at once) reaches this
    // one after the call has ended: its code does not run (a rate limiter took a slot for it).
    if (perCall && callEnded(context)) throw callEndedError();
    // An upload's source that fails as the plugin reads the body (a signer, a size check) ends
    // its run too: the body will not come.
    const failure = bodyFailureOf(context);
    // The plain attempt-phase plugin is bounded by the attempt's signal as it is (no extra work).
    const bounds =
      perCall || failure
        ? runBounds(
            name,
            perCall ? context.signal : context.attemptSignal,
            perCall && !waitsByDesign(handle),
            context.options,
            failure,
            perCall ? context : undefined,
          )
        : undefined;
    const signal = bounds ? bounds.signal : context.attemptSignal;
    // The plugin gets a real Request (the SDK's own layers take the cheaper WireRequest) on a
    // signal of the SDK's, never the caller's (see `pluginRequest`). In the call phase its run's,
    // which follows the caller's abort (and ends a run that overstays), or none where the caller
    // gave none: the caller cannot abort the call then, and a link to a signal costs more than
    // the Request. (A call plugin that overstays its time still fails the call; its Request's
    // signal then fires only where the caller gave one: the plugin's own work is bounded by the
    // call, not ended by it.) In the attempt phase the attempt's own signal, as it is: it lives
    // one attempt, so Node's listener on it gathers nowhere.
    const forPlugin = pluginRequest(request, (perCall ? context.signal && signal : context.attemptSignal) ?? null);
    // A call-phase plugin's `next()` rejects with the failure named as the caller will get it.
    const named = (error: unknown): never => {
      const carried = perCall ? carriedCall(context) : undefined;
      if (carried === undefined) throw error;
      // Not the SDK's: what the plugin passed failed as the layers below read it (a Proxy whose
      // `bodyUsed` throws), typed here as the guard types what a plugin throws.
      if (!CohereError.is(error))
        error = callFailure(
          `Middleware "${name}" passed next() a Request that could not be read: ${redactTokens(context, describeThrown(error))}`,
          carriesToken(context, error) ? undefined : { cause: error },
        );
      const attempts = attemptsMade(context.attempt, carried.requestOptions);
      throw nameTheCall(error, { ...carried.call, attempts }, context);
    };
    const answered: typeof next = perCall
      ? (r) =>
          next(r)
            .then((answer) => checked(answer, context))
            .catch(named)
      : next;
    const checkedNext: typeof next = bounds ? (r) => bounds.during(answered(r)) : answered;
    // Once the plugin's run is over (it answered, failed, or its attempt or call ended), a `next`
    // it calls later (from a timer, say) would send a request that no timeout or abort bounds.
    let ended = false;
    const lateNext = () =>
      Promise.reject(new CohereError(`Middleware "${name}" called next() after its run had ended; nothing was sent`));
    // A request the server may act on (a create) goes again in a run of a plugin (its own retry, a
    // hedge) only where the SDK's retries would send it again: nothing reached the server's work
    // (nothing was sent, a 429, a 503, a refused connection), or the same Idempotency-Key goes
    // with each. `keySent`: the key of the last request sent; `mayHaveActed`: the server may
    // have acted on one (a request in flight may too).
    let keySent: string | undefined;
    let mayHaveActed = false;
    // The plugin's `next()` calls not yet settled: one left when its run ends (a hedge's loser, a
    // request it answered without) ends with the attempt (see `endPluginWork`).
    const pending = { count: 0 };
    const attemptSignal = context.attemptSignal;
    // A `next()` refused before anything is sent, in the caller's words in the call phase.
    const refuse = (what: string, why = ""): Promise<never> =>
      Promise.reject(callFailure(`Middleware "${name}" ${what}; nothing was sent${why}`)).catch(named);
    const sendOnce = (r: Request): Promise<Response> => {
      // Junk (a string, null, `{}`) failed in the layers below as a TypeError of theirs, or (a
      // URL as a string) was sent as a GET whatever the call's method.
      if (!isRequestLike(r)) return refuse(`passed next() ${describeUserValue(r)}, not a Request`);
      if (context.idempotent) return checkedNext(r);
      const key = idempotencyKeyOf(r);
      if ((mayHaveActed || pending.count > 0) && (key === undefined || key !== keySent))
        return refuse(
          `called next() again for ${context.operation}, which the server may have acted on`,
          " (the same idempotencyKey on every request allows it)",
        );
      keySent = key;
      const sentBefore = sendsOf(context);
      // The server may have acted if anything was sent, but for one request refused untouched
      // (a 429, a 503, a refused connection). Several sent (the SDK's retries with a key, a
      // plugin's own below): any of them may have acted, whatever the last answer said.
      const acted = (untouched: boolean) => {
        const sent = sendsOf(context) - sentBefore;
        if (sent > 0 && (!untouched || sent > 1)) mayHaveActed = true;
      };
      return checkedNext(r).then(
        (response) => {
          // A call-phase plugin's is a 2xx; an attempt plugin's is raw (a 503 did nothing).
          acted(answeredUntouched(response.status, context));
          return response;
        },
        (error: unknown) => {
          acted(serverCertainlyDidNotAct(error, context));
          throw error;
        },
      );
    };
    try {
      const result: unknown = await boundBySignal(
        callUserCode(() =>
          handle(
            forPlugin,
            // Refused too as the run ends: a plugin listening to its request's signal may call
            // `next()` in that very event, before the run's end is seen below.
            handledNext((r) => (ended || signal?.aborted === true ? lateNext() : sendOnce(r)), pending),
            context,
          ),
        ),
        signal,
        () =>
          (bounds?.timedOut() || (perCall && callEnded(context))) && !context.signal?.aborted
            ? (signal as AbortSignal).reason
            : (cutShort(context) ?? abortErrorFor(context)),
      ).finally(() => {
        ended = true;
        // Only while its attempt runs: once the attempt's signal fired, what it left ends by it
        // (a hook set then would fire at the next attempt's end).
        if (!perCall && pending.count > 0 && attemptSignal?.aborted === false) onAttemptEnd(context, endPluginWork);
      });
      if (!isResponse(result))
        throw callFailure(`Middleware "${name}" returned ${describeUserValue(result)}, not a Response`);
      // A response of `next()`'s passes up as it is, and the layers above mark it (its checked
      // data): frozen, it would fail there. One the plugin made itself is read into a new one.
      if (!perCall && hasKeptBody(result) && !Object.isExtensible(result))
        throw callFailure(
          `Middleware "${name}" returned a frozen or sealed Response, which the layers above cannot pass on: return one of its own (a clone)`,
        );
      // A body it made itself is read under the same bounds (the caller's abort, its own time);
      // a streamed 2xx (a download's) is the caller's to read, each wait bounded as it reads.
      const received =
        hasKeptBody(result) || (result.ok && context.responseKind === "stream")
          ? result
          : await receiveResponse(result, forPlugin.url, context, signal, true);
      return perCall ? await checked(received, context) : received;
    } catch (error) {
      // A typed failure passes as it is, the same object, cleaned of the call's secrets (it may
      // quote request.url or the Authorization it read) before the plugins around it (a span's
      // status, a log) see it.
      if (CohereError.is(error)) throw redactError(context, error);
      // What it threw may quote the token (a header it read): out of the message, and not kept.
      const cause = carriesToken(context, error) ? undefined : { cause: error };
      throw callFailure(`Middleware "${name}" failed: ${redactTokens(context, describeThrown(error))}`, cause);
    } finally {
      bounds?.stop();
    }
  };
}

/**
 * Ends, as its attempt ends, what an attempt-phase plugin left running: a request it sent with
 * `next()` and did not wait for (a hedge's loser, or it answered without it). The attempt's
 * signal fires (the SDK's fetches under it stop, and whatever else of the plugin's follows it).
 * Only then: aborting an attempt's signal costs Node's fetch about 23 µs even once it is done
 * (every attempt's end cost a call through one attempt plugin 70 µs). A streamed download's
 * body is read after the attempt, on a signal of its own (see the transport), and a stream's
 * response a plugin made itself is the caller's to read.
 */
function endPluginWork(attempt: AbortController, context: MiddlewareContext): void {
  if (context.responseKind !== "stream")
    attempt.abort(new CohereError("The attempt had ended: what a middleware left running in it was stopped"));
}

/**
 * `checkResponse`, but for a streamed 2xx (a download's), which passes unread: the caller's
 * decoder reads it, each wait bounded as it reads.
 */
function checked(response: Response, context: MiddlewareContext): Response | Promise<Response> {
  return response.ok && context.responseKind === "stream" && !hasKeptBody(response)
    ? response
    : checkResponse(response, context);
}

/**
 * A signal that ends a plugin's run: `base` (the caller's abort in the call phase, the attempt's
 * signal in the attempt phase); an upload's source that fails before the plugin hands the
 * request on (it reads the body: the rest will not come; after that the transport decides, and
 * a server that has answered stands); and, in the call phase, its own code running for
 * `timeoutInSeconds` at a stretch: the clock stops while a `next` it called is pending (its
 * attempts have their own timeouts and backoff), and starts afresh when the last one settles;
 * and, in the call phase, the call's end (`callOf`): a run an outer plugin left going stops.
 */
function runBounds(
  name: string,
  base: AbortSignal | undefined,
  timed: boolean,
  { timeoutInSeconds }: { readonly timeoutInSeconds: number },
  bodyFailure: AbortSignal | undefined,
  callOf: MiddlewareContext | undefined,
) {
  const controller = new AbortController();
  const unfollow = followAbort(base, controller);
  const release = callOf === undefined ? undefined : abortAtCallEnd(callOf, controller);
  let pending = 0;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    if (!timed) return;
    timer = setTimeout(() => {
      timedOut = true;
      const message = `Middleware "${name}" ran for more than ${timeoutInSeconds} s outside next()`;
      controller.abort(new CohereTimeoutError(timeoutInSeconds, message));
    }, timeoutInSeconds * 1000);
  };
  // Once the plugin has handed the request on, the body is the transport's to send: a source
  // that fails after that is the transport's to judge (an answer already in stands).
  let handedOn = false;
  const onFailure = () => {
    if (!handedOn) controller.abort();
  };
  bodyFailure?.addEventListener("abort", onFailure);
  if (bodyFailure?.aborted) onFailure();
  start();
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    during<T>(work: Promise<T>): Promise<T> {
      handedOn = true;
      if (pending++ === 0) clearTimeout(timer);
      return work.finally(() => {
        if (--pending === 0 && !controller.signal.aborted) start();
      });
    },
    stop(): void {
      clearTimeout(timer);
      unfollow();
      release?.();
      bodyFailure?.removeEventListener("abort", onFailure);
      pending = -1; // nothing restarts the clock once the run is over
    },
  };
}

const waitsByDesignKey = Symbol.for("cohere-batches.waits-by-design");

/**
 * True for the handle of an SDK plugin whose time outside `next()` is its wait for a slot (the
 * rate limiter's): not bounded by `timeoutInSeconds` (see `waitingHandles` in
 * src/middleware/rate-limit.ts, which fills the set). Never throws: junk under the key is no set.
 */
function waitsByDesign(handle: Middleware): boolean {
  try {
    return WeakSet.prototype.has.call(Reflect.get(globalThis, waitsByDesignKey), handle);
  } catch {
    return false;
  }
}

/** The Idempotency-Key `request` carries, if not blank; none for what cannot be read (junk). */
function idempotencyKeyOf(request: Request): string | undefined {
  try {
    const key = request.headers.get("idempotency-key");
    return key !== null && isNotBlank(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `next`, with each promise it returns marked as handled: a plugin that calls `next` and drops
 * the promise (or stops awaiting it when the attempt ends) must not leave an unhandled
 * rejection behind. The plugin still gets the rejection when it awaits. `pending` counts the
 * promises not yet settled.
 */
function handledNext(
  next: (request: Request) => Promise<Response>,
  pending: { count: number },
): (request: Request) => Promise<Response> {
  const settled = () => {
    pending.count--;
  };
  return (request) => {
    const response = next(request);
    pending.count++;
    response.then(settled, settled);
    return response;
  };
}

function describeThrown(error: unknown): string {
  // Whatever was thrown is read with care: a Proxy whose every trap throws must still be named.
  try {
    return error instanceof Error ? error.message || error.name : describeUserValue(error);
  } catch {
    return "a value that cannot be read";
  }
}

/** What a value is, never what a string holds: a plugin may throw or return a secret. */
function describeUserValue(value: unknown): string {
  return typeof value === "string" ? "a string" : describeValue(value);
}
