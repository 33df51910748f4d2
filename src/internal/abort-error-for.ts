import { CohereAbortError } from "../core/errors/abort-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { MiddlewareContext } from "../core/middleware.js";

/**
 * The typed error for an attempt that was cut short: `CohereAbortError` when the caller's
 * signal fired, else the attempt signal's own reason when it is typed (the timeout layer's
 * `CohereTimeoutError`), so every layer (and users' attempt-phase middleware) sees what the
 * caller will get.
 */
export function abortErrorFor(
  context: MiddlewareContext,
  attemptSignal: AbortSignal | undefined = context.attemptSignal,
): CohereError {
  if (context.signal?.aborted) return new CohereAbortError(context.signal.reason);
  const reason: unknown = attemptSignal?.reason;
  return CohereError.is(reason) ? reason : new CohereAbortError(reason);
}
