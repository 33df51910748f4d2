import type { Deadline } from "../internal/deadline.js";
import { delay } from "../internal/delay.js";
import { PollingWait } from "./polling-wait.js";

/** One thing to wait for: how to poll it, and when it is done. */
export interface WaitTarget<T, R = T> {
  /** The method waiting, for the message of the caller's abort: `"waitUntilDone"`. */
  readonly name: string;
  /**
   * For the timeout message: `"batch b-1 was not done"`. Made only when the wait times out: its
   * id may hold an echoed token, which costs to clean, and no wait that ends otherwise needs it.
   */
  notDone(): string;
  /** One poll; `signal` ends it on the wait's deadline or the caller's abort. */
  poll(signal: AbortSignal): Promise<T>;
  /**
   * The result once done (the value, its type narrowed); `undefined` to poll again. May throw to
   * end the wait (a failed validation).
   */
  settle(value: T): R | undefined;
}

/** How to wait (the options of `waitUntilDone` and the other waits), already checked. */
export interface WaitSchedule<T> {
  readonly pollIntervalInSeconds: number;
  readonly timeoutInSeconds?: number | undefined;
  readonly abortSignal?: AbortSignal | undefined;
  readonly onProgress?: ((value: T) => unknown) | undefined;
  /**
   * A deadline of a larger workflow's (`run`'s), used instead of one of the wait's own; then
   * `timeoutInSeconds` is that deadline's, for the messages, and `abortSignal` is unused.
   */
  readonly deadline?: Deadline | undefined;
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
 * - a failed poll whose server asked for a longer pause (`Retry-After`) waits that long (with
 *   no deadline, at most 60 s); a pause past the deadline ends the wait, and the deadline, at
 *   once, with `CohereTimeoutError`;
 * - `onProgress` sees every polled value, after the wait has decided on it, and cannot fail
 *   or steer the wait (see `callUserCallback`).
 */
export async function waitFor<T, R = T>(target: WaitTarget<T, R>, schedule: WaitSchedule<T>): Promise<R> {
  const polling = new PollingWait(target, schedule);
  try {
    for (;;) {
      let wait = polling.interval;
      try {
        const value = await target.poll(polling.pollSignal);
        const settled = polling.settle(value);
        if (settled !== undefined) return settled;
      } catch (error) {
        wait = polling.pauseAfter(error, wait);
      }
      await delay(wait * 1000, polling.signal);
    }
  } catch (error) {
    throw polling.failure(error);
  } finally {
    polling.dispose();
  }
}
