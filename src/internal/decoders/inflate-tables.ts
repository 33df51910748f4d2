// The Huffman decoding tables of raw deflate (RFC 1951, section 3.2), for ./inflate-raw.ts.
import { AvroFormatError } from "./avro-cursor.js";

/**
 * A code as one lookup: `table[next bits & mask]` is `symbol << 4 | code length`, or 0 where
 * no code starts with those bits (an incomplete code, or no codes at all). The bits are read
 * least significant first, so each code is stored bit-reversed, repeated for every value of the
 * bits after it.
 */
export interface HuffmanTable {
  readonly table: Uint16Array;
  readonly mask: number;
}

/** The longest code deflate allows. */
const MAX_BITS = 15;

/**
 * The table of the canonical code with `lengths` (0: the symbol is unused). As in zlib, an
 * over-subscribed code is an error, and so is an incomplete one, except a single code of one bit
 * in a literal/length or distance code, or no distance codes at all (a block of literals only):
 * using a code that is missing is the error then.
 */
export function huffmanTable(lengths: Uint8Array, what: "code-length" | "literal/length" | "distance"): HuffmanTable {
  const counts = new Uint16Array(MAX_BITS + 1);
  let maxLength = 0;
  for (const length of lengths) {
    counts[length] = (counts[length] as number) + 1;
    if (length > maxLength) maxLength = length;
  }
  if (maxLength === 0 && what !== "distance") throw new AvroFormatError(`deflate: no ${what} codes`);
  counts[0] = 0;
  const next = new Uint16Array(MAX_BITS + 1);
  let left = 1;
  for (let length = 1; length <= MAX_BITS; length++) {
    left = (left << 1) - (counts[length] as number);
    if (left < 0) throw new AvroFormatError(`deflate: over-subscribed ${what} code`);
    next[length] = ((next[length - 1] as number) + (counts[length - 1] as number)) << 1;
  }
  const singleBit = maxLength === 1 && counts[1] === 1 && what !== "code-length";
  if (left > 0 && maxLength > 0 && !singleBit) throw new AvroFormatError(`deflate: incomplete ${what} code`);
  const table = new Uint16Array(1 << maxLength);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] as number;
    if (length === 0) continue;
    const code = next[length] as number;
    next[length] = code + 1;
    const entry = (symbol << 4) | length;
    for (let at = reverse(code, length); at < table.length; at += 1 << length) table[at] = entry;
  }
  return { table, mask: table.length - 1 };
}

function reverse(code: number, length: number): number {
  let reversed = 0;
  for (let i = 0; i < length; i++) reversed = (reversed << 1) | ((code >>> i) & 1);
  return reversed;
}

let fixed: { literals: HuffmanTable; distances: HuffmanTable } | undefined;

/** The fixed codes of block type 1 (section 3.2.6), made on first use. */
export function fixedTables(): { literals: HuffmanTable; distances: HuffmanTable } {
  if (fixed === undefined) {
    const literals = new Uint8Array(288);
    literals.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    // 32 distance codes of five bits: a complete code whose symbols 30 and 31 are invalid.
    fixed = {
      literals: huffmanTable(literals, "literal/length"),
      distances: huffmanTable(new Uint8Array(32).fill(5), "distance"),
    };
  }
  return fixed;
}

/** Lengths of length symbols 257-285: the base, and how many extra bits follow. */
export const LENGTH_BASE = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
]);
export const LENGTH_EXTRA = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);

/** Distances of distance symbols 0-29: the base, and how many extra bits follow. */
export const DISTANCE_BASE = new Uint16Array([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
]);
export const DISTANCE_EXTRA = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);

/** The order in which a dynamic block lists the lengths of the code-length code. */
export const CODE_LENGTH_ORDER = new Uint8Array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);
