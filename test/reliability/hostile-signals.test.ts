// A caller's abortSignal that passes the SDK's check and misbehaves later (a Proxy of a real
// signal whose getters start throwing, a `reason` that throws as it fires): every operation
// still ends with a typed error or its result, and nothing throws where no one can catch it.
import { describe, expect, it } from "vitest";
import { CohereAbortError, CohereError } from "../../src/index.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

/**
 * A Proxy of a real signal whose `aborted` and `reason` answer `reads` times, then throw; its
 * methods work on the real one.
 */
function signalThatBreaksAfter(reads: number, controller = new AbortController()): AbortSignal {
  let count = 0;
  return new Proxy(controller.signal, {
    get(target, key) {
      if (key === "aborted" || key === "reason") {
        if (++count > reads) throw new Error(`read ${count} refused`);
        return target[key];
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const operations: [string, (abortSignal: AbortSignal) => Promise<unknown>][] = [
  ["batches.list", (abortSignal) => env.client().batches.list({}, { abortSignal })],
  ["batches.retrieve", (abortSignal) => env.client().batches.retrieve("b-none", { abortSignal })],
  ["batches.listAll", (abortSignal) => collect(env.client().batches.listAll({}, { abortSignal }))],
  [
    "datasets.create",
    (abortSignal) =>
      env.client().datasets.create({ name: "d", type: "embed-input", data: [{ text: "a" }] }, { abortSignal }),
  ],
  [
    "datasets.waitUntilValidated",
    async (abortSignal) => {
      const { id } = await env.client().datasets.create({ name: "d", type: "embed-input", data: [{ text: "a" }] });
      const onProgress = () => env.clock.advance(60_000);
      return env.client().datasets.waitUntilValidated(id, { abortSignal, pollIntervalInSeconds: 0.001, onProgress });
    },
  ],
  [
    "batches.run",
    (abortSignal) =>
      env.client().batches.run(
        {
          name: "r",
          model: "embed-v4.0",
          type: "batch-embed-v2-input",
          requests: embedRequests(2),
          pollIntervalInSeconds: 0.001,
          onProgress: () => env.clock.advance(600_000),
        },
        { abortSignal },
      ),
  ],
];

describe("a caller's signal that breaks after the SDK checked it (API.md 7a)", () => {
  it.each(operations)("%s ends typed, whichever read throws first", async (_, operation) => {
    const outcomes = new Set<string>();
    for (let reads = 1; reads <= 12; reads++) {
      const error = await operation(signalThatBreaksAfter(reads)).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) continue;
      // Not a raw Error from the getter: a CohereError (the call's own failure, a 404 for the
      // made-up id, or the abort that an unreadable signal amounts to).
      expect(CohereError.is(error), String(error)).toBe(true);
      outcomes.add((error as Error).name);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it("a signal whose aborted throws on its second read aborts the call, saying why", async () => {
    const error = await env
      .client()
      .batches.list({}, { abortSignal: signalThatBreaksAfter(1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect(String((error as CohereAbortError).cause)).toMatch(
      /Invalid request options: abortSignal could not be read \(read 2 refused\)/,
    );
    expect(env.fake.count("list")).toBe(0);
  });

  it("a reason that throws as the signal fires: the call ends as an abort, no uncaught exception", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const controller = new AbortController();
      let armed = false;
      const abortSignal = new Proxy(controller.signal, {
        get(target, key) {
          if (key === "reason" && armed) throw new Error("reason refused");
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      env.fake.inject("list", { type: "delay", ms: 2_000 });
      const call = env.client().batches.list({}, { abortSignal });
      setTimeout(() => {
        armed = true;
        controller.abort();
      }, 30);
      const started = performance.now();
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereAbortError);
      expect(String((error as CohereAbortError).cause)).toMatch(/abortSignal could not be read \(reason refused\)/);
      expect(performance.now() - started).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("a look-alike aborted without telling its listeners ends the next call before it is sent", async () => {
    // Followed through one signal of the SDK's per caller's signal: that one was made at the first
    // call and looked at the look-alike's `aborted` then only, so the second call went out.
    const lookAlike = { aborted: false, reason: "stop", addEventListener() {}, removeEventListener() {} };
    const client = env.client();
    await client.batches.list({}, { abortSignal: lookAlike as unknown as AbortSignal });
    lookAlike.aborted = true;
    const error = await client.batches
      .list({}, { abortSignal: lookAlike as unknown as AbortSignal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as CohereAbortError).cause).toBe("stop");
    expect(env.fake.count("list")).toBe(1);
  });

  it("this realm's own signal is used as it is (a plugin sees the caller's signal)", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const client = env.client();
    client.use({
      name: "look",
      attempt: (request, next, context) => {
        seen = context.signal;
        return next(request);
      },
    });
    await client.batches.list({}, { abortSignal: controller.signal });
    expect(seen).toBe(controller.signal);
    // A field of the user's own on it (not one the SDK reads) changes nothing.
    Object.assign(controller.signal, { traceId: "t-1" });
    await client.batches.list({}, { abortSignal: controller.signal });
    expect(seen).toBe(controller.signal);
  });
});
