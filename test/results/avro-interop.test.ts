// Our Avro decoder reads what avsc (the reference JS implementation) writes, with every codec
// and every type Cohere's outputs use; avsc reads what the fake's writer writes.
import { describe, expect, it } from "vitest";
import { AvroCursor } from "../../src/internal/decoders/avro-cursor.js";
import { type AvroWriteOptions, writeAvroContainer } from "../../src/testing/avro-writer.js";
import { avscRead, avscWrite, type Codec, chunked, decodeAll, normalise } from "../helpers/avro-files.js";

const EVERY_TYPE = {
  type: "record",
  name: "Everything",
  namespace: "test.avro",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"] },
    { name: "count", type: "int" },
    { name: "big", type: "long" },
    { name: "ratio", type: "double" },
    { name: "half", type: "float" },
    { name: "ok", type: "boolean" },
    { name: "raw", type: "bytes" },
    { name: "nothing", type: "null" },
    { name: "floats", type: { type: "array", items: "double" } },
    { name: "labels", type: { type: "map", values: "string" } },
    { name: "status", type: { type: "enum", name: "Status", symbols: ["OK", "FAILED"] } },
    { name: "digest", type: { type: "fixed", name: "Digest", size: 4 } },
    { name: "choice", type: ["null", "long", "string"] },
    { name: "maybe", type: ["null", "Status"] },
    { name: "again", type: "Status" },
    { name: "nested", type: ["null", { type: "record", name: "Inner", fields: [{ name: "text", type: "string" }] }] },
  ],
};

function everyTypeRecord(i: number) {
  return {
    custom_id: `req-${i}`,
    body: i % 3 === 0 ? null : JSON.stringify({ i, text: "héllo wörld ✓ 😀".repeat(i % 4) }),
    count: i % 2 ? -i : i,
    big: (i % 2 ? -1 : 1) * (2 ** 40 + i * 7919),
    ratio: i / 7,
    half: 0.5 + i,
    ok: i % 2 === 0,
    raw: Buffer.from([i & 255, 0, 255]),
    nothing: null,
    floats: Array.from({ length: i % 5 }, (_, k) => k * 0.25),
    labels: i % 4 ? { a: `x${i}`, "with space": "é" } : {},
    status: i % 2 ? "FAILED" : "OK",
    digest: Buffer.from([1, 2, 3, i & 255]),
    choice: [null, i * 1_000_000_007, `s${i}`][i % 3],
    again: "OK",
    maybe: i % 2 ? "FAILED" : null,
    nested: i % 2 ? { text: `inner ${i}` } : null,
  };
}

const RECORDS = Array.from({ length: 300 }, (_, i) => everyTypeRecord(i));

describe("decoding files written by avsc", () => {
  for (const codec of ["null", "deflate", "snappy"] satisfies Codec[]) {
    it(`yields avsc's own reading of a ${codec} file, record for record, across many blocks`, async () => {
      const file = await avscWrite(EVERY_TYPE, RECORDS, codec);
      const ours = await decodeAll(chunked(file, 4096));
      expect(ours).toHaveLength(RECORDS.length);
      expect(normalise(ours)).toEqual(normalise(await avscRead(file)));
    });
  }

  it("keeps a string's leading U+FEFF, as avsc does: it is data, not a byte-order mark", async () => {
    // TextDecoder's default dropped it: a custom_id "\uFEFFid-1" came back "id-1".
    const schema = {
      type: "record",
      name: "Out",
      fields: [
        { name: "custom_id", type: "string" },
        { name: "tags", type: { type: "map", values: "string" } },
      ],
    };
    const records = [
      { custom_id: "\uFEFFid-1", tags: { "\uFEFFk": "\uFEFFv" } },
      { custom_id: `\uFEFF${"a-longer-id-past-24-bytes-".repeat(2)}`, tags: {} },
    ];
    const file = await avscWrite(schema, records, "deflate");
    expect(await decodeAll(chunked(file, 3))).toEqual(records);
    expect(normalise(await decodeAll(chunked(file, 64)))).toEqual(normalise(await avscRead(file)));
  });

  it("reads named types called as Object's own properties (constructor, toString, valueOf, hasOwnProperty)", async () => {
    // Looked up in a plain object, the name found Object's function: a valid file was refused,
    // or (a type of zero bytes) a record carried the decoder's cursor in place of the value.
    for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"]) {
      for (const fields of [[{ name: "n", type: "null" }], [{ name: "s", type: "string" }]]) {
        const schema = {
          type: "record",
          name: "Out",
          namespace: "com.example",
          fields: [
            { name: "custom_id", type: "string" },
            { name: "first", type: { type: "record", name, fields } },
            { name: "second", type: name },
          ],
        };
        const value = fields[0]?.type === "null" ? { n: null } : { s: "x" };
        const records = [1, 2].map((i) => ({ custom_id: `r${i}`, first: value, second: value }));
        // The fake's writer keeps the schema as given: avsc writes the reference's full name.
        const file = await writeAvroContainer(schema, records, { codec: "null" });
        expect(await decodeAll(chunked(file, 16))).toEqual(records);
        expect(await avscRead(file)).toEqual(records);
      }
    }
  });

  it("the fake's writer takes a field called as Object's own property, null where the record lacks it", async () => {
    // It read Object's function for a missing field `constructor`, and refused the record.
    const schema = {
      type: "record",
      name: "Out",
      fields: [
        { name: "custom_id", type: "string" },
        { name: "constructor", type: ["null", "string"] },
      ],
    };
    const file = await writeAvroContainer(schema, [{ custom_id: "a" }, { custom_id: "b", constructor: "x" }]);
    expect(await decodeAll(chunked(file, 16))).toEqual([
      { custom_id: "a", constructor: null },
      { custom_id: "b", constructor: "x" },
    ]);
  });

  it("gives the bare value of a union branch, never avsc's wrapped form", async () => {
    const file = await avscWrite(EVERY_TYPE, RECORDS.slice(0, 3), "null");
    const [first, second, third] = (await decodeAll(chunked(file, 64))) as Record<string, unknown>[];
    expect([first?.body, first?.choice, first?.nested]).toEqual([null, null, null]);
    expect(second?.body).toBe(JSON.stringify({ i: 1, text: "héllo wörld ✓ 😀" }));
    expect(second?.choice).toBe(1_000_000_007);
    expect(second?.nested).toEqual({ text: "inner 1" });
    expect(third?.choice).toBe("s2");
  });

  it("decodes the same records whatever the chunk boundaries (1 byte, 7 bytes, whole file)", async () => {
    const file = await avscWrite(EVERY_TYPE, RECORDS.slice(0, 40), "deflate");
    const expected = normalise(await avscRead(file));
    for (const size of [1, 7, file.length]) expect(normalise(await decodeAll(chunked(file, size)))).toEqual(expected);
  });

  it("reads an async iterable of chunks as well as a ReadableStream", async () => {
    const file = await avscWrite(EVERY_TYPE, RECORDS.slice(0, 10), "snappy");
    async function* chunks() {
      for (let at = 0; at < file.length; at += 100) yield file.subarray(at, at + 100);
    }
    expect(normalise(await decodeAll(chunks()))).toEqual(normalise(await avscRead(file)));
  });

  it("reads recursive named types and longs beyond 32 bits exactly", async () => {
    const schema = {
      type: "record",
      name: "Node",
      fields: [
        { name: "value", type: "long" },
        { name: "next", type: ["null", "Node"] },
      ],
    };
    const list = { value: -(2 ** 52), next: { value: 2 ** 52 + 3, next: { value: 0, next: null } } };
    expect(await decodeAll(chunked(await avscWrite(schema, [list], "deflate"), 5))).toEqual([list]);
  });

  it("reads every safe integer exactly, to ±(2^53 - 1) (avsc's own reader rounds past 2^52)", async () => {
    const schema = { type: "record", name: "N", fields: [{ name: "n", type: "long" }] };
    const values = [
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 52 + 1,
      -(2 ** 52 + 1),
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 28,
      -(2 ** 28) - 1,
    ];
    const records = values.map((n) => ({ n }));
    const file = await writeAvroContainer(schema, records, { codec: "null" });
    expect(await decodeAll(chunked(file, 3))).toEqual(records);
    // The spec's encoding, by hand: zigzag(2^53 - 1) = 2^54 - 2, zigzag(-(2^53 - 1)) = 2^54 - 3.
    const max = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f];
    const min = [0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f];
    const cursor = new AvroCursor(new Uint8Array([...max, ...min]));
    expect([cursor.readLong(), cursor.readLong(), cursor.pos]).toEqual([2 ** 53 - 1, -(2 ** 53 - 1), 16]);
    expect(file.join(",")).toContain(max.join(","));
  });

  it("yields a long past ±(2^53 - 1) as an exact bigint, not a rounded number", async () => {
    // zigzag varints by hand, for the 64-bit values no writer here takes.
    const zigzag = (value: bigint) => {
      let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
      const out: number[] = [];
      for (; v >= 0x80n; v >>= 7n) out.push(Number((v & 0x7fn) | 0x80n));
      out.push(Number(v));
      return out;
    };
    const schema = { type: "record", name: "N", fields: [{ name: "n", type: "long" }] };
    const sync = new Uint8Array(16).fill(7);
    const header = await writeAvroContainer(schema, [], { codec: "null", sync });
    const values = [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 53n), 123n, -(2n ** 53n - 1n)];
    const body = values.flatMap(zigzag);
    const file = new Uint8Array([
      ...header,
      ...zigzag(BigInt(values.length)),
      ...zigzag(BigInt(body.length)),
      ...body,
      ...sync,
    ]);
    expect(await decodeAll(chunked(file, 3))).toEqual([
      { n: 2n ** 53n + 1n },
      { n: 2n ** 63n - 1n },
      { n: -(2n ** 63n) },
      { n: -(2n ** 53n) },
      { n: 123 },
      { n: -(2 ** 53 - 1) },
    ]);
  });

  it("yields nothing for a file of a header and no blocks", async () => {
    // (avsc writes no bytes at all for no records; Java and the fake write the header.)
    expect(await decodeAll(chunked(await writeAvroContainer(EVERY_TYPE, []), 10))).toEqual([]);
  });
});

describe("the fake's writer", () => {
  for (const codec of ["null", "deflate"] as const) {
    it(`writes ${codec} files that avsc reads back as written`, async () => {
      const file = await writeAvroContainer(EVERY_TYPE, RECORDS, { codec, blockRecords: 32 });
      expect(normalise(await avscRead(file))).toEqual(normalise(RECORDS));
      expect(normalise(await decodeAll(chunked(file, 1000)))).toEqual(normalise(RECORDS));
    });
  }

  it("deflates by default, and deflate files are smaller than null ones", async () => {
    const deflated = await writeAvroContainer(EVERY_TYPE, RECORDS);
    const plain = await writeAvroContainer(EVERY_TYPE, RECORDS, { codec: "null" });
    expect(new TextDecoder().decode(deflated.subarray(0, 2000))).toContain("avro.codec\u000edeflate");
    expect(deflated.length).toBeLessThan(plain.length / 2);
  });

  it("refuses a record that does not fit the schema, and options it cannot honour", async () => {
    await expect(writeAvroContainer(EVERY_TYPE, [{ custom_id: 42 }])).rejects.toThrow(TypeError);
    await expect(writeAvroContainer(EVERY_TYPE, RECORDS, { blockRecords: 0 })).rejects.toThrow(/blockRecords/);
    const snappy = { codec: "snappy" } as unknown as AvroWriteOptions; // (a JS caller)
    await expect(writeAvroContainer(EVERY_TYPE, RECORDS, snappy)).rejects.toThrow(/codec must be/);
  });

  it("refuses a value of any other schema that does not fit it, as it refuses a record's field", async () => {
    // Written unchecked at the top level: an unknown symbol as index -1, 3 bytes for a fixed(2).
    const enumType = { type: "enum", name: "E", symbols: ["A", "B"] };
    const misfits: [unknown, unknown][] = [
      [enumType, "C"],
      [{ type: "fixed", name: "F", size: 2 }, new Uint8Array(3)],
      ["int", 2 ** 40],
      ["int", 2 ** 31],
      ["boolean", 1],
      [{ type: "array", items: "int" }, [2 ** 40]],
      [{ type: "map", values: "string" }, { a: 1 }],
    ];
    for (const [schema, value] of misfits)
      await expect(writeAvroContainer(schema, [value]), JSON.stringify(schema)).rejects.toThrow(
        /^Avro: the schema cannot hold /,
      );
    await expect(
      writeAvroContainer({ type: "record", name: "R", fields: [{ name: "e", type: enumType }] }, [{ e: "C" }]),
    ).rejects.toThrow('Avro record: field e cannot hold "C"');
  });

  it("names what it cannot hold however JSON would fail to show it, and a record that is no object", async () => {
    // A BigInt, a symbol or a cycle threw JSON's own error or said "undefined"; a null record
    // failed as "Cannot read properties of null".
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: [unknown, unknown, string][] = [
      ["long", 5n, "Avro: the schema cannot hold 5n"],
      ["string", Symbol("s"), "Avro: the schema cannot hold Symbol(s)"],
      ["string", cycle, "Avro: the schema cannot hold [object Object]"],
      [{ type: "record", name: "R", fields: [{ name: "a", type: "int" }] }, null, "Avro: the schema cannot hold null"],
      [
        { type: "record", name: "R", fields: [{ name: "a", type: "int" }] },
        { a: 5n },
        "Avro record: field a cannot hold 5n",
      ],
    ];
    for (const [schema, value, message] of cases)
      await expect(writeAvroContainer(schema, [value])).rejects.toThrow(message);
  });

  it('refuses options that are unknown or null: codec null was deflate, easily taken for "null"', async () => {
    const refusals: [unknown, string | RegExp][] = [
      [{ codec: null }, "writeAvroContainer options.codec must not be null (leave it out for the default)"],
      [{ blockRecords: null }, "writeAvroContainer options.blockRecords must not be null"],
      [{ codc: "null" }, /^writeAvroContainer options\.codc is not an option \(misspelt\?\)/],
      [null, "writeAvroContainer options must be an object, got null"],
      [{ sync: "0123456789abcdef" }, "sync must be 16 bytes (a Uint8Array)"],
    ];
    for (const [options, message] of refusals)
      await expect(writeAvroContainer("int", [1], options as AvroWriteOptions)).rejects.toThrow(message);
  });

  it("writes every int, -2^31 and 2^31 - 1 included, and values of other schemas that fit", async () => {
    const ints = { type: "record", name: "R", fields: [{ name: "i", type: "int" }] };
    const edges = [{ i: -(2 ** 31) }, { i: 2 ** 31 - 1 }];
    expect(await avscRead(await writeAvroContainer(ints, edges, { codec: "null" }))).toEqual(edges);
    const words = { type: "array", items: "string" };
    expect(await avscRead(await writeAvroContainer(words, [["a", "b"]], { codec: "null" }))).toEqual([["a", "b"]]);
  });
});
