// The end of a call, for what a plugin left running in it. A call-phase plugin may answer or
// fail and leave a `next()` of its pending (a deadline it raced, a hedge's loser): the retry
// loop under it went on sleeping its backoff and sending attempts after the caller had the
// answer (a `create` the caller was told had failed made a batch). Watched by a call where
// users' plugins run, ended as it settles: the retry loop then sends nothing more and sleeps no
// more, and the runs of the plugins still inside it end. An attempt in flight ends by its timeout.
//
// A list of what to abort, not a signal of the call's: most calls end with nothing left
// running, and an `AbortController` made and aborted with a fresh error for each one cost a call
// through a plugin about 10 µs.
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext } from "./middleware.js";

const callEnd: unique symbol = Symbol();

interface CallEnd {
  ended: boolean;
  /** What to abort as the call ends: the runs of plugins, the retry loop's pause, a wait in line. */
  readonly running: AbortController[];
}
type WithCallEnd = { [callEnd]?: CallEnd };

/** Watches the end of `context`'s call (one where users' plugins run); `endCall` ends it. */
export function watchCallEnd(context: MiddlewareContext): void {
  // One object: a copy of the context a hedge's `next()` runs on (see the retry layer) shares it.
  (context as WithCallEnd)[callEnd] = { ended: false, running: [] };
}

/** True where the end of `context`'s call is watched (users' plugins run in it). */
export function callEndWatched(context: MiddlewareContext): boolean {
  return (context as WithCallEnd)[callEnd] !== undefined;
}

/** True once `context`'s call has settled: nothing more may start for it. */
export function callEnded(context: MiddlewareContext): boolean {
  return (context as WithCallEnd)[callEnd]?.ended === true;
}

/**
 * Has `controller` aborted as `context`'s call ends (at once if it has), with an error that says
 * so (not a `CohereAbortError`: nobody aborted), and returns what lets go of it.
 */
export function abortAtCallEnd(context: MiddlewareContext, controller: AbortController): () => void {
  const end = (context as WithCallEnd)[callEnd];
  if (end === undefined) return noop;
  if (end.ended) {
    controller.abort(callEndedError());
    return noop;
  }
  end.running.push(controller);
  return () => {
    const at = end.running.indexOf(controller);
    if (at >= 0) end.running.splice(at, 1);
  };
}

/** Ends `context`'s call: what it left running stops (see `abortAtCallEnd`). */
export function endCall(context: MiddlewareContext): void {
  const end = (context as WithCallEnd)[callEnd];
  if (end === undefined || end.ended) return;
  end.ended = true;
  for (const controller of end.running.splice(0)) controller.abort(callEndedError());
}

function callEndedError(): CohereError {
  return new CohereError("The call had ended: a middleware answered or failed while this was pending");
}

function noop(): void {}
