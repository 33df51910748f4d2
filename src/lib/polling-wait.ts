import { CohereAbortError } from "../core/errors/abort-error.js";
import { abortNamed } from "../core/errors/call-failure.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import { type Deadline, startDeadline } from "../internal/deadline.js";
import { signalDeadlines, signalFailures } from "../internal/signal-deadline.js";
import { describeThrownValue } from "../internal/thrown-text.js";
import { callUserCallback } from "../internal/user-callback.js";
import { isTransientFailure } from "../middleware/retry-decision.js";
import { DEFAULT_MAX_RETRY_AFTER_IN_SECONDS } from "../middleware/retry-timing.js";
import type { WaitSchedule, WaitTarget } from "./waiter.js";
import { yieldsToAbort } from "./yields-to-abort.js";

/**
 * One wait of `waitFor` under way: its deadline and its polls' signal, what a polled value or a
 * failed poll does to it, and the error it ends with.
 */
export class PollingWait<T, R> {
  /** The pause between polls, in seconds, when the server asks for none longer. */
  readonly interval: number;
  /** The deadline's: the caller's abort or the deadline ends the pause between polls. */
  readonly signal: AbortSignal;
  /** The signal each poll is made with, marked with the deadline. */
  readonly pollSignal: AbortSignal;
  readonly #target: WaitTarget<T, R>;
  readonly #schedule: WaitSchedule<T>;
  readonly #timeoutInSeconds: number | undefined;
  readonly #abortSignal: AbortSignal | undefined;
  readonly #onProgress: ((value: T) => unknown) | undefined;
  readonly #deadline: Deadline;
  readonly #timedOut: () => boolean;
  readonly #endsAt: number;
  readonly #own: Deadline | undefined;
  #decided: unknown;
  // The error of a wait ended before its deadline by a server's pause: thrown as it is.
  #early: CohereTimeoutError | undefined;

  constructor(target: WaitTarget<T, R>, schedule: WaitSchedule<T>) {
    const { pollIntervalInSeconds, timeoutInSeconds, abortSignal, onProgress } = schedule;
    this.#target = target;
    this.#schedule = schedule;
    this.interval = pollIntervalInSeconds;
    this.#timeoutInSeconds = timeoutInSeconds;
    this.#abortSignal = abortSignal;
    this.#onProgress = onProgress;
    const deadline = schedule.deadline ?? startDeadline(timeoutInSeconds, [abortSignal]);
    const { signal, timedOut, endsAt } = deadline;
    this.#deadline = deadline;
    this.signal = signal;
    this.#timedOut = timedOut;
    this.#endsAt = endsAt;
    // The polls' signal, marked with the deadline: their retries do not sleep past it (see
    // `signalDeadlines`). A workflow's deadline gets a signal of the wait's own for that, which
    // follows it: its other calls (`run`'s upload, its create) keep their own retry pauses.
    this.#own = deadline === schedule.deadline ? startDeadline(undefined, [signal]) : undefined;
    this.pollSignal = this.#own ? this.#own.signal : signal;
    signalDeadlines.set(this.pollSignal, endsAt);
  }

  /** What the wait resolves with once `value` is done; `undefined` to poll again. */
  settle(value: T): R | undefined {
    // Decided before `onProgress` sees the value: a callback that changes it (a status
    // written for display) cannot decide the wait, or break it.
    try {
      return this.#target.settle(value);
    } catch (failure) {
      // The wait's outcome (a failed validation): no abort made after it replaces it, and it is
      // not a poll's failure to ride out, however it looks (a 503). What is not the SDK's (a
      // status reader that threw a TypeError) is typed, with it as the cause.
      this.#decided = CohereError.is(failure)
        ? failure
        : new CohereError(
            `${this.#target.name}: the polled answer could not be read: ${describeThrownValue(failure)}`,
            { cause: failure },
          );
      throw this.#decided;
    } finally {
      // Never throws (a failing callback is reported): what `settle` threw stands. A copy of
      // its fields: the value may be what the wait resolves with, whose status the callback
      // must not change (a terminal batch shown as "done" resolved with that status). Not a
      // deep clone: that overflows the stack on an answer nested thousands deep.
      callUserCallback("onProgress", this.#onProgress, { ...value });
    }
  }

  /** The pause, in seconds, before the poll after the one that failed with `error`; or throws it. */
  pauseAfter(error: unknown, wait: number): number {
    if (this.signal.aborted || error === this.#decided || !isTransientFailure(error)) throw error;
    // The wait's last failure, with those the polls' retries met (see `signalFailures`).
    signalFailures.set(this.pollSignal, error);
    // A server that asked for a longer pause (a 429's Retry-After) gets it, all of it: polled
    // sooner, it answers 429 again. One that would pass the deadline ends the wait now,
    // rather than being polled until then. A wait with no deadline pauses at most 60 s: an
    // ask of days (or a far date) must not put it to sleep for good.
    const asked = ApiError.is(error) ? error.retryAfterInSeconds : undefined;
    if (asked !== undefined && asked > wait) {
      if (Date.now() + asked * 1000 > this.#endsAt) {
        const why = `within ${this.#timeoutInSeconds} s: the server asked for ${asked} s before the next poll`;
        this.#early = this.#notDone(error, why);
        // A workflow's deadline ends with it: the workflow fails as its deadline makes it.
        this.#deadline.expire();
        throw this.#early;
      }
      return this.#endsAt === Number.POSITIVE_INFINITY ? Math.min(asked, DEFAULT_MAX_RETRY_AFTER_IN_SECONDS) : asked;
    }
    return wait;
  }

  /** The error the wait ends with, once `error` ended its loop. */
  failure(error: unknown): unknown {
    if (error === this.#early || error === this.#decided) return error;
    if (this.#timedOut() && (CohereAbortError.is(error) || CohereTimeoutError.is(error)))
      return this.#notDone(signalFailures.get(this.pollSignal));
    // The caller's abort, in a poll or between polls, names the wait (a workflow's deadline
    // is the workflow's to name), and so does a poll's transient failure once the caller has
    // aborted (a `shouldRetry` that aborted on a 503, which the wait would have ridden out).
    if (yieldsToAbort(error) && this.signal.aborted && !this.#timedOut() && this.#schedule.deadline === undefined)
      return abortNamed(this.#target.name, this.#abortSignal?.reason);
    return error;
  }

  dispose(): void {
    // A deadline of the workflow's own is the workflow's to end.
    if (this.#deadline !== this.#schedule.deadline) this.#deadline.dispose();
    this.#own?.dispose();
  }

  #notDone(cause: unknown, why = `after ${this.#timeoutInSeconds} s`): CohereTimeoutError {
    return new CohereTimeoutError(
      this.#timeoutInSeconds as number,
      `${this.#target.notDone()} ${why}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
