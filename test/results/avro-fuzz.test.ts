// Whatever the bytes, the decoder ends: with records, or with a CohereParseError naming the
// part; never another error, never a hang. Random corruptions of real files (every codec),
// and random records round-tripped through the fake's writer and avsc.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CohereParseError } from "../../src/core/errors/index.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import { FIXTURE_SCHEMA, fixtureRecords } from "../fixtures/avro/records.mjs";
import { avscRead, avscWrite, chunked, decodeAll, normalise } from "../helpers/avro-files.js";

const PART = "part 1 of dataset ds-fuzz";

const files = async () => [
  await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords().slice(0, 40), { codec: "null", blockRecords: 8 }),
  await writeAvroContainer(FIXTURE_SCHEMA, fixtureRecords().slice(0, 40), { blockRecords: 8 }),
  await avscWrite(FIXTURE_SCHEMA, fixtureRecords().slice(0, 40), "snappy", 512),
];

describe("corrupted files", () => {
  it("end in records or a CohereParseError naming the part, whatever bytes are changed", async () => {
    const originals = await files();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.integer({ min: 1, max: 700 }),
        async (which, flips, cut, chunkSize) => {
          const file = (originals[which] as Uint8Array).slice();
          for (const [at, mask] of flips) file[at % file.length] = ((file[at % file.length] as number) ^ mask) & 0xff;
          const bytes = cut === undefined ? file : file.subarray(0, cut % file.length);
          const result = await decodeAll(chunked(bytes, chunkSize), PART).catch((error: unknown) => error);
          if (Array.isArray(result)) return;
          expect(CohereParseError.is(result), String(result)).toBe(true);
          expect((result as CohereParseError).issues[0]?.startsWith(`${PART}: `)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);
});

describe("random records", () => {
  const SCHEMA = {
    type: "record",
    name: "Random",
    fields: [
      { name: "custom_id", type: "string" },
      { name: "body", type: ["null", "string"] },
      { name: "n", type: "long" },
      { name: "x", type: "double" },
      { name: "tags", type: { type: "array", items: "string" } },
      { name: "meta", type: { type: "map", values: ["null", "long"] } },
      { name: "raw", type: "bytes" },
    ],
  };
  const record = fc.record({
    custom_id: fc.string(),
    body: fc.option(fc.string({ unit: "grapheme" }), { nil: null }),
    // avsc reads magnitudes past 2^52 inexactly (ours are exact to 2^53: avro-interop.test.ts)
    n: fc
      .integer({ min: -(2 ** 31), max: 2 ** 31 })
      .chain((high) => fc.nat(2 ** 21).map((low) => high * 2 ** 21 + low)),
    x: fc.double({ noNaN: true }),
    tags: fc.array(fc.string(), { maxLength: 4 }),
    meta: fc.dictionary(
      fc.string().filter((key) => key !== "__proto__"),
      fc.option(fc.integer(), { nil: null }),
      { maxKeys: 3 },
    ),
    raw: fc.uint8Array({ maxLength: 20 }),
  });

  it("come back as written, through the fake's writer to avsc and to our decoder", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), async (records, block) => {
        const file = await writeAvroContainer(SCHEMA, records, { blockRecords: block });
        expect(normalise(await decodeAll(chunked(file, 97), PART))).toEqual(normalise(records));
        expect(normalise(await avscRead(file))).toEqual(normalise(records));
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
