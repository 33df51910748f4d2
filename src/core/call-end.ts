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
import { ignore } from "../internal/ignore.js";

const callEnd: unique symbol = Symbol();

/**
 * A call's end, in private fields: a plugin may freeze its context and what it holds (a
 * snapshot), and a write to a frozen record at the call's end was a raw `TypeError`.
 */
class CallEnd {
  #ended = false;
  /** What to abort as the call ends: the runs of plugins, the retry loop's pause, a wait in line. */
  #running: AbortController[] = [];

  get ended(): boolean {
    return this.#ended;
  }

  add(controller: AbortController): () => void {
    if (this.#ended) {
      controller.abort(callEndedError());
      return ignore;
    }
    const running = this.#running;
    running.push(controller);
    return () => {
      const at = running.indexOf(controller);
      if (at >= 0) running.splice(at, 1);
    };
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const controller of this.#running.splice(0)) controller.abort(callEndedError());
  }
}

type WithCallEnd = { [callEnd]?: unknown };

/** The call's end of `context`, if watched (and not replaced by a plugin). */
function endOf(context: MiddlewareContext): CallEnd | undefined {
  const end = (context as WithCallEnd)[callEnd];
  return end instanceof CallEnd ? end : undefined;
}

/** Watches the end of `context`'s call (one where users' plugins run); `endCall` ends it. */
export function watchCallEnd(context: MiddlewareContext): void {
  // One object: a copy of the context a hedge's `next()` runs on (see the retry layer) shares it.
  (context as WithCallEnd)[callEnd] = new CallEnd();
}

/** True where the end of `context`'s call is watched (users' plugins run in it). */
export function callEndWatched(context: MiddlewareContext): boolean {
  return endOf(context) !== undefined;
}

/** True once `context`'s call has settled: nothing more may start for it. */
export function callEnded(context: MiddlewareContext): boolean {
  return endOf(context)?.ended === true;
}

/**
 * Has `controller` aborted as `context`'s call ends (at once if it has), with an error that says
 * so (not a `CohereAbortError`: nobody aborted), and returns what lets go of it.
 */
export function abortAtCallEnd(context: MiddlewareContext, controller: AbortController): () => void {
  return endOf(context)?.add(controller) ?? ignore;
}

/** Ends `context`'s call: what it left running stops (see `abortAtCallEnd`). */
export function endCall(context: MiddlewareContext): void {
  endOf(context)?.end();
}

/** The failure of what a call left running once it ended. */
export function callEndedError(): CohereError {
  return new CohereError("The call had ended: a middleware answered or failed while this was pending");
}
