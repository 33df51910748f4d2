import { CohereAbortError } from "../core/errors/abort-error.js";
import { abortNamed } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { type Deadline, startDeadline } from "../internal/deadline.js";
import { yieldsToAbort } from "./yields-to-abort.js";

/** One deadline and one abort for a whole workflow: every call and wait of it gets `signal`. */
export interface RunScope {
  readonly signal: AbortSignal;
  /** The run's deadline: its waits end with it (see `WaitSchedule.deadline`). */
  readonly deadline: Deadline;
  /** True when the caller's abort (not the deadline) ended the run. */
  readonly abortedByCaller: () => boolean;
  /**
   * The error the run ends with: the deadline's `CohereTimeoutError` when it passed (naming the
   * batch the deadline leaves running, if there is one), the caller's abort named as the run's
   * (with the batch it leaves, or that `cancelling` says is being cancelled), else `error`.
   */
  failure(error: unknown, phase: string, batchId?: string, cancelling?: boolean): unknown;
  dispose(): void;
}

/** Starts the scope: `signal` fires on any of `callerSignals` or when `timeoutInSeconds` pass. */
export function startRunScope(
  timeoutInSeconds: number | undefined,
  callerSignals: readonly (AbortSignal | undefined)[],
): RunScope {
  const deadline = startDeadline(timeoutInSeconds, callerSignals);
  return {
    signal: deadline.signal,
    deadline,
    abortedByCaller: () => deadline.signal.aborted && !deadline.timedOut(),
    failure(error, phase, batchId, cancelling = false) {
      if (deadline.timedOut() && (CohereAbortError.is(error) || CohereTimeoutError.is(error) || !CohereError.is(error)))
        return new CohereTimeoutError(
          timeoutInSeconds as number,
          `run: not done within ${timeoutInSeconds} s (${phase}${batchId === undefined ? "" : `; batch ${batchId} goes on`})`,
          {
            cause: error,
          },
        );
      // The caller's abort names the run, also where a transient failure ended a phase after it
      // (a create's 503 that `shouldRetry` aborted on); an outcome (a failed validation) stands.
      if (yieldsToAbort(error) && deadline.signal.aborted && !deadline.timedOut()) {
        const left = batchId === undefined ? "" : `; batch ${batchId} ${cancelling ? "is being cancelled" : "goes on"}`;
        return abortNamed("run", callerSignals.find((signal) => signal?.aborted)?.reason, `${phase}${left}`);
      }
      return error;
    },
    dispose: deadline.dispose,
  };
}
