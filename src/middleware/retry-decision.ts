import { ApiError } from "../core/errors/api-error.js";
import { isNotBlank, keyWasSent, requireKey } from "../core/idempotency-key-sent.js";
import { CohereConnectionError } from "../core/errors/connection-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import type { MiddlewareContext, OperationName } from "../core/middleware.js";
import type { RetryInfo, ShouldRetry } from "../core/request-options.js";
import { isThenable, reportOnce } from "../internal/user-callback.js";
import { serverCertainlyDidNotAct } from "../core/server-did-not-act.js";
import { backoffDelayInSeconds, DEFAULT_MAX_RETRY_AFTER_IN_SECONDS, type RetryTiming } from "./retry-timing.js";

/** Statuses that say "try again": the request may succeed later unchanged. 501 is not one. */
const retryableStatuses = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * What keeps the call's request from going again after `error`, a failure on the wire, where
 * a second send could do the work twice; `undefined` when nothing does. Sending again is safe
 * when the request is idempotent, or its last attempt sent the call's non-blank
 * `Idempotency-Key` (from the option, the headers or a call-phase plugin; not dropped or
 * replaced by an attempt's plugin), or the server certainly did not act (429, 503, a refused
 * connection, and only the attempt's one request: `sentSeveral` says a plugin sent more in it);
 * else the key keeps it (1: the caller gave one, and a plugin dropped or changed it; 2: none;
 * 3: none, and the body is a stream read once, which a key alone would not let go again).
 * Then its body may: a stream read once (0). `shouldRetry` cannot override it.
 */
export function resendObstacle(
  error: unknown,
  request: Request,
  context: MiddlewareContext,
  sentSeveral: boolean,
): 0 | 1 | 2 | 3 | undefined {
  // An attempt that sent several requests (an attempt plugin's own retry) may have been acted on
  // by an earlier one, whatever its last answer. Read only for a non-idempotent request: a
  // Request's headers cost to materialise.
  if (!context.idempotent && !(!sentSeveral && serverCertainlyDidNotAct(error, context))) {
    // The key the transport sent, not the one this request had: an attempt's plugin may drop it.
    if (!keyWasSent(context, request.headers))
      return isNotBlank(request.headers.get("idempotency-key") ?? "") || context.options.idempotencyKey !== undefined
        ? 1
        : context.bodySource === "one-shot"
          ? 3
          : 2;
    // Sent again on the key alone: every later attempt must carry it (a plugin may drop it then).
    requireKey(context, request.headers.get("idempotency-key") as string);
  }
  return context.bodySource === "one-shot" ? 0 : undefined;
}

/** True when the attempt failed on the wire (an answer, a connection, a timeout), not as bad input or an abort. */
export function failedOnTheWire(error: unknown): boolean {
  return ApiError.is(error) || CohereConnectionError.is(error) || CohereTimeoutError.is(error);
}

/**
 * The decision after a failed attempt: the seconds to wait before the next one, or `undefined`
 * when `error` is to be thrown. The SDK's rule retries a transient failure, waiting the delay
 * the server asked (a longer one than `maxRetryAfterInSeconds` ends the call at once) or the
 * backoff; the caller's `shouldRetry` may overturn it, never where `resendable` is false or
 * the asked delay is too long.
 * Shared by the retry layer and `run`'s create, so that both follow one rule.
 */
export function retryDelay(
  error: unknown,
  resendable: boolean,
  attempt: { readonly operation: OperationName; readonly attempt: number },
  shouldRetry: ShouldRetry | undefined,
  timing: RetryTiming,
  forbidden?: () => void,
): number | undefined {
  const asked = ApiError.is(error) ? error.retryAfterInSeconds : undefined;
  // `shouldRetry` is told the server's asked delay in full. One longer than the cap is not waited,
  // whatever it says: slept as the cap, the retry went before the server's window (to be refused
  // again); slept in full, `() => true` held the call for as long as a server asked. The backoff
  // has its own cap, `maxDelayInSeconds`.
  const delayInSeconds = asked ?? backoffDelayInSeconds(attempt.attempt, timing);
  const tooLong = askedTooLong(error, timing);
  const transient = isTransientFailure(error);
  const verdict = askShouldRetry(shouldRetry, {
    operation: attempt.operation,
    attempt: attempt.attempt,
    ...(ApiError.is(error) ? { status: error.status } : {}),
    error,
    delayInSeconds,
  });
  // A retry the rule or `shouldRetry` wanted, that the request forbids (`resendable` false):
  // `forbidden` says why it went once.
  if (verdict !== false && transient && !resendable && !tooLong) forbidden?.();
  return (verdict ?? transient) && resendable && !tooLong ? delayInSeconds : undefined;
}

/** True when the server asked for a pause longer than the retry layer waits: the call ends. */
export function askedTooLong(error: unknown, timing: RetryTiming): boolean {
  const asked = ApiError.is(error) ? error.retryAfterInSeconds : undefined;
  return asked !== undefined && asked > (timing.maxRetryAfterInSeconds ?? DEFAULT_MAX_RETRY_AFTER_IN_SECONDS);
}

/**
 * True for a failure that may go away if an idempotent request is sent again unchanged: a
 * connection failure, an attempt timeout, 408, 409, 429, 500, 502, 503, 504. Waits use it too:
 * a poll that failed this way does not end the wait.
 */
export function isTransientFailure(error: unknown): boolean {
  if (ApiError.is(error)) return retryableStatuses.has(error.status);
  return CohereTimeoutError.is(error) || CohereConnectionError.is(error);
}

/**
 * The caller's `shouldRetry` verdict: `true`, `false`, or `undefined` for the SDK's rule. A
 * `shouldRetry` that throws is reported and counts as `undefined`, as does any answer other
 * than a boolean: a callback cannot change how a call fails.
 */
export function askShouldRetry(shouldRetry: ShouldRetry | undefined, info: RetryInfo): boolean | undefined {
  try {
    const verdict: unknown = shouldRetry?.(info);
    if (typeof verdict === "boolean") return verdict;
    // An async `shouldRetry` answers too late for this decision, and its rejection would go
    // unhandled (a crash in Node): handled here, and reported once per `shouldRetry` (it runs at
    // every failed attempt, as other callbacks are) when it settles, its rejection as the cause.
    if (isThenable(verdict)) {
      const report = (cause?: unknown) =>
        reportOnce(
          "shouldRetry",
          new TypeError("it returned a promise, not a boolean", cause === undefined ? undefined : { cause }),
          shouldRetry as object,
        );
      verdict.then(() => report(), report);
    }
    return undefined;
  } catch (error) {
    reportOnce("shouldRetry", error, shouldRetry as object);
    return undefined;
  }
}
