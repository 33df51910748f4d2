import { CohereAbortError } from "../core/errors/abort-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { followAbort } from "../internal/follow-abort.js";

/** One deadline and one abort for a whole workflow: every call and wait of it gets `signal`. */
export interface RunScope {
  readonly signal: AbortSignal;
  /** True when the caller's abort (not the deadline) ended the run. */
  readonly abortedByCaller: () => boolean;
  /** The error the run ends with: the deadline's `CohereTimeoutError` when it passed, else `error`. */
  failure(error: unknown, phase: string): unknown;
  dispose(): void;
}

/** Starts the scope: `signal` fires on any of `callerSignals` or when `timeoutInSeconds` pass. */
export function startRunScope(
  timeoutInSeconds: number | undefined,
  callerSignals: readonly (AbortSignal | undefined)[],
): RunScope {
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
    abortedByCaller: () => controller.signal.aborted && !timedOut,
    failure(error, phase) {
      if (
        timedOut &&
        (error instanceof CohereAbortError || error instanceof CohereTimeoutError || !CohereError.is(error))
      )
        return new CohereTimeoutError(
          timeoutInSeconds as number,
          `run: not done after ${timeoutInSeconds} s (${phase})`,
          {
            cause: error,
          },
        );
      return error;
    },
    dispose() {
      clearTimeout(timer);
      for (const unlink of unlinks) unlink();
    },
  };
}
