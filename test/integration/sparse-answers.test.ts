// Against a fake that leaves out every zero-valued field (proto3's JSON mapping), the SDK's
// checks hold and its workflows finish: a page of no batches is `{}`, a new batch has no counts.
import { describe, expect, it } from "vitest";
import { FakeCohere } from "../../src/testing/index.node.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake({ omitZeroValues: true });

describe("answers without their zero values (omitZeroValues)", () => {
  it("the fake leaves them out: an empty page is {}, a new batch has no counts", async () => {
    const empty = await fetch(`${env.server.url}/v2/batches`, { headers: { Authorization: "Bearer test-token" } });
    expect(await empty.json()).toEqual({});
    const api = env.client();
    const { id } = await api.datasets.create({ name: "sparse", type: "batch-embed-v2-input", data: embedRequests(3) });
    env.clock.advance(60_000);
    const { batch } = await api.batches.create({ name: "sparse", input_dataset_id: id, model: "embed-v4.0" });
    const raw = await fetch(`${env.server.url}/v2/batches/${batch.id as string}`, {
      headers: { Authorization: "Bearer test-token" },
    });
    const wire = ((await raw.json()) as { batch: Record<string, unknown> }).batch;
    for (const field of ["num_successful_records", "num_failed_records", "num_input_tokens"])
      expect(wire, field).not.toHaveProperty(field);
    expect(wire).toMatchObject({ id: batch.id, status: "BATCH_STATUS_QUEUED" });
  });

  it("list, listAll, retrieve and cancel take them", async () => {
    const api = env.client();
    expect(await api.batches.list()).toEqual({});
    expect(await collect(api.batches.listAll())).toEqual([]);
    const { id } = await api.datasets.create({ name: "sparse", type: "batch-embed-v2-input", data: embedRequests(3) });
    env.clock.advance(60_000);
    const { batch } = await api.batches.create({ name: "sparse", input_dataset_id: id, model: "embed-v4.0" });
    expect((await api.batches.retrieve(batch.id as string)).batch.num_failed_records).toBeUndefined();
    expect(await api.batches.cancel(batch.id as string)).toEqual({});
    expect((await collect(api.batches.listAll())).map((b) => b.id)).toEqual([batch.id]);
  });

  it("run goes from requests to results, and the datasets' waits and reads take them", async () => {
    const run = await env.client().batches.run({
      name: "sparse-run",
      model: "embed-v4.0",
      type: "batch-embed-v2-input",
      requests: embedRequests(12),
      pollIntervalInSeconds: 0.005,
      onProgress: () => env.clock.advance(1_000),
    });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect((await collect(run.results())).length).toBe(12);
    expect((await collect(env.client().datasets.records(run.inputDataset.id))).length).toBe(12);
    expect((await env.client().datasets.list()).datasets?.length).toBeGreaterThan(0);
  });

  it('a string field holding "0" (a batch named "0") is not a zero value: it stays', async () => {
    const api = env.client();
    const { id } = await api.datasets.create({ name: "0", type: "batch-embed-v2-input", data: embedRequests(2) });
    env.clock.advance(60_000);
    const { batch } = await api.batches.create({ name: "0", input_dataset_id: id, model: "embed-v4.0" });
    expect(batch.name).toBe("0");
    expect((await api.datasets.retrieve(id)).dataset.name).toBe("0");
    expect((await collect(api.batches.listAll())).map((b) => b.name)).toEqual(["0"]);
  });

  it("refuses a value that is not a boolean", () => {
    expect(() => new FakeCohere({ omitZeroValues: "yes" as unknown as boolean })).toThrow(/omitZeroValues/);
  });
});
