// What ends with each attempt of a call, beyond the SDK's own work: set by the guard of users'
// attempt-phase plugins, called by the timeout layer as each attempt ends (see
// `timeoutMiddleware`). A call without such a plugin carries none of it.
import type { MiddlewareContext } from "./middleware.js";

const atAttemptEnd: unique symbol = Symbol();

type WithAttemptEnd = { [atAttemptEnd]?: (attempt: AbortController, context: MiddlewareContext) => void };

/** Has `end` called with each attempt's controller of `context`'s call as the attempt ends. */
export function onAttemptEnd(context: MiddlewareContext, end: NonNullable<WithAttemptEnd[typeof atAttemptEnd]>): void {
  (context as WithAttemptEnd)[atAttemptEnd] = end;
}

/** Ends what `onAttemptEnd` asked to end with the attempt whose controller is `attempt`. */
export function endAttempt(context: MiddlewareContext, attempt: AbortController): void {
  (context as WithAttemptEnd)[atAttemptEnd]?.(attempt, context);
}
