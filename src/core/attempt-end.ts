// What ends with an attempt of a call, beyond the SDK's own work: set by the guard of users'
// attempt-phase plugins when a plugin left a request running, called by the timeout layer as
// the attempt ends (see `timeoutMiddleware`).
import type { MiddlewareContext } from "./middleware.js";

const atAttemptEnd: unique symbol = Symbol();

type AttemptEnd = (attempt: AbortController, context: MiddlewareContext) => void;
type WithAttemptEnd = { [atAttemptEnd]?: AttemptEnd | undefined };

/** Has `end` called with the attempt's controller as the attempt in flight of `context`'s call ends. */
export function onAttemptEnd(context: MiddlewareContext, end: AttemptEnd): void {
  (context as WithAttemptEnd)[atAttemptEnd] = end;
}

/** Ends what `onAttemptEnd` asked to end with the attempt whose controller is `attempt` (once). */
export function endAttempt(context: MiddlewareContext, attempt: AbortController): void {
  const end = (context as WithAttemptEnd)[atAttemptEnd];
  if (end === undefined) return;
  (context as WithAttemptEnd)[atAttemptEnd] = undefined;
  end(attempt, context);
}
