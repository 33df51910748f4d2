// The end of a call, for what a plugin left running in it. A call-phase plugin may answer or
// fail and leave a `next()` of its pending (a deadline it raced, a hedge's loser): the retry
// loop under it went on sleeping its backoff and sending attempts after the caller had the
// answer (a `create` the caller was told had failed made a batch). Watched by a call where
// users' plugins run, ended as it settles: the retry loop then sends nothing more and sleeps no
// more, and the runs of the plugins still inside it end. An attempt in flight ends by its timeout.
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext } from "./middleware.js";

const callEnd: unique symbol = Symbol();

type WithCallEnd = { [callEnd]?: AbortController };

/** Watches the end of `context`'s call (one where users' plugins run); `endCall` ends it. */
export function watchCallEnd(context: MiddlewareContext): void {
  // A copy of the context a hedge's `next()` runs on (see the retry layer) shares it.
  (context as WithCallEnd)[callEnd] = new AbortController();
}

/** The signal that fires as `context`'s call settles; none where its end is not watched. */
export function callEndSignal(context: MiddlewareContext): AbortSignal | undefined {
  return (context as WithCallEnd)[callEnd]?.signal;
}

/**
 * Ends `context`'s call: what it left running stops (see `callEndSignal`), and fails with the
 * signal's reason, which says so (not a `CohereAbortError`: nobody aborted).
 */
export function endCall(context: MiddlewareContext): void {
  (context as WithCallEnd)[callEnd]?.abort(
    new CohereError(
      "The call had ended (a middleware answered or failed while this was pending); nothing more was sent",
    ),
  );
}
