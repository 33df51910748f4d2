// The fake's output datasets: written when a batch completes, served from the download origin
// behind signed URLs that expire on the fake's clock; the origin refuses and records Authorization.
import { describe, expect, it } from "vitest";
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
