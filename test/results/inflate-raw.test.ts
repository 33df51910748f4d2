// The SDK's own raw inflater (for runtimes without DecompressionStream, such as Vercel's Edge
// Runtime) gives byte for byte what zlib deflated, at every level and strategy; any other input
// ends in its output or an AvroFormatError (as zlib rejects it), promptly: never another error,
// never a hang, and never more output than the cap.
import { constants, deflateRawSync, inflateRawSync as zlibInflate } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AvroFormatError } from "../../src/internal/decoders/avro-cursor.js";
import { inflateRawSync } from "../../src/internal/decoders/inflate-raw.js";

const CAP = 64 * 1024 * 1024;
const STRATEGIES = [
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FILTERED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
  constants.Z_FIXED,
];

/** A seeded generator (mulberry32): the same inputs on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ["random", "text", "zeros", "json", "runs", "small alphabet"] as const;

function input(kind: (typeof KINDS)[number], size: number, next: () => number): Uint8Array {
  const out = new Uint8Array(size);
  if (kind === "random") for (let i = 0; i < size; i++) out[i] = next() * 256;
  if (kind === "text" || kind === "json") {
    const line =
      kind === "text"
        ? "the quick brown fox jumps over the lazy dog; "
        : '{"custom_id":"r%","body":{"embeddings":{"float":[0.%1,-0.%2]}}}\n';
    let text = "";
    for (let i = 0; text.length < size; i++) text += line.replaceAll("%", String((i * 7919) % 1000));
    out.set(new TextEncoder().encode(text.slice(0, size)).subarray(0, size));
  }
  if (kind === "runs") {
    for (let i = 0, end = 0; i < size; i = end) {
      end = i + 1 + Math.floor(next() * 300);
      out.fill(next() * 256, i, end);
    }
  }
  if (kind === "small alphabet") for (let i = 0; i < size; i++) out[i] = 97 + next() * 4;
  return out;
}

function same(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), expected) === 0;
}

describe("the JavaScript raw inflater, against zlib", () => {
  it("inflates every kind of data at every level and strategy, 0 B to 200 KiB, byte for byte", () => {
    const next = random(1951);
    let cases = 0;
    for (let round = 0; round < 40; round++) {
      for (const kind of KINDS) {
        // Mostly small, some up to 200 KiB; the edges of the 32 KiB window and 64 KiB blocks.
        const sizes = [[0, 1, 2, 258, 32_768, 65_536, 204_800][round % 7] as number, Math.floor(next() ** 4 * 204_800)];
        for (const size of sizes) {
          const data = input(kind, size, next);
          const level = Math.floor(next() * 10);
          const options = {
            level,
            strategy: STRATEGIES[Math.floor(next() * STRATEGIES.length)] as number,
            windowBits: 9 + Math.floor(next() * 7),
            memLevel: 1 + Math.floor(next() * 9),
          };
          const deflated = deflateRawSync(data, options);
          expect(
            same(inflateRawSync(deflated, CAP), Buffer.from(data)),
            `${kind} ${size} ${JSON.stringify(options)}`,
          ).toBe(true);
          cases++;
        }
      }
    }
    // Every level with every strategy, on a realistic block.
    for (const kind of KINDS) {
      const data = Buffer.from(input(kind, 65_536, next));
      for (let level = 0; level <= 9; level++) {
        for (const strategy of STRATEGIES) {
          expect(same(inflateRawSync(deflateRawSync(data, { level, strategy }), CAP), data)).toBe(true);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(700);
  }, 60_000);

  it("inflates thousands of small inputs, and streams of several blocks with empty stored ones between", () => {
    const next = random(1996);
    for (let i = 0; i < 3000; i++) {
      const data = Buffer.from(
        input(KINDS[i % KINDS.length] as (typeof KINDS)[number], Math.floor(next() * 600), next),
      );
      const level = i % 10;
      const strategy = STRATEGIES[i % STRATEGIES.length] as number;
      // A sync flush ends a piece with an empty stored block; the last piece is the final block.
      const cut = Math.floor(next() * data.length);
      const stream = Buffer.concat([
        deflateRawSync(data.subarray(0, cut), { level, strategy, finishFlush: constants.Z_SYNC_FLUSH }),
        deflateRawSync(data.subarray(cut), { level, strategy }),
      ]);
      expect(same(inflateRawSync(stream, CAP), data), `case ${i}`).toBe(true);
    }
  }, 60_000);
});

/** Runs both inflaters: ours must end in its output or an AvroFormatError, and agree with zlib. */
function compare(stream: Uint8Array): "inflated" | "rejected" {
  let ours: Uint8Array | AvroFormatError;
  try {
    ours = inflateRawSync(stream, CAP);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(AvroFormatError);
    ours = error as AvroFormatError;
  }
  let theirs: Buffer | undefined;
  try {
    theirs = zlibInflate(stream);
  } catch {
    theirs = undefined;
  }
  if (theirs === undefined) {
    expect(ours, "zlib rejects what we inflate").toBeInstanceOf(AvroFormatError);
    return "rejected";
  }
  expect(ours, `zlib inflates what we reject: ${String(ours)}`).toBeInstanceOf(Uint8Array);
  expect(same(ours as Uint8Array, theirs)).toBe(true);
  return "inflated";
}

describe("malformed streams", () => {
  const next = random(7);
  const streams = KINDS.flatMap((kind) =>
    [0, 1, 6, 9].map((level) => deflateRawSync(input(kind, 5000, next), { level })),
  );

  it("cut anywhere are an AvroFormatError, as zlib rejects them", () => {
    for (const stream of streams) {
      for (let cut = 0; cut < stream.length; cut += 1 + Math.floor(stream.length / 300)) {
        expect(compare(stream.subarray(0, cut))).toBe("rejected");
      }
    }
  }, 60_000);

  it("with bits flipped, bytes replaced or random, end as zlib's do: the same output, or an AvroFormatError", () => {
    const outcomes = { inflated: 0, rejected: 0 };
    for (let i = 0; i < 4000; i++) {
      const original = streams[i % streams.length] as Buffer;
      const stream = i % 10 === 0 ? input("random", Math.floor(next() * 400), next) : original.slice();
      for (let flips = 1 + Math.floor(next() * 3); i % 10 !== 0 && flips > 0; flips--) {
        const at = Math.floor(next() * stream.length);
        stream[at] = i % 2 ? (stream[at] as number) ^ (1 << Math.floor(next() * 8)) : next() * 256;
      }
      const start = performance.now();
      outcomes[compare(stream)]++;
      expect(performance.now() - start).toBeLessThan(1000);
    }
    expect(outcomes.rejected).toBeGreaterThan(1000);
  }, 60_000);
});

/** Writes bits least significant first; Huffman codes most significant bit first (RFC 1951, 3.1.1). */
class Bits {
  private readonly bytes: number[] = [];
  private bit = 0;
  put(value: number, count: number): this {
    for (let i = 0; i < count; i++) {
      if (this.bit % 8 === 0) this.bytes.push(0);
      const last = this.bytes.length - 1;
      this.bytes[last] = (this.bytes[last] as number) | (((value >>> i) & 1) << (this.bit % 8));
      this.bit++;
    }
    return this;
  }
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.put((code >>> i) & 1, 1);
    return this;
  }
  align(): this {
    this.bit = Math.ceil(this.bit / 8) * 8;
    return this;
  }
  bytesOut(...bytes: number[]): this {
    this.align();
    this.bytes.push(...bytes);
    this.bit += 8 * bytes.length;
    return this;
  }
  done(): Uint8Array {
    return new Uint8Array(this.bytes);
  }
}

/** A final fixed block's start; fixed codes: literals 0-143 (8 bits from 0x30), 256-279 (7 bits from 0). */
const fixedBlock = () => new Bits().put(1, 1).put(1, 2);
const fixedLiteral = (bits: Bits, byte: number) => bits.code(0x30 + byte, 8);

/**
 * A final dynamic block with these code lengths, written with a code-length code of 4 bits for
 * each of the lengths 0-15 (complete; no repeat codes), then `body`.
 */
function dynamicBlock(literals: Record<number, number>, distances: number[], literalCount = 257): Bits {
  const bits = new Bits()
    .put(1, 1)
    .put(2, 2)
    .put(literalCount - 257, 5)
    .put(distances.length - 1, 5)
    .put(15, 4);
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  for (const symbol of order) bits.put(symbol < 16 ? 4 : 0, 3);
  for (let symbol = 0; symbol < literalCount; symbol++) bits.code(literals[symbol] ?? 0, 4);
  for (const length of distances) bits.code(length, 4);
  return bits;
}

describe("hand-made streams", () => {
  const rejected: [string, Uint8Array, RegExp][] = [
    ["block type 3", new Bits().put(1, 1).put(3, 2).done(), /invalid block type/],
    [
      "a stored length without its complement",
      new Bits().put(1, 3).bytesOut(5, 0, 0, 0, 1, 2, 3, 4, 5).done(),
      /stored block length/,
    ],
    [
      "a stored block longer than the data",
      new Bits().put(1, 3).bytesOut(5, 0, 0xfa, 0xff, 1, 2).done(),
      /ends before/,
    ],
    ["a distance before the first byte", fixedBlock().code(1, 7).code(0, 5).code(0, 7).done(), /distance too far back/],
    [
      "distance code 30",
      (() => {
        const b = fixedBlock();
        fixedLiteral(b, 65);
        return b.code(1, 7).code(30, 5).code(0, 7).done();
      })(),
      /invalid distance code/,
    ],
    [
      "length code 286",
      fixedBlock()
        .code(0xc0 + 6, 8)
        .code(0, 7)
        .done(),
      /invalid length code/,
    ],
    ["no final block", new Bits().put(0, 1).put(1, 2).code(0, 7).done(), /ends before/],
    [
      "an over-subscribed literal/length code",
      dynamicBlock({ 0: 1, 1: 1, 256: 1 }, [1]).done(),
      /over-subscribed literal\/length/,
    ],
    ["an incomplete literal/length code", dynamicBlock({ 0: 2, 256: 2 }, [1]).done(), /incomplete literal\/length/],
    ["an incomplete distance code", dynamicBlock({ 0: 1, 256: 1 }, [2, 2]).done(), /incomplete distance/],
    ["no end-of-block code", dynamicBlock({ 0: 1, 1: 1 }, [1]).done(), /no end-of-block/],
    ["287 literal/length codes", dynamicBlock({ 0: 1, 256: 1 }, [1], 287).done(), /too many length or distance/],
    [
      "a length code with no distance codes",
      dynamicBlock({ 65: 2, 256: 2, 257: 1 }, [0], 258).code(2, 2).code(0, 1).done(),
      /invalid distance code/,
    ],
    [
      "a repeat before any length",
      new Bits().put(1, 1).put(2, 2).put(0, 10).put(0, 4).put(1, 3).put(0, 3).put(0, 3).put(1, 3).code(1, 1).done(),
      /repeated before any length/,
    ],
    [
      "an over-subscribed code-length code",
      new Bits().put(1, 1).put(2, 2).put(0, 10).put(0, 4).put(1, 3).put(1, 3).put(1, 3).put(0, 3).done(),
      /over-subscribed code-length/,
    ],
    [
      "an incomplete code-length code",
      new Bits().put(1, 1).put(2, 2).put(0, 10).put(0, 4).put(0, 3).put(0, 3).put(0, 3).put(1, 3).done(),
      /incomplete code-length/,
    ],
    [
      "code lengths past their count",
      new Bits()
        .put(1, 1)
        .put(2, 2)
        .put(0, 10)
        .put(0, 4)
        .put(0, 3)
        .put(0, 3)
        .put(1, 3)
        .put(1, 3)
        .code(1, 1)
        .put(127, 7)
        .code(1, 1)
        .put(127, 7)
        .done(),
      /run past their count/,
    ],
  ];
  for (const [name, stream, message] of rejected) {
    it(`refuses ${name}, as zlib does`, () => {
      expect(() => inflateRawSync(stream, CAP)).toThrow(AvroFormatError);
      expect(() => inflateRawSync(stream, CAP)).toThrow(message);
      expect(() => zlibInflate(stream)).toThrow();
    });
  }

  it("inflates the codes zlib allows though incomplete: one 1-bit code, no distance codes", () => {
    const onlyEnd = dynamicBlock({ 256: 1 }, [0]).code(0, 1).done();
    expect(compare(onlyEnd)).toBe("inflated");
    const literalsOnly = dynamicBlock({ 65: 1, 256: 1 }, [0]).code(0, 1).code(0, 1).code(1, 1).done();
    expect(new TextDecoder().decode(inflateRawSync(literalsOnly, CAP))).toBe("AA");
    expect(compare(literalsOnly)).toBe("inflated");
    const oneDistance = dynamicBlock({ 65: 2, 256: 2, 258: 1 }, [1], 259)
      .code(2, 2)
      .code(0, 1)
      .code(0, 1)
      .code(3, 2)
      .done();
    expect(new TextDecoder().decode(inflateRawSync(oneDistance, CAP))).toBe("AAAAA");
    expect(compare(oneDistance)).toBe("inflated");
  });
});

describe("the output cap", () => {
  it("refuses a small stream that inflates past the cap, and inflates one that reaches it exactly", () => {
    const bomb = deflateRawSync(new Uint8Array(4 * 1024 * 1024 + 1), { level: 9 });
    expect(bomb.length).toBeLessThan(5000);
    expect(() => inflateRawSync(bomb, 4 * 1024 * 1024)).toThrow(AvroFormatError);
    expect(() => inflateRawSync(bomb, 4 * 1024 * 1024)).toThrow(/block inflates past 4194304 bytes/);
    expect(inflateRawSync(bomb, 4 * 1024 * 1024 + 1)).toHaveLength(4 * 1024 * 1024 + 1);
    // Stored blocks and literals count too.
    const stored = deflateRawSync(new Uint8Array(70_000).fill(1), { level: 0 });
    expect(() => inflateRawSync(stored, 69_999)).toThrow(/inflates past/);
    expect(() => inflateRawSync(deflateRawSync(input("random", 3000, random(3))), 2999)).toThrow(/inflates past/);
  });
});
