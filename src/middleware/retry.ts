import { delay } from "../internal/delay.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereConnectionError } from "../core/errors/connection-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import type { Middleware, MiddlewareContext } from "../core/middleware.js";
import { refusedOnFirstHop } from "../core/redirects.js";
import { backoffDelayInSeconds, type RetryTiming } from "./retry-timing.js";

/** Statuses that say "try again": the request may succeed later unchanged. 501 is not one. */
const retryableStatuses = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Statuses after which the server certainly did not act on the request, so even a `create`
 * without an idempotency key may be sent again without making a second batch.
 */
const notActedOnStatuses = new Set([429, 503]);

/**
 * Re-sends a failed attempt, up to `context.options.maxRetries` times.
 *
 * @remarks
 * Retried: connection failures, attempt timeouts, and 408, 409, 429, 500, 502, 503, 504.
 * Waits with exponential backoff and jitter, or for the delay the server asks
 * (`Retry-After`, `retry-after-ms`) up to 60 s; a longer asked delay fails the call at once.
 * The caller's abort signal ends a wait.
 *
 * A request that is not idempotent (`context.idempotent` is false: `batches.create`) and has no
 * idempotency key is retried only where the server certainly did not act (429, 503, a refused
 * connection): a batch is never created twice by the SDK. With a key, it is retried like every
 * other operation.
 *
 * A body that is a one-shot stream (`context.bodySource`) is never sent again.
 *
 * Runs once per call, above the per-attempt layers; sets `context.attempt`.
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
  const maxRetryAfterInSeconds = timing.maxRetryAfterInSeconds ?? 60;
  return async (request, next, context) => {
    const { maxRetries } = context.options;
    for (let retry = 0; ; retry++) {
      context.attempt = retry + 1;
      const attemptRequest = retry < maxRetries ? requestForAttempt(request, context) : request;
      try {
        return await next(attemptRequest);
      } catch (error) {
        if (retry >= maxRetries || !isRetryable(error, context)) throw error;
        const asked = error instanceof ApiError ? error.retryAfterInSeconds : undefined;
        if (asked !== undefined && asked > maxRetryAfterInSeconds) throw error;
        await delay((asked ?? backoffDelayInSeconds(retry + 1, timing)) * 1000, context.signal);
      }
    }
  };
}

/**
 * The request one attempt may consume. A body can be read once: a JSON body is cloned; a Blob
 * body is given again from its source (a clone would keep a second copy of every byte read);
 * a one-shot stream is sent as it is, since it is never sent twice.
 */
function requestForAttempt(request: Request, { bodySource }: MiddlewareContext): Request {
  if (request.body === null || bodySource === "one-shot") return request;
  return bodySource === undefined ? request.clone() : new Request(request, { body: bodySource });
}

function isRetryable(error: unknown, context: MiddlewareContext): boolean {
  // The stream was (at least partly) read by the attempt that failed: there is nothing to resend.
  if (context.bodySource === "one-shot") return false;
  const mayHaveActed = !context.idempotent && context.options.idempotencyKey === undefined;
  if (!mayHaveActed) return isTransientFailure(error);
  return serverCertainlyDidNotAct(error);
}

/**
 * True when the failed attempt certainly did not reach the server's work (429, 503, a connection
 * refused on the first hop): a non-idempotent request may be sent again. `batches.run` asks too.
 */
export function serverCertainlyDidNotAct(error: unknown): boolean {
  if (error instanceof ApiError) return notActedOnStatuses.has(error.status);
  return error instanceof CohereConnectionError && refusedOnFirstHop(error);
}

/**
 * True for a failure that may go away if an idempotent request is sent again unchanged: a
 * connection failure, an attempt timeout, 408, 409, 429, 500, 502, 503, 504. Waits use it too:
 * a poll that failed this way does not end the wait.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof ApiError) return retryableStatuses.has(error.status);
  return error instanceof CohereTimeoutError || error instanceof CohereConnectionError;
}
