import { describe, expect, it } from "vitest";
import { FakeCohere, ManualClock, type WireBatch } from "../../src/testing/index.js";

const URL_ = "https://api.cohere.com/v2/batches";
const VALID = { name: "n", input_dataset_id: "d", model: "m" };

async function create(
  fake: FakeCohere,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: { batch?: WireBatch; message?: string } }> {
  const response = await fake.fetch(URL_, {
    method: "POST",
    headers: { authorization: "Bearer test-token", "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { batch?: WireBatch } };
}

describe("create validation", () => {
  it.each([
    ["name", { input_dataset_id: "d", model: "m" }],
    ["input_dataset_id", { name: "n", model: "m" }],
    ["model", { name: "n", input_dataset_id: "d" }],
    ["name", { ...VALID, name: "" }],
    ["model", { ...VALID, model: "   " }],
    ["input_dataset_id", { ...VALID, input_dataset_id: 42 }],
    ["name", { ...VALID, name: null }],
    ["model", { ...VALID, model: ["m"] }],
  ])("refuses a missing, empty or non-string %s with 400 naming it", async (field, body) => {
    const fake = new FakeCohere();
    const { status, json } = await create(fake, body);
    expect(status).toBe(400);
    expect(json).toEqual({ message: expect.stringContaining(field) });
    expect(fake.listBatches()).toEqual([]);
  });

  it.each(["{not json", "", "null", "[]", '"a string"', "42"])("refuses the body %j with 400", async (body) => {
    const fake = new FakeCohere();
    const { status, json } = await create(fake, body);
    expect(status).toBe(400);
    expect(json.message).toMatch(/request body/);
  });

  it("ignores output-only fields and unknown fields", async () => {
    const fake = new FakeCohere();
    const { status, json } = await create(fake, {
      ...VALID,
      id: "chosen-by-client",
      status: "BATCH_STATUS_COMPLETED",
      num_records: 3,
      input_tokens: "999",
      created_at: "2020-01-01T00:00:00Z",
      future_field: { nested: true },
    });
    expect(status).toBe(200);
    expect(json.batch).toMatchObject({ ...VALID, status: "BATCH_STATUS_QUEUED", num_records: 1000, input_tokens: "0" });
    expect(json.batch?.id).not.toBe("chosen-by-client");
    expect(json.batch?.created_at).toBe("2026-01-01T00:00:00Z");
    expect(json.batch).not.toHaveProperty("future_field");
  });

  it("does not need a content-type", async () => {
    const fake = new FakeCohere();
    const response = await fake.fetch(URL_, {
      method: "POST",
      headers: { authorization: "Bearer test-token" },
      body: JSON.stringify(VALID),
    });
    expect(response.status).toBe(200);
  });
});

describe("Idempotency-Key", () => {
  it("replays the same batch for the same key and body, without creating another", async () => {
    const fake = new FakeCohere();
    const first = await create(fake, VALID, { "idempotency-key": "k1" });
    // Same body, other formatting and key order: still the same request.
    const again = await create(fake, `{ "model": "m", "input_dataset_id": "d",  "name": "n" }`, {
      "Idempotency-Key": "k1",
    });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.json.batch?.id).toBe(first.json.batch?.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("replays the batch in its current state", async () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, lifecycle: { queuedForMs: 0 } });
    const first = await create(fake, VALID, { "idempotency-key": "k" });
    clock.advance(60_000);
    const again = await create(fake, VALID, { "idempotency-key": "k" });
    expect(again.json.batch).toMatchObject({ id: first.json.batch?.id, status: "BATCH_STATUS_COMPLETED" });
  });

  it("answers 422 when the key is reused with a different body", async () => {
    const fake = new FakeCohere();
    await create(fake, VALID, { "idempotency-key": "k1" });
    const other = await create(fake, { ...VALID, name: "other" }, { "idempotency-key": "k1" });
    expect(other.status).toBe(422);
    expect(other.json).toEqual({ message: expect.stringContaining("Idempotency-Key") });
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("creates one batch per distinct key, per token, and per request without a key", async () => {
    const fake = new FakeCohere({ tokens: ["test-token", "t2"] });
    await create(fake, VALID, { "idempotency-key": "a" });
    await create(fake, VALID, { "idempotency-key": "b" });
    await create(fake, VALID, { authorization: "Bearer t2", "idempotency-key": "a" });
    await create(fake, VALID);
    await create(fake, VALID);
    expect(fake.listBatches()).toHaveLength(5);
  });

  it("does not remember a key whose create failed validation", async () => {
    const fake = new FakeCohere();
    expect((await create(fake, { name: "n" }, { "idempotency-key": "k" })).status).toBe(400);
    expect((await create(fake, VALID, { "idempotency-key": "k" })).status).toBe(200);
  });

  it("lets a retry with the same key recover a create the server performed but answered with an error", async () => {
    const fake = new FakeCohere();
    fake.inject("create", { type: "status", status: 503, afterAction: true });
    const failed = await create(fake, VALID, { "idempotency-key": "retry-me" });
    expect(failed.status).toBe(503);
    const retried = await create(fake, VALID, { "idempotency-key": "retry-me" });
    expect(retried.status).toBe(200);
    expect(fake.listBatches().map((b) => b.id)).toEqual([retried.json.batch?.id]);
  });
});
