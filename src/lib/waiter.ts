import { CohereAbortError } from "../core/errors/abort-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { delay } from "../internal/delay.js";
import { startDeadline } from "../internal/deadline.js";
import { callUserCallback } from "../internal/user-callback.js";
import { isTransientFailure } from "../middleware/retry-decision.js";

/** One thing to wait for: how to poll it, and when it is done. */
export interface WaitTarget<T> {
  /** For the timeout message: `"batch b-1 was not done"`. */
  readonly notDone: string;
  /** One poll; `signal` ends it on the wait's deadline or the caller's abort. */
  poll(signal: AbortSignal): Promise<T>;
  /** The result once done; `undefined` to poll again. May throw to end the wait (a failed validation). */
  settle(value: T): T | undefined;
}

/** How to wait (the options of `waitUntilDone` and the other waits), already checked. */
export interface WaitSchedule<T> {
  readonly pollIntervalInSeconds: number;
  readonly timeoutInSeconds?: number | undefined;
  readonly abortSignal?: AbortSignal | undefined;
  readonly onProgress?: ((value: T) => unknown) | undefined;
}

/**
 * Polls `target` until it settles. The one waiter of the SDK (`waitUntilDone`, and every other
 * wait), so that the deadline, the abort and the transient failures are handled in one place:
 *
 * - the deadline (`timeoutInSeconds`) and the caller's abort end the poll in flight and the
 *   sleep between polls, with `CohereTimeoutError` or `CohereAbortError`;
 * - a poll that fails transiently, after its own retries (a 503 burst, a dropped connection),
 *   does not end the wait: it polls again until its deadline, and the last such failure is the
 *   `cause` of the `CohereTimeoutError`;
 * - `onProgress` sees every polled value and cannot fail the wait (see `callUserCallback`).
 */
export async function waitFor<T>(target: WaitTarget<T>, schedule: WaitSchedule<T>): Promise<T> {
  const { pollIntervalInSeconds, timeoutInSeconds, abortSignal, onProgress } = schedule;
  const { signal, timedOut, dispose } = startDeadline(timeoutInSeconds, [abortSignal]);
  let lastFailure: unknown;
  try {
    for (;;) {
      try {
        const value = await target.poll(signal);
        callUserCallback("onProgress", onProgress, value);
        const settled = target.settle(value);
        if (settled !== undefined) return settled;
      } catch (error) {
        if (signal.aborted || !isTransientFailure(error)) throw error;
        lastFailure = error;
      }
      await delay(pollIntervalInSeconds * 1000, signal);
    }
  } catch (error) {
    if (timedOut() && (CohereAbortError.is(error) || CohereTimeoutError.is(error)))
      throw new CohereTimeoutError(
        timeoutInSeconds as number,
        `${target.notDone} after ${timeoutInSeconds} s`,
        lastFailure === undefined ? undefined : { cause: lastFailure },
      );
    throw error;
  } finally {
    dispose();
  }
}
