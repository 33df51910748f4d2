// The `next` a user's plugin is handed for one run: part of the guard of users' middleware
// (`guardUserMiddleware`).
import { isRequestLike } from "../internal/is-request-like.js";
import { describePluginThrown, describeUserValue } from "../internal/plugin-value-text.js";
import { carriesToken, redactTokens } from "../internal/secrets.js";
import { onAttemptEnd } from "./attempt-end.js";
import { attemptsMade, callFailure, carriedCall, nameTheCall } from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext, Next } from "./middleware.js";
import { guardResends } from "./plugin-resend-guard.js";
import { checked } from "./plugin-response.js";
import type { RunBounds } from "./plugin-run-bounds.js";

/**
 * The `next` for one run of the plugin `name` on `signal` (its run's), and `end`, to call as
 * the run ends. It refuses junk, a request the server may have acted on sent again (see
 * `guardResends`), and any call once the run has ended; what it answers is checked and named
 * as the caller will get it (in the call phase), and it stops the run's clock while pending.
 */
export function nextForPlugin(
  name: string,
  perCall: boolean,
  next: Next,
  context: MiddlewareContext,
  bounds: RunBounds | undefined,
  signal: AbortSignal | undefined,
): { next: Next; end: () => void } {
  const named = namedForCaller(name, perCall, context);
  const checkedNext = answeredForPlugin(perCall, next, context, named, bounds);
  // Once the plugin's run is over (it answered, failed, or its attempt or call ended), a `next`
  // it calls later (from a timer, say) would send a request that no timeout or abort bounds.
  let ended = false;
  const lateNext = () =>
    Promise.reject(new CohereError(`Middleware "${name}" called next() after its run had ended; nothing was sent`));
  // The plugin's `next()` calls not yet settled: one left when its run ends (a hedge's loser, a
  // request it answered without) ends with the attempt (see `endPluginWork`).
  const pending = { count: 0 };
  const attemptSignal = context.attemptSignal;
  // A `next()` refused before anything is sent, in the caller's words in the call phase.
  const refuse = (what: string, why = ""): Promise<never> =>
    Promise.reject(callFailure(`Middleware "${name}" ${what}; nothing was sent${why}`)).catch(named);
  const sendOnce = refusingJunk(guardResends(context, checkedNext, pending, refuse), refuse);
  return {
    // Refused too as the run ends: a plugin listening to its request's signal may call
    // `next()` in that very event, before the run's end is seen.
    next: handledNext((r) => (ended || signal?.aborted === true ? lateNext() : sendOnce(r)), pending),
    end: () => {
      ended = true;
      // Only while its attempt runs: once the attempt's signal fired, what it left ends by it
      // (a hook set then would fire at the next attempt's end).
      if (!perCall && pending.count > 0 && attemptSignal?.aborted === false) onAttemptEnd(context, endPluginWork);
    },
  };
}

/** A call-phase plugin's `next()` rejects with the failure named as the caller will get it. */
function namedForCaller(name: string, perCall: boolean, context: MiddlewareContext): (error: unknown) => never {
  return (error) => {
    const carried = perCall ? carriedCall(context) : undefined;
    if (carried === undefined) throw error;
    // Not the SDK's: what the plugin passed failed as the layers below read it (a Proxy whose
    // `bodyUsed` throws), typed here as the guard types what a plugin throws.
    if (!CohereError.is(error))
      error = callFailure(
        `Middleware "${name}" passed next() a Request that could not be read: ${redactTokens(context, describePluginThrown(error))}`,
        carriesToken(context, error) ? undefined : { cause: error },
      );
    const attempts = attemptsMade(context.attempt, carried.requestOptions);
    throw nameTheCall(error, { ...carried.call, attempts }, context);
  };
}

/** `send`, refusing (`refuse`) what is not a Request. */
function refusingJunk(send: Next, refuse: (what: string) => Promise<never>): Next {
  // Junk (a string, null, `{}`) failed in the layers below as a TypeError of theirs, or (a
  // URL as a string) was sent as a GET whatever the call's method.
  return (r) => (isRequestLike(r) ? send(r) : refuse(`passed next() ${describeUserValue(r)}, not a Request`));
}

/**
 * `next`, answering a call-phase plugin with a checked response (see `checked`) or the failure
 * `named`, and, with `bounds`, stopping the run's clock while it is pending.
 */
function answeredForPlugin(
  perCall: boolean,
  next: Next,
  context: MiddlewareContext,
  named: (error: unknown) => never,
  bounds: RunBounds | undefined,
): Next {
  const answered: Next = perCall
    ? (r) =>
        next(r)
          .then((answer) => checked(answer, context))
          .catch(named)
    : next;
  return bounds ? (r) => bounds.during(answered(r)) : answered;
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
 * `next`, with each promise it returns marked as handled: a plugin that calls `next` and drops
 * the promise (or stops awaiting it when the attempt ends) must not leave an unhandled
 * rejection behind. The plugin still gets the rejection when it awaits. `pending` counts the
 * promises not yet settled.
 */
function handledNext(next: Next, pending: { count: number }): Next {
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
