// What ends a user's plugin's run, for the guard of users' middleware (`guardUserMiddleware`).
import { followAbort } from "../internal/follow-abort.js";
import { bodyFailureOf } from "./body-failure.js";
import { abortAtCallEnd } from "./call-end.js";
import { CohereTimeoutError } from "./errors/timeout-error.js";
import type { Middleware, MiddlewareContext } from "./middleware.js";

/** The bounds of one run of a plugin (see `runBounds`). */
export type RunBounds = ReturnType<typeof runBounds>;

/** The bounds of a run of the plugin `handle`, or none where the attempt's signal is enough. */
export function boundsOfRun(
  name: string,
  perCall: boolean,
  handle: Middleware,
  context: MiddlewareContext,
): RunBounds | undefined {
  // An upload's source that fails as the plugin reads the body (a signer, a size check) ends
  // its run too: the body will not come.
  const failure = bodyFailureOf(context);
  // The plain attempt-phase plugin is bounded by the attempt's signal as it is (no extra work).
  if (!perCall && !failure) return undefined;
  return runBounds(
    name,
    perCall ? context.signal : context.attemptSignal,
    perCall && !waitsByDesign(handle),
    context.options,
    failure,
    perCall ? context : undefined,
  );
}

/**
 * A signal that ends a plugin's run: `base` (the caller's abort in the call phase, the attempt's
 * signal in the attempt phase); an upload's source that fails before the plugin hands the
 * request on (it reads the body: the rest will not come; after that the transport decides, and
 * a server that has answered stands); and, in the call phase, its own code running for
 * `timeoutInSeconds` at a stretch: the clock stops while a `next` it called is pending (its
 * attempts have their own timeouts and backoff), and starts afresh when the last one settles;
 * and, in the call phase, the call's end (`callOf`): a run an outer plugin left going stops.
 */
function runBounds(
  name: string,
  base: AbortSignal | undefined,
  timed: boolean,
  { timeoutInSeconds }: { readonly timeoutInSeconds: number },
  bodyFailure: AbortSignal | undefined,
  callOf: MiddlewareContext | undefined,
) {
  const controller = new AbortController();
  const unfollow = followAbort(base, controller);
  const release = callOf === undefined ? undefined : abortAtCallEnd(callOf, controller);
  let pending = 0;
  const clock = stretchClock(name, timed, timeoutInSeconds, controller);
  const failure = abortOnBodyFailure(bodyFailure, controller);
  clock.start();
  return {
    signal: controller.signal,
    timedOut: clock.timedOut,
    during<T>(work: Promise<T>): Promise<T> {
      failure.handOn();
      if (pending++ === 0) clock.clear();
      return work.finally(() => {
        if (--pending === 0 && !controller.signal.aborted) clock.start();
      });
    },
    stop(): void {
      clock.clear();
      unfollow();
      release?.();
      failure.unlisten();
      pending = -1; // nothing restarts the clock once the run is over
    },
  };
}

/**
 * The clock on a call-phase plugin's own code (with `timed`): each `start` gives it
 * `timeoutInSeconds`, after which `controller` aborts with a `CohereTimeoutError`.
 */
function stretchClock(name: string, timed: boolean, timeoutInSeconds: number, controller: AbortController) {
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    timedOut: () => timedOut,
    start(): void {
      if (!timed) return;
      timer = setTimeout(() => {
        timedOut = true;
        const message = `Middleware "${name}" ran for more than ${timeoutInSeconds} s outside next()`;
        controller.abort(new CohereTimeoutError(timeoutInSeconds, message));
      }, timeoutInSeconds * 1000);
    },
    clear(): void {
      clearTimeout(timer);
    },
  };
}

/**
 * Aborts `controller` as an upload's source fails (`bodyFailure`), until the plugin hands the
 * request on (`handOn`). Once it has, the body is the transport's to send: a source that fails
 * after that is the transport's to judge (an answer already in stands).
 */
function abortOnBodyFailure(bodyFailure: AbortSignal | undefined, controller: AbortController) {
  let handedOn = false;
  const onFailure = () => {
    if (!handedOn) controller.abort();
  };
  bodyFailure?.addEventListener("abort", onFailure);
  if (bodyFailure?.aborted) onFailure();
  return {
    handOn(): void {
      handedOn = true;
    },
    unlisten(): void {
      bodyFailure?.removeEventListener("abort", onFailure);
    },
  };
}

const waitsByDesignKey = Symbol.for("cohere-batches.waits-by-design");

/**
 * True for the handle of an SDK plugin whose time outside `next()` is its wait for a slot (the
 * rate limiter's): not bounded by `timeoutInSeconds` (see `waitingHandles` in
 * src/middleware/rate-limit.ts, which fills the set). Never throws: junk under the key is no set.
 */
function waitsByDesign(handle: Middleware): boolean {
  try {
    return WeakSet.prototype.has.call(Reflect.get(globalThis, waitsByDesignKey), handle);
  } catch {
    return false;
  }
}
