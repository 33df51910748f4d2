// A dataset whose parts list names the same part twice (API.md section 10: one record per output
// line, in part order): the part is one part, downloaded and yielded once.
import { describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import { scriptedServer } from "../helpers/scripted-server.js";

const OUT = {
  type: "record",
  name: "Out",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"] },
  ],
};

/** A server for dataset "ds-1" listing `parts` (id, index), each part's file holding `<id>0` and `<id>1`. */
async function datasetServer(parts: readonly { id: string; index: number; v: number }[]) {
  const downloads: string[] = [];
  const files = new Map<string, Uint8Array>();
  for (const { id } of parts)
    files.set(
      id,
      await writeAvroContainer(OUT, [
        { custom_id: `${id}0`, body: null },
        { custom_id: `${id}1`, body: null },
      ]),
    );
  const server = await scriptedServer((request, response) => {
    const part = /^\/part\/(\w+)\?v=\d$/.exec(request.url ?? "")?.[1];
    if (part !== undefined) {
      downloads.push(part);
      const bytes = files.get(part) as Uint8Array;
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
      return response.end(bytes);
    }
    // The same part's entries differ in their signed URL only, as two signings of one file would.
    const dataset_parts = parts.map(({ id, index, v }) => ({
      id,
      name: `${id}.avro`,
      index,
      url: `${server.url}/part/${id}?v=${v}`,
    }));
    const dataset = {
      id: "ds-1",
      name: "ds",
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      dataset_type: "batch-output",
      validation_status: "validated",
      dataset_parts,
    };
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ dataset }));
  });
  return { client: new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 0 }), downloads };
}

async function customIds(records: AsyncIterable<{ readonly custom_id?: unknown }>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const result of records) seen.push(result.custom_id);
  return seen;
}

describe("a part the dataset's parts list names twice", () => {
  it("is read once: each record yielded once, in part order, each part downloaded once", async () => {
    const { client, downloads } = await datasetServer([
      { id: "a", index: 0, v: 1 },
      { id: "b", index: 1, v: 1 },
      { id: "a", index: 0, v: 2 },
      { id: "b", index: 1, v: 2 },
    ]);
    expect(await customIds(client.datasets.records("ds-1"))).toEqual(["a0", "a1", "b0", "b1"]);
    expect(downloads).toEqual(["a", "b"]);
  });

  it("named again after the other parts, with another index, is still the one part, read where it first stands", async () => {
    const { client, downloads } = await datasetServer([
      { id: "a", index: 0, v: 1 },
      { id: "b", index: 1, v: 1 },
      { id: "a", index: 2, v: 1 },
    ]);
    expect(await customIds(client.datasets.records("ds-1"))).toEqual(["a0", "a1", "b0", "b1"]);
    expect(downloads).toEqual(["a", "b"]);
  });

  it("parts of their own (another id) are each read", async () => {
    const { client, downloads } = await datasetServer([
      { id: "a", index: 0, v: 1 },
      { id: "c", index: 0, v: 1 },
    ]);
    expect(await customIds(client.datasets.records("ds-1"))).toEqual(["a0", "a1", "c0", "c1"]);
    expect(downloads).toEqual(["a", "c"]);
  });
});
