import { CohereAbortError } from "../core/errors/abort-error.js";
import { abortNamed } from "../core/errors/call-failure.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { delay } from "../internal/delay.js";
import { type Deadline, startDeadline } from "../internal/deadline.js";
import { signalDeadlines } from "../internal/signal-deadline.js";
import { callUserCallback } from "../internal/user-callback.js";
import { isTransientFailure } from "../middleware/retry-decision.js";
import { DEFAULT_MAX_RETRY_AFTER_IN_SECONDS } from "../middleware/retry-timing.js";

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
  const { pollIntervalInSeconds, timeoutInSeconds, abortSignal, onProgress } = schedule;
  const deadline = schedule.deadline ?? startDeadline(timeoutInSeconds, [abortSignal]);
  const { signal, timedOut, endsAt } = deadline;
  // The polls' signal, marked with the deadline: their retries do not sleep past it (see
  // `signalDeadlines`). A workflow's deadline gets a signal of the wait's own for that, which
  // follows it: its other calls (`run`'s upload, its create) keep their own retry pauses.
  const own = deadline === schedule.deadline ? startDeadline(undefined, [signal]) : undefined;
  const pollSignal = own ? own.signal : signal;
  signalDeadlines.set(pollSignal, endsAt);
  const notDone = (cause: unknown, why = `after ${timeoutInSeconds} s`) =>
    new CohereTimeoutError(
      timeoutInSeconds as number,
      `${target.notDone()} ${why}`,
      cause === undefined ? undefined : { cause },
    );
  let lastFailure: unknown;
  let decided: unknown;
  // The error of a wait ended before its deadline by a server's pause: thrown as it is.
  let early: CohereTimeoutError | undefined;
  try {
    for (;;) {
      let wait = pollIntervalInSeconds;
      try {
        const value = await target.poll(pollSignal);
        // Decided before `onProgress` sees the value: a callback that changes it (a status
        // written for display) cannot decide the wait, or break it.
        let settled: R | undefined;
        try {
          settled = target.settle(value);
        } catch (failure) {
          // The wait's outcome (a failed validation): no abort made after it replaces it.
          decided = failure;
          throw failure;
        } finally {
          // Never throws (a failing callback is reported): what `settle` threw stands. A copy of
          // its fields: the value may be what the wait resolves with, whose status the callback
          // must not change (a terminal batch shown as "done" resolved with that status). Not a
          // deep clone: that overflows the stack on an answer nested thousands deep.
          callUserCallback("onProgress", onProgress, { ...value });
        }
        if (settled !== undefined) return settled;
      } catch (error) {
        if (signal.aborted || !isTransientFailure(error)) throw error;
        lastFailure = error;
        // A server that asked for a longer pause (a 429's Retry-After) gets it, all of it: polled
        // sooner, it answers 429 again. One that would pass the deadline ends the wait now,
        // rather than being polled until then. A wait with no deadline pauses at most 60 s: an
        // ask of days (or a far date) must not put it to sleep for good.
        const asked = ApiError.is(error) ? error.retryAfterInSeconds : undefined;
        if (asked !== undefined && asked > wait) {
          if (Date.now() + asked * 1000 > endsAt) {
            early = notDone(
              error,
              `within ${timeoutInSeconds} s: the server asked for ${asked} s before the next poll`,
            );
            // A workflow's deadline ends with it: the workflow fails as its deadline makes it.
            deadline.expire();
            throw early;
          }
          wait = endsAt === Number.POSITIVE_INFINITY ? Math.min(asked, DEFAULT_MAX_RETRY_AFTER_IN_SECONDS) : asked;
        }
      }
      await delay(wait * 1000, signal);
    }
  } catch (error) {
    if (error === early || error === decided) throw error;
    if (timedOut() && (CohereAbortError.is(error) || CohereTimeoutError.is(error))) throw notDone(lastFailure);
    // The caller's abort, in a poll or between polls, names the wait (a workflow's deadline
    // is the workflow's to name), and so does a poll's transient failure once the caller has
    // aborted (a `shouldRetry` that aborted on a 503, which the wait would have ridden out).
    if (yieldsToAbort(error) && signal.aborted && !timedOut() && schedule.deadline === undefined)
      throw abortNamed(target.name, abortSignal?.reason);
    throw error;
  } finally {
    // A deadline of the workflow's own is the workflow's to end.
    if (deadline !== schedule.deadline) deadline.dispose();
    own?.dispose();
  }
}

/**
 * True for a failure that gives way to the caller's abort once it has fired: an abort, or a
 * transient failure (one a retry, or a wait riding it out, would have gone past: a `shouldRetry`
 * that aborted on a 503). A wait's or a workflow's decided outcome (a failed validation) does not.
 */
export function yieldsToAbort(error: unknown): boolean {
  return CohereAbortError.is(error) || isTransientFailure(error);
}
