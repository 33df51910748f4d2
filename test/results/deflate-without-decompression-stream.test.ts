// Where the platform has no DecompressionStream (Vercel's Edge Runtime), deflate parts decode
// with the SDK's own inflater: the same records, and a corrupt block or a decompression bomb is
// a CohereParseError naming the part, as it is with the other inflaters (it was a ReferenceError).
import { deflateRawSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CohereParseError } from "../../src/core/errors/index.js";
import { MAX_BLOCK_BYTES } from "../../src/internal/decoders/avro.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import { FIXTURE_SCHEMA, fixtureRecords } from "../fixtures/avro/records.mjs";
import { avscWrite, chunked, decodeAll, normalise } from "../helpers/avro-files.js";

const PART = "part 1 (part-1.avro) of dataset ds-edge";

beforeEach(() => {
  vi.stubGlobal("DecompressionStream", undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

async function failure(file: Uint8Array): Promise<string> {
  const error = await decodeAll(chunked(file, 1000), PART).catch((caught: unknown) => caught);
  expect(CohereParseError.is(error), String(error)).toBe(true);
  return (error as CohereParseError).issues[0] ?? "";
}

describe("deflate parts without DecompressionStream", () => {
  it("decode to the same records, from the fake's writer and from avsc's", async () => {
    expect(typeof DecompressionStream).toBe("undefined");
    const records = fixtureRecords();
    const ours = await writeAvroContainer(FIXTURE_SCHEMA, records, { blockRecords: 50 });
    expect(normalise(await decodeAll(chunked(ours, 4096), PART))).toEqual(normalise(records));
    const avsc = await avscWrite(FIXTURE_SCHEMA, records, "deflate", 16 * 1024);
    expect(normalise(await decodeAll(chunked(avsc, 777), PART))).toEqual(normalise(records));
  });

  it("name the part and the block when a block does not inflate", async () => {
    const file = await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords().slice(0, 10));
    const headerEnd = (await writeAvroContainer(FIXTURE_SCHEMA, [])).length;
    file.fill(0xff, headerEnd + 4, headerEnd + 12); // reserved block type 11: invalid deflate
    expect(await failure(file)).toMatch(/^part 1 \(part-1\.avro\) of dataset ds-edge: block 0: deflate: /);
  });

  it("refuse a block that inflates past MAX_BLOCK_BYTES (a decompression bomb)", async () => {
    const header = await writeAvroContainer(FIXTURE_SCHEMA, [], { sync: new Uint8Array(16) });
    const bomb = deflateRawSync(new Uint8Array(MAX_BLOCK_BYTES + 1024), { level: 9 });
    const varint = (value: number) => {
      const out: number[] = [];
      for (let n = value * 2; ; n = Math.floor(n / 128)) {
        if (n < 128) return [...out, n];
        out.push((n % 128) | 128);
      }
    };
    const file = new Uint8Array([...header, ...varint(1), ...varint(bomb.length), ...bomb, ...new Uint8Array(16)]);
    expect(await failure(file)).toMatch(/block 0: deflate: block inflates past 67108864 bytes/);
  });
});

describe("the inflater's chunk", () => {
  afterEach(() => {
    vi.doUnmock("../../src/internal/decoders/inflate-raw.js");
    vi.resetModules();
  });

  it("failing to load (a page's chunk fetched offline) is a CohereError naming it, not a TypeError", async () => {
    vi.resetModules();
    vi.doMock("../../src/internal/decoders/inflate-raw.js", () => {
      throw new TypeError("Failed to fetch dynamically imported module");
    });
    const { decodeAvroContainer } = await import("../../src/internal/decoders/avro.js");
    const { CohereError } = await import("../../src/core/errors/index.js");
    const file = await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords().slice(0, 10));
    const error = await decodeAvroContainer(chunked(file, 1000), { part: PART })
      .next()
      .catch((caught: unknown) => caught);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not load the deflate decoder: .*Failed to fetch/);
  });

  it("that stalls (a page's chunk fetch that never ends) ends with the caller's abort", async () => {
    vi.resetModules();
    vi.doMock("../../src/internal/decoders/inflate-raw.js", () => new Promise(() => {}));
    const { decodeAvroContainer } = await import("../../src/internal/decoders/avro.js");
    const { CohereAbortError } = await import("../../src/core/errors/index.js");
    const file = await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords().slice(0, 10));
    const controller = new AbortController();
    const reason = new Error("the caller stopped");
    setTimeout(() => controller.abort(reason), 50);
    const outcome = await Promise.race([
      decodeAvroContainer(chunked(file, 1000), { part: PART, signal: controller.signal })
        .next()
        .catch((caught: unknown) => caught),
      new Promise((resolve) => setTimeout(resolve, 2000, "still waiting after 2 s")),
    ]);
    expect(CohereAbortError.is(outcome), String(outcome)).toBe(true);
    expect((outcome as Error).cause).toBe(reason);
  });
});
