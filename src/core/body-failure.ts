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
