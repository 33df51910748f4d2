import type { TokenSupplier } from "../core/client-options.js";
import { callFailure } from "../core/errors/call-failure.js";
import { isToken } from "../core/input.js";
import type { Middleware, MiddlewareContext, Next } from "../core/middleware.js";
import { abortErrorFor } from "../internal/abort-error-for.js";
import { boundBySignal, promiseOf } from "../internal/bound-by-signal.js";
import { describeThrown } from "../internal/thrown-text.js";
import { rememberReturnedToken, rememberToken } from "../internal/secrets.js";

/**
 * Sets `Authorization: Bearer <token>` on each attempt.
 *
 * @remarks
 * Runs per attempt (below retry), so a token function is called again for a retry. A token
 * function that throws, or returns something that is not a non-empty header-safe string,
 * fails the call with a `CohereError` whose message never contains the returned value. The
 * wait for a token function is bounded by the attempt's timeout and the caller's abort: one
 * that never settles is a `CohereTimeoutError`, not a hang.
 * @example
 * ```ts
 * // Already in every client's pipeline; alone, for a test with a stub `next`:
 * const send = compose([authMiddleware(() => "test-token")], async (request) => new Response(request.headers.get("authorization")));
 * ```
 * @throws {@link CohereError} (from the call it is part of) for a token function that throws, returns no usable token, or outlives the attempt.
 * @public
 */
export function authMiddleware(token: TokenSupplier): Middleware {
  // A string token is set without waiting for anything: no suspended frame per attempt.
  if (typeof token === "string") return (request, next, context) => send(token, request, next, context);
  return async (request, next, context) => {
    const value = await resolveToken(token, context);
    // For the next calls to know from their start (see `rememberKnownTokens`).
    rememberReturnedToken(token, value);
    // Awaited: a `next` may refuse at once, a promise already rejected (see `promiseOf`).
    return await send(value, request, next, context);
  };
}

function send(token: string, request: Request, next: Next, context: MiddlewareContext): Promise<Response> {
  // Remembered so that a server echoing it back cannot put it into an error.
  rememberToken(context, token);
  request.headers.set("Authorization", `Bearer ${token}`);
  return next(request);
}

async function resolveToken(token: () => string | Promise<string>, context: MiddlewareContext): Promise<string> {
  let value: unknown;
  try {
    const signal = context.attemptSignal ?? context.signal;
    value = await boundBySignal(promiseOf(token), signal, () => abortErrorFor(context));
  } catch (error) {
    if (context.signal?.aborted || context.attemptSignal?.aborted) throw abortErrorFor(context);
    // Its words in the message (cleaned of tokens with the rest of the call's failure).
    // A thrown primitive is in the message already (cleaned): not kept raw as the cause.
    throw callFailure(
      `The token function failed: ${describeThrown(context, error)}`,
      typeof error === "object" && error !== null ? { cause: error } : undefined,
    );
  }
  if (!isToken(value)) {
    throw callFailure("The token function must return a non-empty string of visible ASCII (no spaces or line breaks)");
  }
  return value;
}
