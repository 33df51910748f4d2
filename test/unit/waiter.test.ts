// The one waiter (waitUntilDone, waitUntilValidated, run's waits), on a fake clock: how long it
// pauses after a server asked for a pause, and when it ends at once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, CohereError, CohereTimeoutError } from "../../src/index.js";
import { startDeadline } from "../../src/internal/deadline.js";
import { waitFor } from "../../src/lib/waiter.js";

const rateLimited = (retryAfterInSeconds: number) =>
  new ApiError({ status: 429, body: "", headers: new Headers(), requestId: undefined, retryAfterInSeconds });

/** A target whose first poll fails with `first`, and every later poll answers "done". */
function target(first: unknown) {
  const polls: number[] = [];
  return {
    polls,
    target: {
      name: "test",
      notDone: () => "test: not done",
      poll: async () => {
        polls.push(Date.now());
        if (polls.length === 1) throw first;
        return "done";
      },
      settle: (value: string) => value,
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("waitFor after a server asked for a pause (Retry-After)", () => {
  it.each([
    [5, 5_000],
    [3_600, 60_000],
    [Number.POSITIVE_INFINITY, 60_000],
  ])("asked %s s with no deadline: polls again after %s ms, never later", async (asked, pause) => {
    const { polls, target: waited } = target(rateLimited(asked));
    const done = waitFor(waited, { pollIntervalInSeconds: 1 });
    await vi.advanceTimersByTimeAsync(pause - 1);
    expect(polls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toBe("done");
    expect(polls).toEqual([0, pause]);
  });

  it("asked 120 s within a deadline of an hour: polls again after all 120 s, not after 60", async () => {
    // It was held to 60 s, and polled inside the server's window.
    const { polls, target: waited } = target(rateLimited(120));
    const done = waitFor(waited, { pollIntervalInSeconds: 1, timeoutInSeconds: 3_600 });
    await vi.advanceTimersByTimeAsync(119_999);
    expect(polls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toBe("done");
    expect(polls).toEqual([0, 120_000]);
  });

  it("asked less than the poll interval: the interval stands", async () => {
    const { polls, target: waited } = target(rateLimited(0.5));
    const done = waitFor(waited, { pollIntervalInSeconds: 2 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await done).toBe("done");
    expect(polls).toEqual([0, 2_000]);
  });

  it("a pause past a workflow's deadline ends the wait, and the deadline, at once", async () => {
    const deadline = startDeadline(30, []);
    try {
      const { polls, target: waited } = target(rateLimited(45));
      const error = await waitFor(waited, { pollIntervalInSeconds: 1, deadline, timeoutInSeconds: 30 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CohereTimeoutError);
      expect((error as Error).message).toBe(
        "test: not done within 30 s: the server asked for 45 s before the next poll",
      );
      expect((error as Error).cause).toBeInstanceOf(ApiError);
      expect(polls).toEqual([0]);
      // The workflow's deadline ends with the wait, as if it had passed: the workflow fails as
      // its deadline makes it fail (run: "not done within 30 s (phase)").
      expect(deadline.timedOut()).toBe(true);
      expect(deadline.signal.reason).toBeInstanceOf(CohereTimeoutError);
    } finally {
      deadline.dispose();
    }
  });

  it("a deadline that passes in the poll after the pause: CohereTimeoutError whose cause is the server's answer", async () => {
    const polls: number[] = [];
    const waited = {
      name: "test",
      notDone: () => "test: not done",
      poll: (signal: AbortSignal) => {
        polls.push(Date.now());
        if (polls.length === 1) return Promise.reject(rateLimited(4));
        // The second poll hangs until the deadline aborts it.
        return new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
      settle: (value: string) => value,
    };
    const done = waitFor(waited, { pollIntervalInSeconds: 1, timeoutInSeconds: 5 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await done;
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe("test: not done after 5 s");
    expect(((error as Error).cause as ApiError).status).toBe(429);
    expect(polls).toEqual([0, 4_000]);
  });
});

describe("waitFor when the step that settles it throws", () => {
  /** A target whose every poll answers "x", and whose `settle` throws `thrown`. */
  function throwingSettle(thrown: unknown) {
    const polls: number[] = [];
    return {
      polls,
      target: {
        name: "test",
        notDone: () => "test: not done",
        poll: async () => {
          polls.push(Date.now());
          return "x";
        },
        settle: (): string => {
          throw thrown;
        },
      },
    };
  }

  it("a failure that looks transient (a 503) is the wait's outcome: it ends the wait at once, not ridden out as a poll's", async () => {
    // It was taken for a failed poll: polled again until the deadline, which then named it the cause.
    const unavailable = new ApiError({ status: 503, body: "", headers: new Headers(), requestId: undefined });
    const { polls, target: waited } = throwingSettle(unavailable);
    const done = waitFor(waited, { pollIntervalInSeconds: 1, timeoutInSeconds: 10 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await done).toBe(unavailable);
    expect(polls).toEqual([0]);
  });

  it("what is not a CohereError (a status reader that throws a TypeError) ends the wait typed, with it as the cause", async () => {
    const broken = new TypeError("Cannot read properties of undefined (reading 'status')");
    const { polls, target: waited } = throwingSettle(broken);
    const error = await waitFor(waited, { pollIntervalInSeconds: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toBe(
      "test: the polled answer could not be read: Cannot read properties of undefined (reading 'status')",
    );
    expect((error as Error).cause).toBe(broken);
    expect(polls).toEqual([0]);
  });
});
