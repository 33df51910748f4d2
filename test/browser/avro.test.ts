// The Avro decoder in a real browser (headless Chromium): the committed fixtures, fetched from
// Vite's server as a download arrives (a fetch body stream), decode with the platform's own
// DecompressionStream (deflate) and the decoder's snappy; the fake's writer works here too.
import { describe, expect, it } from "vitest";
import { decodeAvroContainer } from "../../src/internal/decoders/avro.js";
import { toBatchResult } from "../../src/internal/decoders/batch-result.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import deflateUrl from "../fixtures/avro/output-deflate.avro?url";
import snappyUrl from "../fixtures/avro/output-snappy.avro?url";
import { FIXTURE_SCHEMA, fixtureRecords } from "../fixtures/avro/records.mjs";

async function decodeAll(body: ReadableStream<Uint8Array>, part: string): Promise<unknown[]> {
  const records: unknown[] = [];
  for await (const record of decodeAvroContainer(body, { part })) records.push(record);
  return records;
}

describe("the Avro decoder in Chromium", () => {
  for (const [codec, url] of [
    ["deflate", deflateUrl],
    ["snappy", snappyUrl],
  ] as const) {
    it(`decodes the ${codec} fixture from a fetch body stream`, async () => {
      expect(typeof window.document).toBe("object");
      const response = await fetch(url);
      expect(response.ok).toBe(true);
      const records = await decodeAll(response.body as ReadableStream<Uint8Array>, `${codec} fixture`);
      expect(records).toEqual(fixtureRecords());
      expect(toBatchResult(records[0], "fixture").body).toEqual(JSON.parse(fixtureRecords()[0]?.body as string));
    });
  }

  it("reads back what the fake's writer deflates with the page's CompressionStream", async () => {
    const file = await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords(), { blockRecords: 16 });
    expect(await decodeAll(new Blob([file]).stream(), "written in the page")).toEqual(fixtureRecords());
  });

  it("names the part when a download is cut short", async () => {
    const file = new Uint8Array(await (await fetch(deflateUrl)).arrayBuffer());
    const cut = new Blob([file.subarray(0, file.length - 100)]).stream();
    await expect(decodeAll(cut, "part 7 of ds-x")).rejects.toThrow(
      /part 7 of ds-x: block \d+: file ends inside a block/,
    );
  });
});
