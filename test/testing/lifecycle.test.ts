import { describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { FakeCohere, type FakeCohereOptions, ManualClock, type WireBatch } from "../../src/testing/index.js";

const AUTH = { authorization: "Bearer test-token" };
const BASE = "https://api.cohere.com/v2/batches";

function setup(options: Omit<FakeCohereOptions, "clock"> = {}) {
  const clock = new ManualClock();
  const fake = new FakeCohere({ ...options, clock });
  const create = async (input_dataset_id = "my-dataset"): Promise<WireBatch> => {
    const response = await fake.fetch(BASE, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ name: "b", input_dataset_id, model: "command" }),
    });
    return ((await response.json()) as { batch: WireBatch }).batch;
  };
  const retrieve = async (id: string): Promise<WireBatch> =>
    ((await (await fake.fetch(`${BASE}/${id}`, { headers: AUTH })).json()) as { batch: WireBatch }).batch;
  const cancel = async (id: string): Promise<Response> =>
    fake.fetch(`${BASE}/${id}:cancel`, { method: "POST", headers: AUTH });
  return { clock, fake, create, retrieve, cancel };
}

describe("batch life cycle on a ManualClock", () => {
  it("goes QUEUED -> IN_PROGRESS (records and tokens counting up) -> COMPLETED", async () => {
    const { clock, create, retrieve } = setup();
    const { id } = await create();
    clock.advance(999);
    expect(await retrieve(id)).toMatchObject({
      status: "BATCH_STATUS_QUEUED",
      updated_at: "2026-01-01T00:00:00Z",
    });

    clock.advance(1); // queuedForMs = 1000: processing starts now
    expect(await retrieve(id)).toMatchObject({
      status: "BATCH_STATUS_IN_PROGRESS",
      num_successful_records: 0,
      updated_at: "2026-01-01T00:00:01Z",
    });

    clock.advance(2500); // 100 records/s: 250 records done
    const midway = await retrieve(id);
    expect(midway).toMatchObject({
      status: "BATCH_STATUS_IN_PROGRESS",
      num_records: 1000,
      num_successful_records: 250,
      num_failed_records: 0,
      input_tokens: "25000",
      output_tokens: "12500",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:03.500Z",
    });

    clock.advance(7499);
    expect((await retrieve(id)).status).toBe("BATCH_STATUS_IN_PROGRESS");
    clock.advance(1);
    const done = await retrieve(id);
    expect(done).toMatchObject({
      status: "BATCH_STATUS_COMPLETED",
      num_successful_records: 1000,
      input_tokens: "100000",
      output_tokens: "50000",
      updated_at: "2026-01-01T00:00:11Z",
    });
    clock.advance(3_600_000);
    expect(await retrieve(id)).toEqual(done);
  });

  it("fails a batch whose dataset id contains 'fail', halfway, with a status_reason", async () => {
    const { clock, create, retrieve } = setup();
    const { id } = await create("will-fail-dataset");
    clock.advance(1000 + 4000);
    expect(await retrieve(id)).toMatchObject({ status: "BATCH_STATUS_IN_PROGRESS", num_successful_records: 400 });
    clock.advance(1000);
    const failed = await retrieve(id);
    expect(failed).toMatchObject({ status: "BATCH_STATUS_FAILED", num_successful_records: 500 });
    expect(failed.status_reason).toContain("will-fail-dataset");
  });

  it("runs an uploaded dataset whose name holds 'fail' as its records say; a failWhen given reads it", async () => {
    const requests = [{ custom_id: "1", body: { input_type: "search_document", texts: ["a"] } }];
    const outcome = async (options: Omit<FakeCohereOptions, "clock">) => {
      const { clock, fake, retrieve } = setup(options);
      const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
      const { id } = await client.datasets.create({
        name: "Payment failures",
        type: "batch-embed-v2-input",
        data: requests,
      });
      expect(id).toContain("fail");
      clock.advance(60_000);
      const { batch } = await client.batches.create({ name: "b", input_dataset_id: id, model: "embed-v4.0" });
      clock.advance(3_600_000);
      return retrieve(batch.id as string);
    };
    expect(await outcome({})).toMatchObject({ status: "BATCH_STATUS_COMPLETED", num_failed_records: 0 });
    expect((await outcome({ lifecycle: { failWhen: (id) => id.includes("fail") } })).status).toBe(
      "BATCH_STATUS_FAILED",
    );
  });

  it("seeds each finished status with the counts of that end, whatever the dataset id says", async () => {
    const { fake, retrieve } = setup();
    const one = async (init: Partial<WireBatch>) => retrieve((fake.addBatches(1, init)[0] as WireBatch).id as string);
    expect(await one({ status: "BATCH_STATUS_FAILED" })).toMatchObject({
      num_successful_records: 500,
      num_failed_records: 0,
      status_reason: expect.stringContaining("is not a valid request"),
    });
    expect(await one({ status: "BATCH_STATUS_CANCELED" })).toMatchObject({ num_successful_records: 0 });
    const completed = await one({ status: "BATCH_STATUS_COMPLETED", input_dataset_id: "ds-fail" });
    expect(completed).toMatchObject({ num_successful_records: 1000 });
    expect(completed.status_reason).toBeUndefined();
  });

  it("seeds a batch on a dataset uploaded to the fake with its records, run as they say", async () => {
    const { clock, fake, retrieve } = setup();
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
    const requests = Array.from({ length: 4 }, (_, i) => ({
      custom_id: String(i),
      body: { input_type: "search_document", texts: ["a"] },
    }));
    const { id } = await client.datasets.create({
      name: "Payment failures",
      type: "batch-embed-v2-input",
      data: requests,
    });
    clock.advance(60_000);
    const [seeded] = fake.addBatches(1, { input_dataset_id: id });
    // On an upload a create would be refused on (not validated yet): refused too.
    const pending = await client.datasets.create({ name: "pending", type: "batch-embed-v2-input", data: requests });
    expect(() => fake.addBatches(1, { input_dataset_id: pending.id })).toThrow(
      /^init\.input_dataset_id: input dataset pending-\w+ is not validated \(validation_status: queued\) \(a batch create would be refused\)$/,
    );
    clock.advance(3_600_000);
    expect(await retrieve(seeded?.id as string)).toMatchObject({
      status: "BATCH_STATUS_COMPLETED",
      num_records: 4,
      num_successful_records: 4,
    });
  });

  it("keeps a batch seeded finished as it is: counts final, times fixed, its output dataset's too", async () => {
    const { clock, fake, retrieve } = setup();
    const [seeded] = fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    const first = await retrieve(seeded?.id as string);
    expect(first).toMatchObject({ num_successful_records: 1000, num_failed_records: 0, updated_at: first.created_at });
    const outputCreatedAt = async () => {
      const response = await fake.fetch(`https://api.cohere.com/v1/datasets/${first.output_dataset_id}`, {
        headers: AUTH,
      });
      return ((await response.json()) as { dataset: { created_at: string } }).dataset.created_at;
    };
    const before = await outputCreatedAt();
    clock.advance(5_000);
    expect(await outputCreatedAt()).toBe(before);
    clock.advance(20_000);
    expect(await retrieve(seeded?.id as string)).toEqual(first);
    // Its output is a dataset, but not a batch's input: seeding on it is refused as a create is
    // (it made 1,000 records up).
    expect(() => fake.addBatches(1, { input_dataset_id: first.output_dataset_id })).toThrow(
      /^init\.input_dataset_id: input dataset .* has type .*, not a batch input type \(a batch create would be refused\)$/,
    );
    expect(await outputCreatedAt()).toBe(before);
  });

  it("honours the life-cycle options: timing, per-dataset record counts, failing records, failWhen", async () => {
    const { clock, create, retrieve } = setup({
      lifecycle: {
        queuedForMs: 0,
        recordsPerSecond: 10,
        numRecords: (dataset) => dataset.length,
        failEveryNthRecord: 3,
        failWhen: (dataset) => dataset === "broken",
        inputTokensPerRecord: 2,
        outputTokensPerRecord: 1,
      },
    });
    const small = await create("abcdef"); // 6 records
    expect(small).toMatchObject({ status: "BATCH_STATUS_IN_PROGRESS", num_records: 6 });
    const named = await create("contains-fail-but-fine");
    clock.advance(600);
    expect(await retrieve(small.id)).toMatchObject({
      status: "BATCH_STATUS_COMPLETED",
      num_successful_records: 4,
      num_failed_records: 2,
      input_tokens: "12",
      output_tokens: "4",
    });
    expect((await retrieve(named.id)).status).toBe("BATCH_STATUS_IN_PROGRESS");
    const broken = await create("broken");
    clock.advance(1000);
    expect((await retrieve(broken.id)).status).toBe("BATCH_STATUS_FAILED");
  });

  it("completes a batch of zero records as soon as it leaves the queue", async () => {
    const { clock, create, retrieve } = setup({ lifecycle: { numRecords: 0 } });
    const { id } = await create();
    clock.advance(1000);
    expect(await retrieve(id)).toMatchObject({ status: "BATCH_STATUS_COMPLETED", num_records: 0 });
  });

  it("rejects invalid life-cycle options", () => {
    expect(() => new FakeCohere({ lifecycle: { recordsPerSecond: 0 } })).toThrow(RangeError);
    expect(() => new FakeCohere({ lifecycle: { queuedForMs: -1 } })).toThrow(RangeError);
    expect(() => new FakeCohere({ lifecycle: { numRecords: 1.5 } })).toThrow(RangeError);
    expect(() => new FakeCohere({ tokens: [""] })).toThrow(TypeError);
  });

  it("refuses a token rate whose total could leave an exact int64 (it gave input_tokens of 21 digits, rounded)", async () => {
    for (const key of ["inputTokensPerRecord", "outputTokensPerRecord"])
      for (const rate of [2 ** 53 - 1, 1e14, 2 ** 22 + 1])
        expect(() => new FakeCohere({ lifecycle: { [key]: rate } })).toThrow(
          `lifecycle.${key} must be at most 4194304 (a batch's total must stay an exact int64), got ${rate}`,
        );
    // The largest rate, on the largest record count: an exact total.
    const fake = new FakeCohere({
      lifecycle: { inputTokensPerRecord: 2 ** 22, outputTokensPerRecord: 2 ** 22, numRecords: 100_000 },
    });
    const [batch] = fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    expect(batch?.input_tokens).toBe(String(2n ** 22n * 100_000n));
  });
});

describe("cancel", () => {
  it("turns a queued batch CANCELING, then CANCELED after 500 ms, progress frozen", async () => {
    const { clock, create, retrieve, cancel } = setup();
    const { id } = await create();
    clock.advance(100);
    const response = await cancel(id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(await retrieve(id)).toMatchObject({
      status: "BATCH_STATUS_CANCELING",
      updated_at: "2026-01-01T00:00:00.100Z",
    });
    clock.advance(499);
    expect((await retrieve(id)).status).toBe("BATCH_STATUS_CANCELING");
    clock.advance(1);
    expect(await retrieve(id)).toMatchObject({
      status: "BATCH_STATUS_CANCELED",
      updated_at: "2026-01-01T00:00:00.600Z",
      num_successful_records: 0,
    });
    clock.advance(60_000);
    expect((await retrieve(id)).status).toBe("BATCH_STATUS_CANCELED");
  });

  it("freezes the progress of an in-progress batch", async () => {
    const { clock, create, retrieve, cancel } = setup();
    const { id } = await create();
    clock.advance(3000);
    expect((await cancel(id)).status).toBe(200);
    clock.advance(10_000);
    expect(await retrieve(id)).toMatchObject({
      status: "BATCH_STATUS_CANCELED",
      num_successful_records: 200,
      input_tokens: "20000",
    });
  });

  it("is idempotent while CANCELING (200 {}, no change)", async () => {
    const { clock, create, retrieve, cancel } = setup();
    const { id } = await create();
    await cancel(id);
    clock.advance(200);
    const again = await cancel(id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({});
    clock.advance(300);
    expect((await retrieve(id)).status).toBe("BATCH_STATUS_CANCELED");
  });

  it.each([
    ["COMPLETED", "my-dataset", 20_000],
    ["FAILED", "fail", 20_000],
  ])("refuses a %s batch with 400 'already in a terminal state'", async (status, dataset, wait) => {
    const { clock, create, retrieve, cancel } = setup();
    const { id } = await create(dataset);
    clock.advance(wait);
    const response = await cancel(id);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: `batch ${id} is already in a terminal state (BATCH_STATUS_${status})`,
    });
    expect((await retrieve(id)).status).toBe(`BATCH_STATUS_${status}`);
  });

  it("refuses a CANCELED batch with 400", async () => {
    const { clock, create, cancel } = setup();
    const { id } = await create();
    await cancel(id);
    clock.advance(500);
    const response = await cancel(id);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("already in a terminal state");
  });
});

describe("store helpers", () => {
  it("addBatches seeds batches in the life cycle; listBatches snapshots them in insertion order", () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock });
    const added = fake.addBatches(3, { model: "m" });
    expect(added.map((b) => b.name)).toEqual(["batch-1", "batch-2", "batch-3"]);
    expect(new Set(added.map((b) => b.id)).size).toBe(3);
    clock.advance(2000);
    const listed = fake.listBatches();
    expect(listed.map((b) => b.id)).toEqual(added.map((b) => b.id));
    expect(listed.every((b) => b.status === "BATCH_STATUS_IN_PROGRESS" && b.model === "m")).toBe(true);
  });

  it("writes timestamps as protobuf's JSON does: 0, 3 or 6 fraction digits, as few as the value needs", () => {
    const fake = new FakeCohere({ clock: new ManualClock() });
    const stamps = [
      ["2026-01-01T00:00:01.000000Z", "2026-01-01T00:00:01Z"],
      ["2026-01-01T00:00:01.5Z", "2026-01-01T00:00:01.500Z"],
      ["2026-01-01T00:00:01.020Z", "2026-01-01T00:00:01.020Z"],
      ["2026-01-01T00:00:01.00025Z", "2026-01-01T00:00:01.000250Z"],
      ["2026-01-01T00:00:01.123456789Z", "2026-01-01T00:00:01.123456Z"],
      ["1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"],
      ["2026-01-01T01:00:00.5+01:00", "2026-01-01T00:00:00.500Z"],
    ] as const;
    for (const [given, sent] of stamps) {
      const [batch] = fake.addBatches(1, { created_at: given });
      expect(batch?.created_at).toBe(sent);
    }
    expect(fake.addBatches(1)[0]?.created_at).toBe("2026-01-01T00:00:00Z");
  });

  it("addBatches pins the life-cycle fields it is given, and honours created_at", () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock });
    const [old] = fake.addBatches(1, { created_at: "2025-03-05T14:59:25.438936Z" });
    expect(old).toMatchObject({ status: "BATCH_STATUS_COMPLETED", created_at: "2025-03-05T14:59:25.438936Z" });
    const [pinned] = fake.addBatches(1, { status: "BATCH_STATUS_IN_PROGRESS", num_successful_records: 8 });
    clock.advance(3_600_000);
    expect(fake.listBatches()[1]).toMatchObject({
      status: "BATCH_STATUS_IN_PROGRESS",
      num_successful_records: 8,
      id: pinned?.id,
    });
    expect(() => fake.addBatches(2, { id: "same" })).toThrow(RangeError);
    expect(() => fake.addBatches(1, { created_at: "yesterday" })).toThrow(RangeError);
    expect(() => fake.addBatches(-1)).toThrow(RangeError);
  });

  it("reset() clears the request log and faults; reset({ batches: true }) also the store", async () => {
    const { fake, create } = setup();
    await create();
    fake.inject("list", { type: "status", status: 500 });
    expect(fake.pendingFaults).toBe(1);
    fake.reset();
    expect([fake.count(), fake.pendingFaults, fake.listBatches().length]).toEqual([0, 0, 1]);
    fake.reset({ batches: true });
    expect(fake.listBatches()).toEqual([]);
  });
});
