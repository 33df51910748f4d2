import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { followAbort } from "./follow-abort.js";

/** A signal that fires on any of the caller's signals or when a deadline passes. */
export interface Deadline {
  /** Fires on the caller's abort (its reason) or on the deadline (a `CohereTimeoutError`). */
  readonly signal: AbortSignal;
  /** True once the deadline (not a caller's signal) fired. */
  readonly timedOut: () => boolean;
  /** When it passes, in `Date.now()` ms; `Infinity` without a timeout. */
  readonly endsAt: number;
  /**
   * Ends it now, as if it had passed: for a wait that cannot finish in time (a server asked for
   * a pause past it), so that the workflow ends as its deadline ends it.
   */
  readonly expire: () => void;
  /** Clears the timer and stops following the caller's signals. */
  readonly dispose: () => void;
}

/**
 * Starts a deadline of `timeoutInSeconds` (none when undefined) linked to `callerSignals`: the
 * one deadline of the waits and of `run`, so that each workflow need not wire a timer and abort
 * links of its own.
 */
export function startDeadline(
  timeoutInSeconds: number | undefined,
  callerSignals: readonly (AbortSignal | undefined)[],
): Deadline {
  const controller = new AbortController();
  const unlinks = callerSignals.map((signal) => followAbort(signal, controller));
  let timedOut = false;
  const timer =
    timeoutInSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new CohereTimeoutError(timeoutInSeconds));
        }, timeoutInSeconds * 1000);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    endsAt: timeoutInSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutInSeconds * 1000,
    expire: () => {
      if (controller.signal.aborted || timeoutInSeconds === undefined) return;
      timedOut = true;
      clearTimeout(timer);
      controller.abort(new CohereTimeoutError(timeoutInSeconds));
    },
    dispose: () => {
      clearTimeout(timer);
      for (const unlink of unlinks) unlink();
    },
  };
}

/**
 * Runs `call` with `options` whose abort signal also fires on `extra` (the signal of an iterator
 * closed while it opens), for as long as `call` runs; with `options` as they are without one.
 * `options` are the call's resolved ones (`ApiClient.resolveOptions`): a plain object, checked,
 * so a copy runs no caller code and drops nothing they inherited.
 */
export async function withSignalAlso<O extends { readonly abortSignal?: AbortSignal | undefined }, T>(
  options: O | undefined,
  extra: AbortSignal | undefined,
  call: (options: O | undefined) => Promise<T>,
): Promise<T> {
  if (extra === undefined) return call(options);
  const both = startDeadline(undefined, [options?.abortSignal, extra]);
  try {
    return await call({ ...options, abortSignal: both.signal } as O);
  } finally {
    both.dispose();
  }
}
