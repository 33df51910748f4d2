// The fake's output datasets: written when a batch completes, served from the download origin
// behind signed URLs that expire on the fake's clock; the origin refuses and records Authorization.
import { describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { FakeCohere, ManualClock, OUTPUT_SCHEMA } from "../../src/testing/index.js";
import { loadAvroDecoder } from "../../src/internal/decoders/load-avro.js";
import { embedRequests } from "../helpers/results-fake.js";

const AUTH = { authorization: "Bearer test-token" };

async function completed(options: ConstructorParameters<typeof FakeCohere>[0] = {}, count = 10) {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock, seed: 5, ...options });
  const form = new FormData();
  form.append(
    "data",
    new File(
      [
        embedRequests(count)
          .map((r) => JSON.stringify(r))
          .join("\n"),
      ],
      "in.jsonl",
    ),
  );
  const created = await fake.fetch("https://api.cohere.com/v1/datasets?name=in&type=batch-embed-v2-input", {
    method: "POST",
    headers: AUTH,
    body: form,
  });
  const { id } = (await created.json()) as { id: string };
  clock.advance(60_000);
  const body = JSON.stringify({ name: "b", input_dataset_id: id, model: "embed-v4.0" });
  const response = await fake.fetch("https://api.cohere.com/v2/batches", { method: "POST", headers: AUTH, body });
  const { batch } = (await response.json()) as { batch: { id: string; output_dataset_id: string } };
  const retrieveOutput = () =>
    fake.fetch(`https://api.cohere.com/v1/datasets/${batch.output_dataset_id}`, { headers: AUTH });
  return { fake, clock, batch, retrieveOutput };
}

type Parts = { dataset: { dataset_parts: { url: string; index: number }[] } };

describe("output datasets", () => {
  it("do not exist until the batch completes; then they have parts with signed URLs on the download origin", async () => {
    const { clock, retrieveOutput, fake } = await completed();
    expect((await retrieveOutput()).status).toBe(404);
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as Parts;
    expect(dataset.dataset_parts.map((p) => p.index)).toEqual([0, 1, 2]);
    for (const part of dataset.dataset_parts) expect(new URL(part.url).origin).toBe(fake.downloadOrigin);
  });

  it("serve Avro files with the output schema, one record per input line in all", async () => {
    const { clock, retrieveOutput, fake } = await completed({ outputs: { parts: 2, codec: "null" } }, 7);
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as Parts;
    const { decodeAvroContainer } = await loadAvroDecoder();
    let count = 0;
    for (const part of dataset.dataset_parts) {
      const response = await fake.fetch(part.url);
      expect(response.headers.get("content-length")).toBe(String((await response.clone().arrayBuffer()).byteLength));
      for await (const record of decodeAvroContainer(response.body as ReadableStream<Uint8Array>, { part: "p" })) {
        expect(Object.keys(record as object)).toEqual(OUTPUT_SCHEMA.fields.map((f) => f.name));
        count++;
      }
    }
    expect(dataset.dataset_parts.length).toBe(2);
    expect(count).toBe(7);
  });

  it("hold one record per line validation kept: none for a line skip_malformed_input dropped", async () => {
    // Only lines that were not JSON were left out: the batch answered `a` twice and never `c`.
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 5 });
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, maxRetries: 0 });
    const line = (fields: object) =>
      JSON.stringify({ ...fields, body: { messages: [{ role: "user", content: "x" }] } });
    const data = [line({ custom_id: "a" }), line({ custom_id: "a" }), line({}), "not json", line({ custom_id: "c" })];
    const { id } = await client.datasets.create({
      name: "chats",
      type: "batch-chat-v2-input",
      data: `${data.join("\n")}\n`,
      skip_malformed_input: true,
    });
    clock.advance(60_000);
    const { batch } = await client.batches.create({ name: "b", input_dataset_id: id, model: "command-a-03-2025" });
    expect(batch.num_records).toBe(2);
    clock.advance(3_600_000);
    const ids: unknown[] = [];
    for await (const result of client.batches.results(batch.id)) ids.push(result.custom_id);
    expect(ids.sort()).toEqual(["a", "c"]);
  });

  it("the download origin refuses (400) and records an Authorization header", async () => {
    const { clock, retrieveOutput, fake } = await completed();
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as Parts;
    const url = dataset.dataset_parts[0]?.url as string;
    expect((await fake.fetch(url, { headers: { authorization: "Bearer leaked" } })).status).toBe(400);
    expect(fake.downloadAuthorizations).toEqual(["Bearer leaked"]);
    expect((await fake.fetch(url)).status).toBe(200);
  });

  it("a URL expires on the fake's clock (400 ExpiredToken); a tampered one is 403", async () => {
    const { clock, retrieveOutput, fake } = await completed({ outputs: { urlTtlMs: 60_000 } });
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as Parts;
    const url = new URL(dataset.dataset_parts[0]?.url as string);
    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1));
    expect((await fake.fetch(tampered)).status).toBe(403);
    clock.advance(60_000);
    const expired = await fake.fetch(url);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("ExpiredToken");
  });
});

describe("output datasets as datasets", () => {
  type Listed = { datasets: { id: string; dataset_type: string }[] };
  type Part = { url: string; index: number; num_rows: number; size_bytes: number };

  it("are kept to 100,000 records where a batch's count is set (30 million ran the process out of memory)", () => {
    const fake = new FakeCohere({ seed: 5 });
    expect(() => fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED", num_records: 30_000_000 })).toThrow(
      "init.num_records must be at most 100000, got 30000000",
    );
    expect(fake.addBatches(1, { num_records: 100_000 })).toHaveLength(1);
    expect(() => new FakeCohere({ lifecycle: { numRecords: 100_001 } })).toThrow(
      "lifecycle.numRecords must be at most 100000",
    );
  });

  it("answer a read of an upload-fed output over 100,000 records with a 500 that says so", async () => {
    const { clock, fake, retrieveOutput } = await completed({ lifecycle: { queuedForMs: 0 } }, 100_001);
    clock.advance(3_600_000);
    const response = await retrieveOutput();
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("at most 100000 records in memory; batch");
    expect(fake.listBatches()[0]?.num_records).toBe(100_001);
  }, 30_000);

  it("count each part's records in num_rows", async () => {
    const { clock, retrieveOutput, fake } = await completed({ outputs: { parts: 3, codec: "null" } }, 7);
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as { dataset: { dataset_parts: Part[] } };
    const { decodeAvroContainer } = await loadAvroDecoder();
    for (const part of dataset.dataset_parts) {
      const response = await fake.fetch(part.url);
      let records = 0;
      for await (const _ of decodeAvroContainer(response.body as ReadableStream<Uint8Array>, { part: "p" })) records++;
      expect(part.num_rows).toBe(records);
    }
    expect(dataset.dataset_parts.map((p) => p.num_rows)).toEqual([3, 3, 1]);
  });

  it("are listed (with the datasetType and validationStatus filters) and counted in usage", async () => {
    const { clock, batch, fake } = await completed();
    const get = async (path: string) => (await fake.fetch(`https://api.cohere.com${path}`, { headers: AUTH })).json();
    const before = ((await get("/v1/datasets/usage")) as { organization_usage: number }).organization_usage;
    expect(((await get("/v1/datasets")) as Listed).datasets.map((d) => d.id)).not.toContain(batch.output_dataset_id);
    clock.advance(3_600_000);
    const all = (await get("/v1/datasets")) as Listed;
    expect(all.datasets.map((d) => d.dataset_type)).toEqual(["batch-embed-v2-output", "batch-embed-v2-input"]);
    expect(all.datasets[0]?.id).toBe(batch.output_dataset_id);
    const outputs = (await get("/v1/datasets?datasetType=batch-embed-v2-output&validationStatus=validated")) as Listed;
    expect(outputs.datasets.map((d) => d.id)).toEqual([batch.output_dataset_id]);
    const inputs = (await get("/v1/datasets?datasetType=batch-embed-v2-input")) as Listed;
    expect(inputs.datasets.map((d) => d.dataset_type)).toEqual(["batch-embed-v2-input"]);
    const { dataset } = (await get(`/v1/datasets/${batch.output_dataset_id}`)) as {
      dataset: { dataset_parts: Part[] };
    };
    const outputBytes = dataset.dataset_parts.reduce((sum, p) => sum + p.size_bytes, 0);
    expect(await get("/v1/datasets/usage")).toEqual({ organization_usage: before + outputBytes });
  });

  it("can be deleted: then retrieve and a second delete are 404, list and usage leave it out, its URLs stop serving", async () => {
    const { clock, batch, retrieveOutput, fake } = await completed();
    clock.advance(3_600_000);
    const call = (path: string, init: RequestInit = {}) =>
      fake.fetch(`https://api.cohere.com${path}`, { ...init, headers: AUTH });
    const usageBefore = await (await call("/v1/datasets/usage")).json();
    const { dataset } = (await (await retrieveOutput()).json()) as { dataset: { dataset_parts: Part[] } };
    const url = dataset.dataset_parts[0]?.url as string;
    const deleted = await call(`/v1/datasets/${batch.output_dataset_id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({});
    expect((await retrieveOutput()).status).toBe(404);
    expect((await call(`/v1/datasets/${batch.output_dataset_id}`, { method: "DELETE" })).status).toBe(404);
    const listed = (await (await call("/v1/datasets")).json()) as Listed;
    expect(listed.datasets.map((d) => d.dataset_type)).toEqual(["batch-embed-v2-input"]);
    const download = await fake.fetch(url);
    expect(download.status).toBe(404);
    expect(await download.text()).toContain("NoSuchKey");
    const outputBytes = dataset.dataset_parts.reduce((sum, p) => sum + p.size_bytes, 0);
    expect(await (await call("/v1/datasets/usage")).json()).toEqual({
      organization_usage: (usageBefore as { organization_usage: number }).organization_usage - outputBytes,
    });
  });
});

describe("output datasets after their input is deleted", () => {
  it("are what the batch read, whether or not anything read the output before the delete", async () => {
    const rows = async (readFirst: boolean) => {
      const { clock, batch, retrieveOutput, fake } = await completed({ outputs: { codec: "null" } }, 7);
      clock.advance(3_600_000);
      if (readFirst) await fake.fetch("https://api.cohere.com/v1/datasets/usage", { headers: AUTH });
      const inputId = (batch as unknown as { input_dataset_id: string }).input_dataset_id;
      const deleted = await fake.fetch(`https://api.cohere.com/v1/datasets/${inputId}`, {
        method: "DELETE",
        headers: AUTH,
      });
      expect(deleted.status).toBe(200);
      const { dataset } = (await (await retrieveOutput()).json()) as {
        dataset: { dataset_parts: { num_rows: number; size_bytes: number }[] };
      };
      return dataset.dataset_parts;
    };
    const read = await rows(true);
    expect(read.reduce((sum, p) => sum + p.num_rows, 0)).toBe(7);
    expect(await rows(false)).toEqual(read);
  });
});

describe("output datasets as batch inputs", () => {
  it("are refused (400, not a batch input type), as an uploaded output-typed dataset would be", async () => {
    const { clock, batch, fake } = await completed();
    clock.advance(3_600_000);
    const body = JSON.stringify({ name: "again", input_dataset_id: batch.output_dataset_id, model: "embed-v4.0" });
    const refused = await fake.fetch("https://api.cohere.com/v2/batches", { method: "POST", headers: AUTH, body });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      message: `input dataset ${batch.output_dataset_id} has type batch-embed-v2-output, not a batch input type`,
    });
    expect(fake.listBatches().map((b) => b.id)).toEqual([batch.id]);
  });
});

describe("the download origin, as a storage host", () => {
  async function partUrl() {
    const { clock, retrieveOutput, fake } = await completed({ outputs: { codec: "null" } });
    clock.advance(3_600_000);
    const { dataset } = (await (await retrieveOutput()).json()) as Parts;
    const url = dataset.dataset_parts[0]?.url as string;
    const whole = new Uint8Array(await (await fake.fetch(url)).arrayBuffer());
    return { fake, url, whole };
  }

  it.each([
    ["bytes=0-9", 0, 10],
    ["bytes=5-", 5, undefined],
    ["bytes=-7", -7, undefined],
  ])("answers Range %s with 206 and Content-Range", async (range, start, end) => {
    const { fake, url, whole } = await partUrl();
    const expected = whole.slice(start, end);
    const first = start < 0 ? whole.length + start : start;
    const response = await fake.fetch(url, { headers: { range } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${first}-${first + expected.length - 1}/${whole.length}`);
    expect(response.headers.get("content-length")).toBe(String(expected.length));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(expected);
  });

  it("answers an unsatisfiable Range with 416, and ignores a malformed one (200, whole file)", async () => {
    const { fake, url, whole } = await partUrl();
    const beyond = await fake.fetch(url, { headers: { range: `bytes=${whole.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${whole.length}`);
    const malformed = await fake.fetch(url, { headers: { range: "lines=1-2" } });
    expect(malformed.status).toBe(200);
    expect((await malformed.arrayBuffer()).byteLength).toBe(whole.length);
  });

  it.each(["POST", "PUT", "DELETE"])("refuses %s with 405 and Allow: GET, HEAD", async (method) => {
    const { fake, url } = await partUrl();
    const response = await fake.fetch(url, { method, ...(method === "DELETE" ? {} : { body: "x" }) });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect((await fake.fetch(url, { method: "HEAD" })).status).toBe(200);
  });

  it("records an Authorization header whatever the method (API.md 8: it refuses and records any)", async () => {
    const { fake, url } = await partUrl();
    await fake.fetch(url, { method: "POST", body: "x", headers: { authorization: "Bearer leaked-token" } });
    expect(fake.downloadAuthorizations).toEqual(["Bearer leaked-token"]);
  });
});
