// batches.run never leaves two batches behind, even on a server that ignores Idempotency-Key:
// after a create attempt that may have reached the server, it adopts the batch reading its dataset.
import { describe, expect, it } from "vitest";
import type { RunProgress } from "../../src/index.js";
import { embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

function request() {
  return {
    name: "no-dup",
    model: "embed-v4.0",
    type: "batch-embed-v2-input",
    requests: embedRequests(10),
    pollIntervalInSeconds: 0.005,
    onProgress: (_: RunProgress) => env.clock.advance(1_000),
  };
}

const lostAnswers = {
  "a 500 after the server created the batch": { type: "status", status: 500, afterAction: true },
  "a dropped connection after the server created the batch": { type: "drop", afterAction: true },
  "a connection reset mid-answer after the server created the batch": { type: "reset-mid-body", afterAction: true },
} as const;

describe("run: one batch only when the create answer was lost", () => {
  for (const ignoreKeys of [true, false]) {
    for (const [what, fault] of Object.entries(lostAnswers)) {
      it(`${what} (${ignoreKeys ? "server ignores" : "server honours"} Idempotency-Key): one batch, adopted`, async () => {
        env.fake.ignoreIdempotencyKeys = ignoreKeys;
        env.fake.inject("create", fault);
        const run = await env.client().batches.run(request());
        expect(env.fake.listBatches().length).toBe(1);
        expect(run.batch.id).toBe(env.fake.listBatches()[0]?.id);
        expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
        expect(env.fake.count("list")).toBeGreaterThan(0);
        env.fake.ignoreIdempotencyKeys = false;
      });
    }
  }

  // A proxy answers 503 after an upstream reset, once the backend acted; a server that ignores
  // the key may also say 429 after acting. Only a refusal before sending spares the list walk.
  for (const status of [503, 429]) {
    it(`a ${status} after the server created the batch (server ignores Idempotency-Key): one batch, adopted`, async () => {
      env.fake.ignoreIdempotencyKeys = true;
      env.fake.inject("create", { type: "status", status, retryAfter: "0", afterAction: true });
      const run = await env.client().batches.run(request());
      expect(env.fake.count("list")).toBeGreaterThan(0);
      expect(env.fake.listBatches().length).toBe(1);
      expect(run.batch.id).toBe(env.fake.listBatches()[0]?.id);
      env.fake.ignoreIdempotencyKeys = false;
    });
  }

  it("a 503 before the server acted: the list is walked, nothing adopted, one batch results", async () => {
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 503, retryAfter: "0" });
    await env.client().batches.run(request());
    expect(env.fake.count("create")).toBe(2);
    expect(env.fake.count("list")).toBe(1);
    expect(env.fake.listBatches().length).toBe(1);
    env.fake.ignoreIdempotencyKeys = false;
  });

  it("a 500 before the server acted: nothing to adopt, so the create is sent again, and one batch results", async () => {
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500 });
    await env.client().batches.run(request());
    expect(env.fake.count("create")).toBe(2);
    expect(env.fake.listBatches().length).toBe(1);
    env.fake.ignoreIdempotencyKeys = false;
  });

  it("an older batch on another dataset is never adopted", async () => {
    env.fake.addBatches(3);
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500 });
    const run = await env.client().batches.run(request());
    expect(run.batch.input_dataset_id).toBe(run.inputDataset.id);
    expect(env.fake.listBatches().length).toBe(4);
    env.fake.ignoreIdempotencyKeys = false;
  });

  // The spec does not say which way order_by=created_at sorts: the walk must not stop at an older
  // batch on a server that lists oldest first, where this run's batch comes last.
  it("a server that lists oldest first: the batch is still found, one batch results", async () => {
    env.fake.addBatches(3);
    env.clock.advance(3_600_000);
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500, afterAction: true });
    const oldestFirst = async (input: Request | string | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname !== "/v2/batches" || !response.ok || (init?.method ?? "GET") !== "GET") return response;
      const page = (await response.json()) as { batches?: { created_at: string }[] };
      page.batches?.sort((a, b) => a.created_at.localeCompare(b.created_at));
      return Response.json(page);
    };
    const run = await env.client({ fetch: oldestFirst }).batches.run(request());
    expect(env.fake.listBatches().filter((b) => b.input_dataset_id === run.inputDataset.id).length).toBe(1);
    expect(env.fake.listBatches().length).toBe(4);
    env.fake.ignoreIdempotencyKeys = false;
  });
});
