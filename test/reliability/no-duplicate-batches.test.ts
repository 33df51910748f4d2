import { describe, expect, it } from "vitest";
import { CohereConnectionError, CohereError } from "../../src/index.js";
import type { Fault } from "../../src/testing/index.js";
import { startIsolatedFake } from "../helpers/isolated-fake.js";

/** Faults that strike after the server has created the batch: the client cannot know it did. */
const afterCreation: [string, Fault][] = [
  ["500 after creation", { type: "status", status: 500, afterAction: true }],
  ["connection reset after creation", { type: "reset-mid-body", afterAction: true }],
  ["connection dropped after creation", { type: "drop", afterAction: true }],
  ["timeout after creation (stalled body)", { type: "stall-body" }],
];

/** The `code` of every error in the cause chain. */
function causeCodes(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let current = error; typeof current === "object" && current !== null; current = (current as Error).cause)
    codes.push((current as { code?: unknown }).code);
  return codes;
}

const body = { name: "once", input_dataset_id: "ds-1", model: "command-r" };

describe.concurrent("a batch is never created twice", () => {
  it.each(afterCreation)("%s, without an idempotency key: one batch, and the error", async (_name, fault) => {
    const fixture = await startIsolatedFake();
    try {
      fixture.fake.inject("create", fault);
      const error = await fixture
        .client({ timeoutInSeconds: 0.3 })
        .batches.create(body)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect(fixture.fake.count("create")).toBe(1);
      expect(fixture.fake.listBatches()).toHaveLength(1);
    } finally {
      await fixture.close();
    }
  });

  it.each([
    ["a reset mid-body", { type: "reset-mid-body" } as Fault],
    ["a dropped connection", { type: "drop" } as Fault],
  ])("%s over real HTTP arrives as UND_ERR_SOCKET: create without a key is sent once", async (_name, fault) => {
    const fixture = await startIsolatedFake();
    try {
      fixture.fake.inject("create", fault);
      const error = await fixture
        .client({ maxRetries: 2 })
        .batches.create(body)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereConnectionError);
      expect(causeCodes(error)).toContain("UND_ERR_SOCKET");
      expect(fixture.fake.count("create")).toBe(1);
    } finally {
      await fixture.close();
    }
  });

  it.each(afterCreation)("%s, with an idempotency key: retried, and exactly one batch", async (_name, fault) => {
    const fixture = await startIsolatedFake();
    try {
      fixture.fake.inject("create", fault);
      const { batch } = await fixture
        .client({ timeoutInSeconds: 0.3 })
        .batches.create(body, { idempotencyKey: "nightly-2026-11-29" });
      expect(fixture.fake.count("create")).toBe(2);
      expect(fixture.fake.requests.map((r) => r.headers["idempotency-key"])).toEqual([
        "nightly-2026-11-29",
        "nightly-2026-11-29",
      ]);
      expect(fixture.fake.listBatches().map((b) => b.id)).toEqual([batch.id]);
    } finally {
      await fixture.close();
    }
  });
});
