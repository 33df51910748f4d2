// A part that is not a valid Avro file, or is cut short, is a CohereParseError naming the part:
// never a silent short read, a hang, or a bare TypeError.
import { describe, expect, it } from "vitest";
import { CohereParseError } from "../../src/core/errors/index.js";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { decodeAvroContainer, MAX_BLOCK_BYTES } from "../../src/internal/decoders/avro.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import { avscWrite, chunked, decodeAll } from "../helpers/avro-files.js";

const PART = "part 3 (output-3.avro) of dataset ds-out";
const SCHEMA = {
  type: "record",
  name: "Output",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"] },
  ],
};
const RECORDS = Array.from({ length: 30 }, (_, i) => ({ custom_id: `r${i}`, body: i % 4 ? `{"n":${i}}` : null }));
const SYNC = new Uint8Array(16).fill(7);
const BLOCK = 10;

/** The file of the first `count` records; with a fixed sync marker, each is a prefix of the next. */
const fileOf = (count: number, codec: "null" | "deflate" = "null") =>
  writeAvroContainer(SCHEMA, RECORDS.slice(0, count), { codec, blockRecords: BLOCK, sync: SYNC });

async function parseError(bytes: Uint8Array, chunkSize = 64): Promise<CohereParseError> {
  const error = await decodeAll(chunked(bytes, chunkSize), PART).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(CohereParseError.is(error), `no CohereParseError for ${bytes.length} bytes: ${String(error)}`).toBe(true);
  const parseError = error as CohereParseError;
  expect(parseError.issues[0]).toMatch(new RegExp(`^${PART.replace(/[()]/g, "\\$&")}: `));
  expect(parseError.message).toContain(PART);
  return parseError;
}

describe("a part cut short", () => {
  it("is a CohereParseError at every cut, except exactly between blocks, where it yields the blocks before", async () => {
    const file = await fileOf(RECORDS.length);
    const boundaries = new Map<number, number>();
    for (let count = 0; count <= RECORDS.length; count += BLOCK) boundaries.set((await fileOf(count)).length, count);
    expect(boundaries.get(file.length)).toBe(RECORDS.length);
    for (let cut = 0; cut < file.length; cut++) {
      const prefix = file.subarray(0, cut);
      const complete = boundaries.get(cut);
      if (complete === undefined) await parseError(prefix, 13);
      else expect(await decodeAll(chunked(prefix, 13), PART)).toEqual(RECORDS.slice(0, complete));
    }
  });

  it("names the header or the block where the file ends", async () => {
    const file = await fileOf(RECORDS.length, "deflate");
    expect((await parseError(file.subarray(0, 0))).issues[0]).toContain("header: empty file");
    expect((await parseError(file.subarray(0, 40))).issues[0]).toContain("header: file ends inside the header");
    const twoBlocks = (await fileOf(2 * BLOCK, "deflate")).length;
    expect((await parseError(file.subarray(0, twoBlocks + 5))).issues[0]).toContain(
      "block 2: file ends inside a block",
    );
  });

  it("is a CohereParseError for deflate and snappy files cut anywhere inside a block", async () => {
    for (const file of [await fileOf(RECORDS.length, "deflate"), await avscWrite(SCHEMA, RECORDS, "snappy", 64)]) {
      const headerEnd = (await fileOf(0)).length;
      for (let cut = headerEnd + 1; cut < file.length; cut += 17) {
        const result = await decodeAll(chunked(file.subarray(0, cut), 50), PART).catch((error: unknown) => error);
        // A cut can land between two blocks (a shorter, valid file: the records before it);
        // anywhere else it must fail.
        if (Array.isArray(result)) expect(result).toEqual(RECORDS.slice(0, result.length));
        else expect(CohereParseError.is(result), String(result)).toBe(true);
      }
    }
  });
});

describe("a part that is not valid Avro", () => {
  it("rejects a body that is not an Avro file at all (an HTML error page)", async () => {
    const html = new TextEncoder().encode("<html><body>AccessDenied</body></html>");
    expect((await parseError(html)).issues[0]).toContain("bad magic");
  });

  it("rejects a wrong body at its first bytes, without waiting for the rest", async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("<?xml version"));
      },
    });
    await expect(decodeAll(stalled, PART)).rejects.toThrow(/bad magic/);
  });

  it("rejects a block whose sync marker does not match the header's", async () => {
    const file = await fileOf(RECORDS.length);
    const oneBlock = (await fileOf(BLOCK)).length;
    file[oneBlock - 1] = (file[oneBlock - 1] as number) ^ 0xff; // the last byte of block 0's sync marker
    expect((await parseError(file)).issues[0]).toContain("block 0: sync marker mismatch");
  });

  it("rejects a deflate block that does not inflate", async () => {
    const file = await fileOf(RECORDS.length, "deflate");
    const headerEnd = (await fileOf(0, "deflate")).length;
    file.fill(0xff, headerEnd + 4, headerEnd + 12); // reserved block type 11: invalid deflate
    expect((await parseError(file)).issues[0]).toMatch(/block 0: deflate: /);
  });

  it("rejects a snappy block whose checksum does not match its data", async () => {
    const file = await avscWrite(SCHEMA, RECORDS, "snappy", 1 << 20);
    file[file.length - 17] = (file[file.length - 17] as number) ^ 0x01; // the checksum's last byte, just before the sync marker
    expect((await parseError(file)).issues[0]).toContain("block 0: snappy: checksum mismatch");
  });

  it("rejects garbage after the last block", async () => {
    const file = await fileOf(RECORDS.length);
    const padded = new Uint8Array([...file, 0x02, 0x20, 1, 2, 3]); // "1 record in 16 bytes", then 3 bytes
    expect((await parseError(padded)).issues[0]).toMatch(/block 3: file ends inside a block/);
  });

  it("rejects an unknown codec, a schema that is not JSON, and an unknown type", async () => {
    const file = await fileOf(BLOCK);
    const patch = (from: string, to: string) => {
      const text = new TextDecoder("latin1").decode(file).replace(from, to);
      return Uint8Array.from(text, (char) => char.charCodeAt(0));
    };
    expect((await parseError(patch("\u0008null", "\u0008zstd"))).issues[0]).toContain('unsupported codec "zstd"');
    // Said once where: "header: header: ..." repeated it.
    expect((await parseError(patch('{"type"', '{"type '))).issues[0]).toBe(`${PART}: header: avro.schema is not JSON`);
    expect((await parseError(patch("avro.schema", "avro.schemo"))).issues[0]).toBe(`${PART}: header: no avro.schema`);
    expect((await parseError(patch('"string"', '"strung"'))).issues[0]).toContain('unknown type "strung"');
  });

  it("rejects a record that runs past its block, or a block with bytes left over", async () => {
    const file = await fileOf(1);
    const headerEnd = (await fileOf(0)).length;
    // Block 0 = count 1 (0x02), size, then the record: custom_id "r0" (length 2 = 0x04).
    const longer = file.slice();
    longer[headerEnd + 2] = 0x7e; // custom_id length 63: past the end of the block
    expect((await parseError(longer)).issues[0]).toMatch(/block 0: string length 63 out of range/);
    const shorter = file.slice();
    shorter[headerEnd + 2] = 0x02; // custom_id length 1: one byte left over
    expect((await parseError(shorter)).issues[0]).toMatch(/block 0: .*left after the block's last record|union branch/);
  });
});

describe("the byte source", () => {
  it("passes a source's own failure through unchanged (the download layer maps it)", async () => {
    const file = await fileOf(RECORDS.length);
    const failure = new Error("socket hang up");
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(file.subarray(0, 200));
        controller.error(failure);
      },
    });
    await expect(decodeAll(source, PART)).rejects.toBe(failure);
  });

  it("cancels the source when the reader stops early", async () => {
    const file = await fileOf(RECORDS.length);
    let cancelled = false;
    let at = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= file.length) return controller.close();
        controller.enqueue(file.subarray(at, at + 40));
        at += 40;
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const record of decodeAvroContainer(source, { part: PART })) {
      expect(record).toEqual(RECORDS[0]);
      break;
    }
    expect(cancelled).toBe(true);
    expect(at).toBeLessThan(file.length);
  });
});

describe("the iterator", () => {
  it("serves next() calls made without awaiting the previous one, in order", async () => {
    const file = await fileOf(RECORDS.length);
    const iterator = decodeAvroContainer(chunked(file, 16), { part: PART });
    const steps = await Promise.all(Array.from({ length: RECORDS.length + 2 }, () => iterator.next()));
    expect(steps.filter((step) => !step.done).map((step) => step.value)).toEqual(RECORDS);
    expect(steps.slice(-2).every((step) => step.done)).toBe(true);
  });
});

describe("memory limits", () => {
  /** A zigzag varint, as Avro writes longs. */
  const varint = (value: number) => {
    const out: number[] = [];
    for (let n = value * 2; ; n = Math.floor(n / 128)) {
      if (n < 128) return [...out, n];
      out.push((n % 128) | 128);
    }
  };
  const withBlock = async (count: number, data: Uint8Array, codec: "null" | "deflate" = "deflate") => {
    const header = await writeAvroContainer(SCHEMA, [], { codec, sync: SYNC });
    return new Uint8Array([...header, ...varint(count), ...varint(data.length), ...data, ...SYNC]);
  };

  it("refuses a deflate block that inflates past MAX_BLOCK_BYTES (a decompression bomb)", async () => {
    const bomb = new Uint8Array(deflateRawSync(new Uint8Array(MAX_BLOCK_BYTES + 1024)));
    expect((await parseError(await withBlock(1, bomb), 4096)).issues[0]).toMatch(
      /block 0: deflate: block inflates past/,
    );
  });

  it("refuses a block claiming more records than its bytes can hold, before reading any", async () => {
    // Each record takes at least 2 bytes (a string length, a union branch): 40 bytes hold 20.
    const file = await withBlock(2 ** 40, new Uint8Array(40), "null");
    expect((await parseError(file)).issues[0]).toMatch(/block 0: block says 1099511627776 records in 40 bytes/);
  });

  it("reads a file of records that take no bytes, as avsc writes it (1,000 records of only null fields in a block of 0 bytes)", async () => {
    const nulls = { type: "record", name: "Nulls", fields: [{ name: "custom_id", type: "null" }] };
    const file = await avscWrite(
      nulls,
      Array.from({ length: 1000 }, () => ({ custom_id: null })),
      "null",
    );
    expect(await decodeAll(chunked(file, 64), PART)).toHaveLength(1000);
  });

  it("refuses a file of records that take no bytes claiming more of them than a million beyond its bytes", async () => {
    // Nothing bounds how many such records a block says it holds: 2^50 of them in 0 bytes
    // would be yielded for months.
    const empty = { type: "record", name: "Empty", fields: [] };
    const header = await writeAvroContainer(empty, [], { codec: "null", sync: SYNC });
    const file = new Uint8Array([...header, ...varint(2 ** 50), ...varint(0), ...SYNC]);
    const error = await decodeAll(chunked(file, 64), PART).catch((caught: unknown) => caught);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).issues[0]).toMatch(/block 0: block says 1125899906842624 records in 0 bytes/);
  });

  it("refuses a block header announcing more than MAX_BLOCK_BYTES, without reading on", async () => {
    const file = await withBlock(1, new Uint8Array(10));
    const headerEnd = file.length - 10 - 16 - 2;
    const claim = new Uint8Array([...file.subarray(0, headerEnd), ...varint(1), ...varint(MAX_BLOCK_BYTES + 1)]);
    // The source then stalls: the decoder must not wait for 64 MiB that will never come.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(claim);
      },
    });
    const error = await decodeAll(stalled, PART).catch((caught: unknown) => caught);
    expect(CohereParseError.is(error)).toBe(true);
    expect((error as CohereParseError).issues[0]).toMatch(/block 0: block header says 1 records in \d+ bytes/);
  });

  it("uses a given inflater (zlib's in the Node build), and names the part when it fails", async () => {
    const file = await fileOf(RECORDS.length, "deflate");
    const inflated: number[] = [];
    const inflateRaw = (block: Uint8Array) => {
      inflated.push(block.length);
      return inflateRawSync(block);
    };
    const records: unknown[] = [];
    for await (const record of decodeAvroContainer(chunked(file, 100), { part: PART, inflateRaw }))
      records.push(record);
    expect(records).toEqual(RECORDS);
    expect(inflated).toHaveLength(RECORDS.length / BLOCK);
    const failing = decodeAvroContainer(chunked(file, 100), {
      part: PART,
      inflateRaw: () => {
        throw new Error("invalid stored block lengths");
      },
    });
    await expect(failing.next()).rejects.toThrow(
      /part 3 \(output-3\.avro\) of dataset ds-out: block 0: deflate: invalid stored/,
    );
  });
});
