// Output datasets' Avro files are written only for the datasets a list returns: a list of one
// dataset among many completed batches must not write every batch's files first.
import { describe, expect, it, vi } from "vitest";
import { FakeCohere, ManualClock } from "../../src/testing/index.js";
import * as outputFiles from "../../src/testing/output-files.js";

vi.mock("../../src/testing/output-files.js", async (original) => {
  const actual = await original<typeof import("../../src/testing/output-files.js")>();
  return { ...actual, writeOutputFiles: vi.fn(actual.writeOutputFiles) };
});

const AUTH = { authorization: "Bearer test-token" };

describe("output datasets in GET /v1/datasets", () => {
  it("write files only for the datasets returned (filtered and paged first), and once per batch for usage", async () => {
    const written = vi.mocked(outputFiles.writeOutputFiles);
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 8 });
    fake.addBatches(20, { num_records: 3 });
    clock.advance(24 * 3_600_000);
    const get = async (path: string) => (await fake.fetch(`https://api.cohere.com${path}`, { headers: AUTH })).json();
    written.mockClear();
    const one = (await get("/v1/datasets?limit=1")) as { datasets: { id: string; dataset_parts: unknown[] }[] };
    expect(one.datasets).toHaveLength(1);
    expect(one.datasets[0]?.dataset_parts.length).toBeGreaterThan(0);
    expect(written).toHaveBeenCalledTimes(1);
    const two = (await get("/v1/datasets?limit=2&offset=5")) as { datasets: unknown[] };
    expect(two.datasets).toHaveLength(2);
    expect(written).toHaveBeenCalledTimes(3);
    const inputs = (await get("/v1/datasets?datasetType=batch-embed-v2-input")) as { datasets: unknown[] };
    expect(inputs.datasets).toEqual([]);
    expect(written).toHaveBeenCalledTimes(3);
    // usage needs every file's size: each batch's files are written once, then reused.
    const usage = (await get("/v1/datasets/usage")) as { organization_usage: number };
    expect(written).toHaveBeenCalledTimes(20);
    expect(await get("/v1/datasets/usage")).toEqual(usage);
    expect((await get("/v1/datasets")) as { datasets: unknown[] }).toMatchObject({ datasets: { length: 20 } });
    expect(written).toHaveBeenCalledTimes(20);
  });
});
