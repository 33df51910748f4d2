import { abortErrorFor } from "../internal/abort-error-for.js";
import { boundBySignal } from "../internal/bound-by-signal.js";
import { followAbort } from "../internal/follow-abort.js";
import { bodyFailureOf, cutShort } from "./body-failure.js";
import { streamReleaseOf } from "./stream-release.js";
import {
  isForeignRequest,
  isRefusedByFetch,
  isRefusedAfterSending,
  isUnreadableBody,
  ownErrorInChain,
  unreadableDataMessage,
} from "../internal/cause-chain.js";
import { isRequestLike } from "../internal/is-request-like.js";
import { isResponse } from "../internal/is-response.js";
import { carriesToken, redactError } from "../internal/secrets.js";
import { describeThrown } from "../internal/thrown-text.js";
import { callEnded, callEndedError } from "./call-end.js";
import { callFailure } from "./errors/call-failure.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext } from "./middleware.js";
import { failedOnLaterHop, laterHopFailed, sendFollowingRedirects } from "./redirects.js";
import { receiveResponse } from "./received-response.js";
import { forRuntimeFetch, globalFetch, realRequest } from "./wire-request.js";
import { noteAnswered, noteKeySent, noteNotSent } from "./idempotency-key-sent.js";

/** A WHATWG-compatible fetch, the only thing the SDK needs from its runtime to talk HTTP. @public */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/** How the transport hands a response up. */
export interface TransportOptions {
  /**
   * Give layers above a fresh `Response` over the bytes read, so that users' middleware can
   * read the body again. Without users' middleware, the response fetch returned goes up as it
   * is, its bytes kept aside (`readBodyText`): a second Response costs more than the request.
   */
  readonly readableResponses: boolean;
}

/**
 * The end of the pipeline: sends one request with `fetch` and reads the whole body.
 *
 * @remarks
 * Reading the body here, inside the attempt, is what lets the per-attempt timeout cover a body
 * that stalls, and lets a connection reset mid-body be retried like any other connection
 * failure. The read stops at `maxResponseBytes` (see `receiveResponse`).
 *
 * The attempt's signal (`context.attemptSignal`, set by the timeout layer) goes to fetch as
 * `init.signal`, rather than on a copy of the request: copying a Request costs as much as
 * sending one on Node 20. Fetch's promise is awaited only through `boundBySignal`, so an abort
 * ends the attempt at once and the promise fetch rejects later is handled.
 *
 * Failures are typed here: `CohereAbortError` when the caller's signal fired, the attempt's
 * `CohereTimeoutError` when its timer did, a `CohereError` when fetch refused to send the
 * request at all (bad input: not retried), else `CohereConnectionError`.
 */
export function createTransport(
  fetchFunction: FetchFunction,
  options: TransportOptions,
): (request: Request, context: MiddlewareContext) => Promise<Response> {
  // The runtime's fetch takes a WireRequest's URL and init, settles on the signal itself and
  // frames bodies by HTTP; a user's fetch gets a real Request and is trusted with none of that.
  const runtimeFetch = fetchFunction === globalFetch;
  // The runtime's fetch given as the option is as good as the default at saying it sent nothing.
  const ownFetch = !runtimeFetch && fetchFunction !== globalThis.fetch;
  return async (request, context) => {
    const signal = context.attemptSignal ?? request.signal;
    // A streamed download's fetch also ends with its call (see `setStreamRelease`), after the
    // attempt: the link stays once a 2xx's headers are in.
    const release = streamReleaseOf(context);
    // A streamed body's fetch (and a streamed download's) gets a signal that aborts without a
    // reason: workerd reports an abort carrying one (a timeout, the caller's) as an uncaught
    // exception of the pump sending the body, where a reason-less (DISCONNECTED) abort is let
    // be. The error is typed from `signal` either way.
    const own = context.bodySource === "one-shot" || release !== undefined ? new AbortController() : undefined;
    const fetchSignal = own ? own.signal : signal;
    const unlink = own && followAbort(signal, own, false);
    const released = own && release?.(own);
    // It also ends when the body's own source fails, until the server has answered: a failure
    // after that leaves the answer to stand (see `transportFailure` for the error).
    let unlinkBody = own && followAbort(bodyFailureOf(context), own, false);
    let handedOver = false;
    try {
      refuseUnsendable(request, context, signal, ownFetch);
      // The runtime's fetch gets a WireRequest for a Request the SDK built from one (an attempt
      // plugin's) rather than a Request to copy (see `forRuntimeFetch`).
      const outgoing = runtimeFetch ? forRuntimeFetch(request) : realRequest(request, signal);
      // A user's fetch that refuses a create proves nothing of what it sent before (a retry of
      // its own, whose second send fetch refused): only a refusal before it was called counts
      // as nothing sent (see `transportFailure`).
      const sent = callFetch(
        !ownFetch || context.idempotent
          ? fetchFunction
          : (input, init) => {
              handedOver = true;
              return fetchFunction(input, init);
            },
        outgoing,
        fetchSignal,
      );
      // A user's fetch is raced against the signal (and a streamed body's failure): it may not
      // honour them, or wait on a body that no longer comes.
      const response: unknown = runtimeFetch
        ? await sent
        : await boundBySignal(sent, fetchSignal, () => cutShort(context) ?? abortErrorFor(context));
      unlinkBody?.();
      unlinkBody = undefined;
      // A custom fetch that resolves with junk is a bug to report, not a network failure to retry.
      if (!isResponse(response)) throw callFailure("The fetch function resolved with something that is not a Response");
      released?.fetched(response);
      // What the server said, apart from what a plugin may make of it (a fallback's own 503).
      if (!context.idempotent) noteAnswered(context, response.status);
      // A stream is the caller's to read (bounded by `readStreamedBody`); an error body is read here.
      if (context.responseKind === "stream" && response.status >= 200 && response.status < 300) return response;
      released?.unlink();
      return await receiveResponse(response, request.url, context, signal, options.readableResponses, runtimeFetch);
    } catch (error) {
      released?.unlink();
      throw transportFailure(error, context, request, handedOver);
    } finally {
      unlink?.();
      unlinkBody?.();
    }
  };
}

/**
 * Throws where nothing may be sent: once the call is over (an abort during a token function, a
 * middleware), or once it has settled (a call-phase plugin gave up on it: a `create` the caller
 * was told had failed would make a batch nobody watches for); and a create's body a plugin read
 * before next() (an upload's stream goes to a user's fetch as it is): refused here, where it is
 * known that nothing went, not by that fetch.
 */
function refuseUnsendable(request: Request, context: MiddlewareContext, signal: AbortSignal, ownFetch: boolean): void {
  if (signal.aborted) throw abortErrorFor(context);
  if (callEnded(context)) throw callEndedError();
  // Read only for a request that is not idempotent (a create): see `resendObstacle`.
  if (context.idempotent) return;
  noteKeySent(context, request);
  if (ownFetch && bodyWasRead(request)) {
    noteNotSent(context);
    throw callFailure("fetch refused the request: its body was read already (a middleware read it before next())");
  }
}

/** Whether `request`'s body was read; a getter that throws (a plugin's Proxy) says nothing, and the request goes on. */
function bodyWasRead(request: Request): boolean {
  try {
    return request.bodyUsed === true;
  } catch {
    return false;
  }
}

/**
 * Fetch may throw synchronously (a bad init in some runtimes): make it a rejection like the rest.
 * A user's fetch may return junk that is no promise: it resolves with it, to be refused below.
 */
function callFetch(fetchFunction: FetchFunction, request: Request, signal: AbortSignal): Promise<Response> {
  try {
    return Promise.resolve(sendFollowingRedirects(fetchFunction, request, signal));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The failure of an attempt, typed. `handedOver`: a user's fetch was called with a create, and
 * may have sent it before it failed (its own retry after a 500, a failover to another host): no
 * failure of its, a refused connection either (a `CohereConnectionError` of its own included),
 * says the server never saw the create, as one after a redirect the SDK followed does not.
 */
function transportFailure(
  error: unknown,
  context: MiddlewareContext,
  request: unknown,
  handedOver: boolean,
): CohereError {
  const failure = typedFailure(error, context, request, handedOver);
  // The value fetch threw too: a plugin may wrap it in an error of its own.
  if (handedOver) {
    laterHopFailed(failure);
    laterHopFailed(error);
  }
  return failure;
}

/** The failure of an attempt, typed (see `transportFailure`). */
function typedFailure(error: unknown, context: MiddlewareContext, request: unknown, handedOver: boolean): CohereError {
  // A typed failure of a custom fetch's may quote the URL or the Authorization it was given:
  // cleaned before the plugins around the transport (a log, a span's status) see it.
  if (CohereError.is(error)) return redactError(context, error) as CohereError;
  const short = cutShort(context);
  if (short !== undefined) return short;
  const own = ownErrorInChain(error, (value): value is CohereError => CohereError.is(value));
  if (own !== undefined) return redactError(context, own) as CohereError;
  // A server may have put the echoed token into a redirect's URL: out of the message, and a
  // cause that holds it is not kept.
  // A custom fetch that throws a string (`throw "no route"`) says so in its own words.
  const reason = describeThrown(context, error);
  const cause = carriesToken(context, error) ? undefined : { cause: error };
  const refused = refusalOf(error, request, reason);
  if (refused === undefined) return new CohereConnectionError(`Connection failed: ${reason}`, cause);
  // One refused before anything went (a body read already, a URL fetch cannot parse, a file
  // that could not be read), by the SDK or the runtime's fetch, is not counted as sent: `run`
  // watches for a batch only where a create may have reached the server, and a plugin's own
  // retry of it may go. A refused redirect (the first server answered), a body longer than its
  // Content-Length (the server had what it said), a later hop's refusal (the SDK followed a 307)
  // or a user's fetch's stays counted.
  if (!context.idempotent && !handedOver && !isRefusedAfterSending(error) && !failedOnLaterHop(error))
    noteNotSent(context);
  return callFailure(refused, cause);
}

/**
 * The message of a refusal by fetch (bad input, not a connection's failure to retry), or
 * `undefined` for a connection's failure. Junk a plugin passed to next() (null, a Proxy whose
 * traps throw) failed as it was read: the plugin's doing. (Asked only on failure: no cost to a
 * call that works.)
 */
function refusalOf(error: unknown, request: unknown, reason: string): string | undefined {
  if (isForeignRequest(error))
    return `fetch refused the request: it cannot read a Request of this runtime (${reason}); see the fetch option in the README`;
  if (isRefusedByFetch(error)) return `fetch refused the request: ${reason}`;
  if (isUnreadableBody(error)) return unreadableDataMessage(reason);
  return isRequestLike(request) ? undefined : `fetch refused the request: ${reason}`;
}
