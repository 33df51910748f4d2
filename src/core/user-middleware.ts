import { abortErrorFor } from "../internal/abort-error-for.js";
import { boundBySignal, promiseOf } from "../internal/bound-by-signal.js";
import { describePluginThrown } from "../internal/plugin-value-text.js";
import { carriesToken, redactError, redactTokens } from "../internal/secrets.js";
import { cutShort } from "./body-failure.js";
import { callEnded, callEndedError } from "./call-end.js";
import { callFailure } from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import type { Middleware, MiddlewareContext } from "./middleware.js";
import type { ResolvedPlugin } from "./middleware-plugin.js";
import { nextForPlugin } from "./plugin-next.js";
import { pluginRequest } from "./plugin-request.js";
import { checked, passesUnread, pluginResponse } from "./plugin-response.js";
import { boundsOfRun, type RunBounds } from "./plugin-run-bounds.js";
import { receiveResponse } from "./received-response.js";

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
    const bounds = boundsOfRun(name, perCall, handle, context);
    const signal = bounds ? bounds.signal : context.attemptSignal;
    const forPlugin = requestForPlugin(request, perCall, context, signal);
    const pluginNext = nextForPlugin(name, perCall, next, context, bounds, signal);
    try {
      const result: unknown = await boundBySignal(
        promiseOf(() => handle(forPlugin, pluginNext.next, context)),
        signal,
        () => whyTheRunEnded(bounds, perCall, context, signal),
      ).finally(pluginNext.end);
      const response = pluginResponse(name, perCall, result);
      // A body it made itself is read under the same bounds (the caller's abort, its own time);
      // a streamed 2xx (a download's) is the caller's to read, each wait bounded as it reads.
      const received = passesUnread(response, context)
        ? response
        : await receiveResponse(response, forPlugin.url, context, signal, true);
      return perCall ? await checked(received, context) : received;
    } catch (error) {
      throw typedFailure(name, context, error);
    } finally {
      bounds?.stop();
    }
  };
}

/**
 * The plugin gets a real Request (the SDK's own layers take the cheaper WireRequest) on a
 * signal of the SDK's, never the caller's (see `pluginRequest`). In the call phase its run's
 * (`signal`), which follows the caller's abort (and ends a run that overstays), or none where
 * the caller gave none: the caller cannot abort the call then, and a link to a signal costs
 * more than the Request. (A call plugin that overstays its time still fails the call; its
 * Request's signal then fires only where the caller gave one: the plugin's own work is bounded
 * by the call, not ended by it.) In the attempt phase the attempt's own signal, as it is: it
 * lives one attempt, so Node's listener on it gathers nowhere.
 */
function requestForPlugin(
  request: Request,
  perCall: boolean,
  context: MiddlewareContext,
  signal: AbortSignal | undefined,
): Request {
  return pluginRequest(request, (perCall ? context.signal && signal : context.attemptSignal) ?? null);
}

/**
 * What a run ended by its signal fails with: its own end (its time ran out, or the call ended)
 * as its signal says, unless the caller aborted; else what cut the attempt short (the caller's
 * abort, the attempt's timeout, an upload's source that failed).
 */
function whyTheRunEnded(
  bounds: RunBounds | undefined,
  perCall: boolean,
  context: MiddlewareContext,
  signal: AbortSignal | undefined,
): unknown {
  return (bounds?.timedOut() || (perCall && callEnded(context))) && !context.signal?.aborted
    ? (signal as AbortSignal).reason
    : (cutShort(context) ?? abortErrorFor(context));
}

/** What the plugin `name` threw, as the guard passes it on. */
function typedFailure(name: string, context: MiddlewareContext, error: unknown): unknown {
  // A typed failure passes as it is, the same object, cleaned of the call's secrets (it may
  // quote request.url or the Authorization it read) before the plugins around it (a span's
  // status, a log) see it.
  if (CohereError.is(error)) return redactError(context, error);
  // What it threw may quote the token (a header it read): out of the message, and not kept.
  const cause = carriesToken(context, error) ? undefined : { cause: error };
  return callFailure(`Middleware "${name}" failed: ${redactTokens(context, describePluginThrown(error))}`, cause);
}
