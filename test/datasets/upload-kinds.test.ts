import { createReadStream, mkdtempSync, openAsBlob, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DatasetData } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();
const LINE_1 = { custom_id: "1", body: { messages: [{ role: "user", content: "héllo" }] } };
const LINE_2 = { custom_id: "2", body: { messages: [{ role: "user", content: "world" }] } };
const JSONL = `${JSON.stringify(LINE_1)}\n${JSON.stringify(LINE_2)}\n`;
const BYTES = new TextEncoder().encode(JSONL);

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function* asyncObjects() {
  yield LINE_1;
  yield LINE_2;
}

function* syncObjects() {
  yield LINE_1;
  yield LINE_2;
}

async function* asyncStrings() {
  yield JSONL.slice(0, 10);
  yield JSONL.slice(10);
}

// Empty chunks anywhere: a pull that enqueued nothing stalled the upload until its timeout.
async function* withEmptyChunks() {
  yield "";
  yield JSONL.slice(0, 10);
  yield new Uint8Array(0);
  yield JSONL.slice(10);
  yield "";
}

/** A stream of what an iterable would give: strings (a `TextDecoderStream`'s output) or objects. */
function streamOfItems(items: unknown[]): ReadableStream<unknown> {
  return new ReadableStream({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}

const file = join(mkdtempSync(join(tmpdir(), "datasets-")), "on-disk.jsonl");
writeFileSync(file, JSONL);

const kinds: [string, () => unknown, string][] = [
  ["a string", () => JSONL, "requests.jsonl"],
  ["a Uint8Array", () => BYTES, "requests.jsonl"],
  ["an ArrayBuffer", () => BYTES.slice().buffer, "requests.jsonl"],
  ["a Blob", () => new Blob([JSONL]), "requests.jsonl"],
  ["a File (its own name)", () => new File([JSONL], "own-name.jsonl"), "own-name.jsonl"],
  ["a Blob from fs.openAsBlob", () => openAsBlob(file), "requests.jsonl"],
  ["a ReadableStream", () => streamOf([BYTES.slice(0, 7), BYTES.slice(7)]), "requests.jsonl"],
  ["an async iterable of strings", asyncStrings, "requests.jsonl"],
  ["a Node fs read stream", () => createReadStream(file, { highWaterMark: 16 }), "requests.jsonl"],
  ["an array of objects", () => [LINE_1, LINE_2], "requests.jsonl"],
  ["an async generator of objects", asyncObjects, "requests.jsonl"],
  ["a generator of objects", syncObjects, "requests.jsonl"],
  ["an async iterable with empty chunks", withEmptyChunks, "requests.jsonl"],
  [
    "a ReadableStream with empty chunks",
    () => streamOf([new Uint8Array(0), BYTES.slice(0, 7), new Uint8Array(0), BYTES.slice(7)]),
    "requests.jsonl",
  ],
  ["a ReadableStream of strings", () => streamOfItems([JSONL.slice(0, 10), JSONL.slice(10)]), "requests.jsonl"],
  ["a ReadableStream of objects", () => streamOfItems([LINE_1, LINE_2]), "requests.jsonl"],
];

describe("datasets.create sends every kind of data as its bytes, with a filename", () => {
  it.each(kinds)("%s", async (_, make, filename) => {
    // A stalled upload is then a CohereTimeoutError within seconds, not a test that hangs.
    const client = server.client({ timeoutInSeconds: 5 });
    const { id } = await client.datasets.create({
      name: "requests",
      type: "batch-chat-v2-input",
      data: (await make()) as DatasetData,
    });
    const form = server.fake.requests.at(-1)?.form as FormData;
    const data = form.get("data") as File;
    expect(data.name).toBe(filename);
    expect(new Uint8Array(await data.arrayBuffer())).toEqual(BYTES);
    server.clock.advance(2000);
    expect((await client.datasets.retrieve(id)).dataset.validation_status).toBe("validated");
  });

  it("an explicit filename wins over a File's own, and eval_data goes as its own part", async () => {
    await server.client().datasets.create({
      name: "requests",
      type: "batch-chat-v2-input",
      data: new File([JSONL], "ignored.txt"),
      filename: "chosen.jsonl",
      eval_data: [LINE_1],
    });
    const form = server.fake.requests.at(-1)?.form as FormData;
    expect((form.get("data") as File).name).toBe("chosen.jsonl");
    expect((form.get("eval_data") as File).name).toBe("requests-eval.jsonl");
    expect(await (form.get("eval_data") as File).text()).toBe(`${JSON.stringify(LINE_1)}\n`);
  });

  it("a filename with quotes and a newline is escaped on the wire and read back intact", async () => {
    await server.client().datasets.create({ name: "n", type: "embed-input", data: "{}", filename: 'a"b\nc.jsonl' });
    const form = server.fake.requests.at(-1)?.form as FormData;
    expect((form.get("data") as File).name).toBe('a"b\nc.jsonl');
  });

  it("sends every query field, arrays as repeated keys", async () => {
    await server.client().datasets.create({
      name: "requests",
      type: "batch-chat-v2-input",
      data: JSONL,
      keep_original_file: true,
      skip_malformed_input: false,
      keep_fields: ["a", "b c"],
      optional_fields: ["d"],
      text_separator: ";",
      csv_delimiter: ",",
    });
    const url = new URL(server.fake.requests.at(-1)?.url ?? "");
    expect(url.searchParams.getAll("keep_fields")).toEqual(["a", "b c"]);
    expect(url.search).toContain("keep_fields=a&keep_fields=b%20c");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      name: "requests",
      type: "batch-chat-v2-input",
      keep_original_file: "true",
      skip_malformed_input: "false",
      optional_fields: "d",
      text_separator: ";",
      csv_delimiter: ",",
    });
  });

  it("refuses data (and eval_data) known to be empty before sending: it failed validation once uploaded", async () => {
    const upload = (fields: object) =>
      server.client().datasets.create({ name: "d", type: "batch-chat-v2-input", data: JSONL, ...fields });
    for (const empty of ["", [], new Set(), new Map(), new Uint8Array(0), new ArrayBuffer(0), new Blob([])]) {
      await expect(upload({ data: empty })).rejects.toThrow("Invalid request: data is empty: a dataset needs a record");
      await expect(upload({ eval_data: empty })).rejects.toThrow(
        "Invalid request: eval_data is empty: leave it out, or give it a record",
      );
    }
    expect(server.fake.requests).toEqual([]);
  });

  it("refuses a csv_delimiter that is not one character other than the quote, before sending", async () => {
    // ";;" was sent, and the server refused it (400) after the upload.
    for (const csv_delimiter of [";;", "", '"', "ab", "\n", "\r"])
      await expect(
        server.client().datasets.create({ name: "d", type: "batch-chat-v2-input", data: JSONL, csv_delimiter }),
      ).rejects.toThrow(
        /^Invalid request: csv_delimiter (must be one character other than '"' or a line break|must not be empty)/,
      );
    expect(server.fake.requests).toEqual([]);
    // One character, outside the BMP too, is one.
    for (const csv_delimiter of ["\t", "|", "\u{1F600}"])
      await server.client().datasets.create({ name: "d", type: "batch-chat-v2-input", data: JSONL, csv_delimiter });
    expect(server.fake.requests.map((r) => new URL(r.url).searchParams.get("csv_delimiter"))).toEqual([
      "\t",
      "|",
      "\u{1F600}",
    ]);
  });
});
