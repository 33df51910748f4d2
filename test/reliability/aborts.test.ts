import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CohereAbortError } from "../../src/index.js";
import { startIsolatedFake } from "../helpers/isolated-fake.js";

/** Aborts `controller` after `ms`, and returns how long the call took from then. */
async function abortAfter(ms: number, run: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  const reason = new Error("caller gave up");
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort(reason);
  }, ms);
  const error = await run(controller.signal).catch((e: unknown) => e);
  return { error, reason, lag: performance.now() - abortedAt };
}

describe.concurrent("an abort ends the call at once, in every phase", () => {
  it("before sending: nothing is sent", async () => {
    const fixture = await startIsolatedFake();
    try {
      const error = await fixture
        .client()
        .batches.list({}, { abortSignal: AbortSignal.abort("early") })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereAbortError);
      expect((error as CohereAbortError).cause).toBe("early");
      expect(fixture.fake.requests).toHaveLength(0);
    } finally {
      await fixture.close();
    }
  });

  const phases: [
    string,
    (fixture: Awaited<ReturnType<typeof startIsolatedFake>>, signal: AbortSignal) => Promise<unknown>,
  ][] = [
    [
      "waiting for headers",
      (f, signal) => {
        f.fake.inject("list", { type: "delay", ms: 10_000 });
        return f.client().batches.list({}, { abortSignal: signal });
      },
    ],
    [
      "reading the body",
      (f, signal) => {
        f.fake.inject("list", { type: "stall-body" });
        return f.client().batches.list({}, { abortSignal: signal });
      },
    ],
    [
      "between attempts",
      (f, signal) => {
        f.fake.inject("list", { type: "status", status: 503, retryAfter: "30" });
        return f.client().batches.list({}, { abortSignal: signal });
      },
    ],
    [
      "inside waitUntilDone, between polls",
      async (f, signal) => {
        const { batch } = await f.client().batches.create({ name: "w", input_dataset_id: "ds", model: "m" });
        return f.client().batches.waitUntilDone(batch.id!, { pollIntervalInSeconds: 30, abortSignal: signal });
      },
    ],
    [
      "inside waitUntilDone, during a poll",
      async (f, signal) => {
        const { batch } = await f.client().batches.create({ name: "w", input_dataset_id: "ds", model: "m" });
        f.fake.inject("retrieve", { type: "delay", ms: 10_000 });
        return f.client().batches.waitUntilDone(batch.id!, { abortSignal: signal });
      },
    ],
    [
      "inside listAll, fetching the second page",
      async (f, signal) => {
        f.fake.addBatches(20);
        const client = f.client();
        const seen: string[] = [];
        for await (const batch of client.batches.listAll({ page_size: 10 }, { abortSignal: signal })) {
          seen.push(batch.id!);
          if (seen.length === 10) f.fake.inject("list", { type: "delay", ms: 10_000 });
        }
        return seen;
      },
    ],
  ];

  it.each(phases)("%s", async (_phase, run) => {
    const fixture = await startIsolatedFake();
    try {
      const { error, reason, lag } = await abortAfter(100, (signal) => run(fixture, signal));
      expect(error).toBeInstanceOf(CohereAbortError);
      expect((error as CohereAbortError).cause).toBe(reason);
      expect(lag).toBeLessThan(250);
    } finally {
      await fixture.close();
    }
  });
});

/** Walks `listAll` (pages of 10) on `controller`'s signal, calling `onBatch` with the count so far. */
async function walkAborting(
  fixture: Awaited<ReturnType<typeof startIsolatedFake>>,
  controller: AbortController,
  onBatch: (count: number) => void,
) {
  const seen: string[] = [];
  const error = await (async () => {
    for await (const batch of fixture.client().batches.listAll({ page_size: 10 }, { abortSignal: controller.signal })) {
      seen.push(batch.id!);
      onBatch(seen.length);
    }
  })().catch((e: unknown) => e);
  return { seen, error };
}

describe("an abort made between the SDK's own steps ends the call as an abort", () => {
  it("listAll: a loop that aborts after its first batch gets no more of the page (999 came before)", async () => {
    const fixture = await startIsolatedFake();
    try {
      fixture.fake.addBatches(10);
      const controller = new AbortController();
      const reason = new Error("enough");
      const { seen, error } = await walkAborting(fixture, controller, () => controller.abort(reason));
      expect(seen).toHaveLength(1);
      expect(error).toBeInstanceOf(CohereAbortError);
      expect((error as CohereAbortError).cause).toBe(reason);
      expect((error as Error).message).toMatch(/^listAll: /);
      expect(fixture.fake.count("list")).toBe(1);
    } finally {
      await fixture.close();
    }
  });

  it("listAll: an abort at a page's last batch is the walk's, and the next page is not asked for", async () => {
    const fixture = await startIsolatedFake();
    try {
      fixture.fake.addBatches(20);
      const controller = new AbortController();
      const { seen, error } = await walkAborting(fixture, controller, (count) => {
        if (count === 10) controller.abort("enough");
      });
      expect(seen).toHaveLength(10);
      expect(error).toBeInstanceOf(CohereAbortError);
      // It was named by the next page's request: "batches.list (GET /v2/batches): ...".
      expect((error as Error).message).toMatch(/^listAll: /);
      expect(fixture.fake.count("list")).toBe(1);
    } finally {
      await fixture.close();
    }
  });

  // A `shouldRetry` that aborts (a user's "stop everything on the first 503") and answers
  // false, true or nothing: the call ends as an abort, not as the 503 (a wait rides out a 503).
  const aborting = (controller: AbortController, reason: unknown, answer: boolean | undefined) => () => {
    controller.abort(reason);
    return answer;
  };

  it.each([false, true, undefined])(
    "a shouldRetry that aborts on a 503 and answers %s: retrieve and waitUntilDone end as aborts",
    async (answer) => {
      const fixture = await startIsolatedFake();
      try {
        const { batch } = await fixture.client().batches.create({ name: "w", input_dataset_id: "ds", model: "m" });
        for (const call of ["retrieve", "waitUntilDone"] as const) {
          fixture.fake.inject("retrieve", { type: "status", status: 503 });
          const controller = new AbortController();
          const reason = new Error(`stop ${call}`);
          // The client's: a wait takes no `shouldRetry` of its own (its polls' retries are the client's).
          const client = fixture.client({ shouldRetry: aborting(controller, reason, answer) });
          const options = { abortSignal: controller.signal };
          const before = fixture.fake.count("retrieve");
          const error = await (call === "retrieve"
            ? client.batches.retrieve(batch.id!, options)
            : client.batches.waitUntilDone(batch.id!, options)
          ).catch((e: unknown) => e);
          expect(error, call).toBeInstanceOf(CohereAbortError);
          expect((error as CohereAbortError).cause).toBe(reason);
          expect(fixture.fake.count("retrieve") - before, call).toBe(1);
        }
      } finally {
        await fixture.close();
      }
    },
  );
});

describe("nothing is left behind", () => {
  it("a process that made calls (ok, retried, timed out, aborted, failed) exits by itself within a second", async () => {
    const fixture = await startIsolatedFake();
    try {
      const script = `
        const { CohereClient } = await import(${JSON.stringify(new URL("../../dist/node/index.mjs", import.meta.url).href)});
        const client = new CohereClient({ token: "test-token", baseUrl: process.argv[1], timeoutInSeconds: 300 });
        const outcomes = [];
        const settle = (p) => p.then(() => outcomes.push("ok"), (e) => outcomes.push(e.name));
        await settle(client.batches.list());
        await settle(client.batches.retrieve("missing"));
        await settle(client.batches.cancel("slow", { timeoutInSeconds: 0.2, maxRetries: 0 }));
        await settle(client.batches.cancel("slow", { abortSignal: AbortSignal.timeout(100) }));
        await settle(client.batches.waitUntilDone("missing", { timeoutInSeconds: 600, pollIntervalInSeconds: 600 }));
        console.log(outcomes.join(","));
        console.log("done at", Date.now());
      `;
      // A 503 for list to retry; two slow answers for cancel, for the timeout and the abort.
      fixture.fake.inject("list", { type: "status", status: 503, retryAfterMs: 10 });
      fixture.fake.inject("cancel", { type: "delay", ms: 5_000 }, { times: 2 });
      const started = Date.now();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", script, fixture.server.url],
        { timeout: 15_000 },
      );
      const lines = stdout.trim().split("\n");
      expect(lines[0]).toBe("ok,NotFoundError,CohereTimeoutError,CohereAbortError,NotFoundError");
      const doneAt = Number(lines[1]!.split(" ").at(-1));
      expect(Date.now() - doneAt).toBeLessThan(1_000);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await fixture.close();
    }
  });
});
