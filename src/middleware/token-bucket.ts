import { abortAtCallEnd, callEndWatched } from "../core/call-end.js";
import { delay } from "../internal/delay.js";
import { CohereAbortError } from "../core/errors/abort-error.js";
import type { MiddlewareContext } from "../core/middleware.js";

interface Waiter {
  go: () => void;
  fail: (error: unknown) => void;
}

/** A place in line: going or failing, it first lets go of what it watched (`settled`). */
function waiterFor(resolve: () => void, reject: (error: unknown) => void, settled: () => void): Waiter {
  return {
    go: () => {
      settled();
      resolve();
    },
    fail: (error: unknown) => {
      settled();
      reject(error);
    },
  };
}

/** The rate limiter's slots: a token bucket, and the calls waiting in line for its tokens. */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMillisecond: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  // The calls waiting for a slot, in arrival order, and the pump that lets them go as slots come.
  // A waiter takes its slot when it goes, not when it arrives: one that is aborted leaves the
  // line, and those behind it move up to the times it would have gone at. (Slots fixed on
  // arrival, with the slot given back on an abort, let two calls go at once past `burst`.)
  // A Set keeps arrival order and lets an aborted waiter out at once (an array's `indexOf` and
  // `splice` made aborting 100,000 waiters take 5 s).
  readonly #line = new Set<Waiter>();
  #pumping: AbortController | undefined;

  /** Full, `capacity` tokens, refilled at `perMinute`; `now` is read at once. */
  constructor(perMinute: number, capacity: number, now: () => number) {
    this.#capacity = capacity;
    this.#now = now;
    this.#perMillisecond = perMinute / 60_000;
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  /** Takes a slot now, if one is free and no call waits for one. */
  take(): boolean {
    this.#refill();
    if (this.#line.size === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }

  /**
   * Waits in line for a slot, until the caller's abort (`CohereAbortError`) or the call's end too,
   * where plugins run (an outer plugin may answer while its call waits here): the waiter leaves
   * the line then, as on the caller's abort, and takes no slot. Not for a call ended already
   * (the handle refuses it at once, before `take`).
   */
  waitForSlot(signal: AbortSignal | undefined, context: MiddlewareContext): Promise<void> {
    return new Promise((resolve, reject) => {
      const ending = callEndWatched(context) ? new AbortController() : undefined;
      const end = ending?.signal;
      const release = ending === undefined ? undefined : abortAtCallEnd(context, ending);
      const settled = () => {
        signal?.removeEventListener("abort", onAbort);
        end?.removeEventListener("abort", onAbort);
        release?.();
      };
      const waiter = waiterFor(resolve, reject, settled);
      const onAbort = () => {
        this.#leave(waiter);
        settled();
        reject(signal?.aborted || !end?.aborted ? new CohereAbortError(signal?.reason) : end.reason);
      };
      this.#line.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      end?.addEventListener("abort", onAbort, { once: true });
      this.#startPump();
    });
  }

  #refill(): void {
    const time = this.#now();
    // A clock set back (`Date.now` after a sync) refills nothing for that step, and the refill
    // goes on from the new time: counted backwards, the step took back the slots of the time it
    // went back; held at the later time, nothing was refilled until the clock caught up.
    if (time > this.#updatedAt)
      this.#tokens = Math.min(this.#capacity, this.#tokens + (time - this.#updatedAt) * this.#perMillisecond);
    this.#updatedAt = time;
  }

  #leave(waiter: Waiter): void {
    this.#line.delete(waiter);
    // The pump is let go at once, not when it notices: a call that arrives in the same tick
    // starts a pump of its own (it found the old one set, and waited with none).
    if (this.#line.size === 0) {
      this.#pumping?.abort();
      this.#pumping = undefined;
    }
  }

  #startPump(): void {
    if (this.#pumping === undefined) {
      this.#pumping = new AbortController();
      void this.#pump(this.#pumping.signal);
    }
  }

  async #pump(stop: AbortSignal): Promise<void> {
    try {
      for (;;) {
        this.#refill();
        this.#letGo();
        if (this.#line.size === 0) return;
        await delay((1 - this.#tokens) / this.#perMillisecond, stop);
      }
    } catch (error) {
      // Stopped when the line emptied by aborts; else a clock gone bad, which every waiter gets.
      if (!stop.aborted) {
        const waiting = [...this.#line];
        this.#line.clear();
        for (const waiter of waiting) waiter.fail(error);
      }
    } finally {
      if (this.#pumping?.signal === stop) this.#pumping = undefined;
    }
  }

  /** Lets the waiters at the head of the line go, one per whole token. */
  #letGo(): void {
    for (const waiter of this.#line) {
      if (this.#tokens < 1) break;
      this.#tokens -= 1;
      this.#line.delete(waiter);
      waiter.go();
    }
  }
}
