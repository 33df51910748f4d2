import { endAttempt } from "../core/attempt-end.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { followAbort } from "../internal/follow-abort.js";
import type { AttemptState, Middleware } from "../core/middleware.js";

/**
 * Limits each attempt to `context.options.timeoutInSeconds`, headers and body alike.
 *
 * @remarks
 * Runs per attempt, below retry: a timed-out attempt is retried like a connection failure.
 * It sets `context.attemptSignal`, which fires on the caller's abort or on the timer; the
 * transport sends and reads the body under that signal, so a stalled body times out too. When
 * the timer fired, whatever the layers below threw becomes `CohereTimeoutError`. The layer does
 * not race `next` itself (a promise and a listener more on every attempt): what ends the attempt
 * is the layers below honouring the signal, as the transport and the guard of users' plugins do.
 * Tested alone, a stub `next` must watch `context.attemptSignal` to be cut off (see the example).
 * When an attempt-phase plugin left a `next()` pending as its run ended (a hedge's loser), the
 * signal also fires as the attempt ends (a `CohereError` as its reason): that request, and
 * whatever else follows the signal, ends with the attempt (a streamed download's body excepted,
 * which the caller reads).
 * @example
 * ```ts
 * // Already in every client's pipeline; the limit is the option:
 * const client = new CohereClient({ timeoutInSeconds: 30 });
 *
 * // Alone, with a stub that stalls until the attempt's signal fires:
 * declare const context: MiddlewareContext; // context.options.timeoutInSeconds: 0.1
 * const stalls: Next = () =>
 *   new Promise((_, reject) => {
 *     context.attemptSignal?.addEventListener("abort", () => reject(context.attemptSignal?.reason));
 *   });
 * await timeoutMiddleware()(new Request("https://api.cohere.com/v2/batches"), stalls, context); // CohereTimeoutError
 * ```
 * @throws {@link CohereTimeoutError} when the attempt outlives `timeoutInSeconds`.
 * @public
 */
export function timeoutMiddleware(): Middleware {
  return async (request, next, context) => {
    const { timeoutInSeconds } = context.options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new CohereTimeoutError(timeoutInSeconds));
    }, timeoutInSeconds * 1000);
    // The caller's abort, and no other: a Request a call-phase plugin built on a signal of its
    // own is sent under the SDK's signals, as an attempt plugin's is (its abort would have been
    // reported as the caller's, and only when the caller gave no signal).
    const unlink = followAbort(context.signal, controller);
    (context as AttemptState).attemptSignal = controller.signal;
    try {
      return await next(request);
    } catch (error) {
      if (timedOut) throw new CohereTimeoutError(timeoutInSeconds);
      throw error;
    } finally {
      clearTimeout(timer);
      unlink();
      (context as AttemptState).attemptSignal = undefined;
      // A request a plugin left pending ends with the attempt (see `endPluginWork`).
      endAttempt(context, controller);
    }
  };
}
