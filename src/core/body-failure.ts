import { abortErrorFor } from "../internal/abort-error-for.js";
import { describeCause, unreadableDataMessage } from "../internal/cause-chain.js";
import { redactError } from "../internal/secrets.js";
import { callFailure } from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext } from "./middleware.js";

// The signal of a streamed request body that fires when the body's own source fails as it is
// read (a caller's stream that errors, a generator that throws), carried on the call's context
// for the transport: it ends the request with it, and its reason is the attempt's error.
const bodyFailure: unique symbol = Symbol();

type WithBodyFailure = { [bodyFailure]?: AbortSignal };

/** Carries `signal` (see above) on `context`. */
export function setBodyFailure(context: MiddlewareContext, signal: AbortSignal): void {
  (context as WithBodyFailure)[bodyFailure] = signal;
}

/** The body's failure signal of `context`, when its body has one. */
export function bodyFailureOf(context: MiddlewareContext): AbortSignal | undefined {
  return (context as WithBodyFailure)[bodyFailure];
}

/**
 * Why an attempt was cut short, or `undefined` when nothing cut it: the caller's abort or the
 * attempt's timeout, else the failure of a streamed body's source (a `CohereError` saying the
 * data failed as it was read, whose message, from the caller's source, may quote the token:
 * cleaned of it, see `redactError`).
 */
export function cutShort(context: MiddlewareContext): CohereError | undefined {
  if (context.signal?.aborted || context.attemptSignal?.aborted) return abortErrorFor(context);
  const failed = bodyFailureOf(context);
  if (!failed?.aborted) return undefined;
  const reason: unknown = failed.reason;
  const error = CohereError.is(reason) ? reason : callFailure(unreadableDataMessage(describeCause(reason)));
  return redactError(context, error) as CohereError;
}
