// Raw deflate (RFC 1951) in plain JavaScript, for runtimes that have no DecompressionStream
// (Vercel's Edge Runtime). One Avro block at a time, whole and synchronous; any malformed input
// is an AvroFormatError, and the output stops at the cap the other inflaters keep.
import { AvroFormatError } from "./avro-cursor.js";
import {
  CODE_LENGTH_ORDER,
  DISTANCE_BASE,
  DISTANCE_EXTRA,
  fixedTables,
  type HuffmanTable,
  huffmanTable,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from "./inflate-tables.js";

/** Inflates `input`, a whole raw deflate stream; more than `maxOutput` bytes out is an error. */
export function inflateRawSync(input: Uint8Array, maxOutput: number): Uint8Array {
  const state = new Inflater(input, maxOutput);
  for (let final = 0; !final; ) {
    final = state.read(1);
    const type = state.read(2);
    if (type === 0) state.stored();
    else if (type === 1) inflateCodes(state, fixedTables().literals, fixedTables().distances);
    else if (type === 2) inflateCodes(state, ...dynamicTables(state));
    else throw new AvroFormatError("deflate: invalid block type 3");
  }
  return state.out.subarray(0, state.at);
}

/**
 * Where the stream is: `pos` the next input byte, `bits` the `count` bits read ahead of it (least
 * significant first), `out` up to `at` the output. Past the input's end it reads zeros, so that
 * a code can be looked up whole; using any of those bits means the data was cut short.
 */
class Inflater {
  pos = 0;
  bits = 0;
  count = 0;
  at = 0;
  out: Uint8Array;

  constructor(
    readonly input: Uint8Array,
    readonly max: number,
  ) {
    this.out = new Uint8Array(Math.min(max, Math.max(1024, input.length * 4)));
  }

  /** The next `n` bits (at most 16). */
  read(n: number): number {
    while (this.count < n) this.pull();
    const value = this.bits & ((1 << n) - 1);
    this.bits >>>= n;
    this.count -= n;
    this.checkEnd();
    return value;
  }

  /** The next symbol of `code`. */
  decode(code: HuffmanTable): number {
    while (this.count < 15) this.pull();
    const entry = code.table[this.bits & code.mask] as number;
    if (entry === 0) throw invalid("code-length code", entry, code.mask, this.pos - this.input.length, this.count);
    this.bits >>>= entry & 15;
    this.count -= entry & 15;
    this.checkEnd();
    return entry >>> 4;
  }

  private pull(): void {
    const pos = this.pos++;
    this.bits |= (pos < this.input.length ? (this.input[pos] as number) : 0) << this.count;
    this.count += 8;
  }

  checkEnd(): void {
    if (this.pos > this.input.length && (this.pos - this.input.length) * 8 > this.count) throw truncated();
  }

  /** A stored block: the rest of the byte dropped, then LEN, its complement NLEN, and LEN bytes. */
  stored(): void {
    // Whole bytes read ahead go back to the input.
    const pos = this.pos - (this.count >>> 3);
    this.bits = 0;
    this.count = 0;
    const input = this.input;
    if (pos + 4 > input.length) throw truncated();
    const length = (input[pos] as number) | ((input[pos + 1] as number) << 8);
    const complement = (input[pos + 2] as number) | ((input[pos + 3] as number) << 8);
    if (length !== (~complement & 0xffff)) throw new AvroFormatError("deflate: stored block length does not match");
    if (pos + 4 + length > input.length) throw truncated();
    if (this.at + length > this.out.length) this.out = grow(this.out, this.at, length, this.max);
    this.out.set(input.subarray(pos + 4, pos + 4 + length), this.at);
    this.at += length;
    this.pos = pos + 4 + length;
  }
}

const truncated = () => new AvroFormatError("deflate: data ends before its last block does");

/**
 * An invalid code (`entry`, 0 where no code starts with the bits), looked up in `count` bits of
 * which `past` bytes lie past the input's end: where fewer bits are real than the code (or the
 * longest code of its table) takes, the data was cut short.
 */
function invalid(what: string, entry: number, mask: number, past: number, count: number): AvroFormatError {
  const needed = entry === 0 ? 32 - Math.clz32(mask) : entry & 15;
  return past > 0 && count - past * 8 < needed ? truncated() : new AvroFormatError(`deflate: invalid ${what}`);
}

/** A copy of `out` with room for `need` more bytes after `at`, unless that passes `max`. */
function grow(out: Uint8Array, at: number, need: number, max: number): Uint8Array {
  if (at + need > max) throw new AvroFormatError(`deflate: block inflates past ${max} bytes`);
  const bigger = new Uint8Array(Math.min(max, Math.max(out.length * 2, at + need)));
  bigger.set(out.subarray(0, at));
  return bigger;
}

/** A dynamic block's header (section 3.2.7): its literal/length and distance codes. */
function dynamicTables(state: Inflater): [HuffmanTable, HuffmanTable] {
  const literalCount = state.read(5) + 257;
  const distanceCount = state.read(5) + 1;
  const codeLengthCount = state.read(4) + 4;
  if (literalCount > 286 || distanceCount > 30) throw new AvroFormatError("deflate: too many length or distance codes");
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i] as number] = state.read(3);
  const lengthCode = huffmanTable(codeLengths, "code-length");
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const symbol = state.decode(lengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    if (symbol === 16 && i === 0) throw new AvroFormatError("deflate: a length repeated before any length");
    const value = symbol === 16 ? (lengths[i - 1] as number) : 0;
    const repeat = symbol === 16 ? 3 + state.read(2) : symbol === 17 ? 3 + state.read(3) : 11 + state.read(7);
    if (i + repeat > lengths.length) throw new AvroFormatError("deflate: code lengths run past their count");
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new AvroFormatError("deflate: no end-of-block code");
  return [
    huffmanTable(lengths.subarray(0, literalCount), "literal/length"),
    huffmanTable(lengths.subarray(literalCount), "distance"),
  ];
}

/**
 * The symbols of one compressed block, up to its end-of-block code. The hot loop: one function
 * on local copies of the state (property reads and calls per symbol cost half the speed).
 */
function inflateCodes(state: Inflater, literals: HuffmanTable, distances: HuffmanTable): void {
  const { input, max } = state;
  const end = input.length;
  const { table: literalTable, mask: literalMask } = literals;
  const { table: distanceTable, mask: distanceMask } = distances;
  let { pos, bits, count, out, at } = state;
  for (;;) {
    while (count < 15) {
      bits |= (pos < end ? (input[pos] as number) : 0) << count;
      pos++;
      count += 8;
    }
    const entry = literalTable[bits & literalMask] as number;
    if (entry === 0) throw invalid("literal/length code", entry, literalMask, pos - end, count);
    bits >>>= entry & 15;
    count -= entry & 15;
    const symbol = entry >>> 4;
    if (symbol < 256) {
      if (pos > end && (pos - end) * 8 > count) throw truncated();
      if (at === out.length) out = grow(out, at, 1, max);
      out[at++] = symbol;
      continue;
    }
    if (symbol === 256) break;
    if (symbol > 285) throw new AvroFormatError("deflate: invalid length code");
    // Up to 5 extra bits, then a distance code of up to 15 bits.
    while (count < 20) {
      bits |= (pos < end ? (input[pos] as number) : 0) << count;
      pos++;
      count += 8;
    }
    let extra = LENGTH_EXTRA[symbol - 257] as number;
    const length = (LENGTH_BASE[symbol - 257] as number) + (bits & ((1 << extra) - 1));
    bits >>>= extra;
    count -= extra;
    const distanceEntry = distanceTable[bits & distanceMask] as number;
    if (distanceEntry === 0 || distanceEntry >>> 4 > 29) {
      throw invalid("distance code", distanceEntry, distanceMask, pos - end, count);
    }
    bits >>>= distanceEntry & 15;
    count -= distanceEntry & 15;
    extra = DISTANCE_EXTRA[distanceEntry >>> 4] as number;
    while (count < extra) {
      bits |= (pos < end ? (input[pos] as number) : 0) << count;
      pos++;
      count += 8;
    }
    const distance = (DISTANCE_BASE[distanceEntry >>> 4] as number) + (bits & ((1 << extra) - 1));
    bits >>>= extra;
    count -= extra;
    if (pos > end && (pos - end) * 8 > count) throw truncated();
    if (distance > at) throw new AvroFormatError("deflate: distance too far back");
    if (at + length > out.length) out = grow(out, at, length, max);
    for (let from = at - distance, stop = at + length; at < stop; ) out[at++] = out[from++] as number;
  }
  Object.assign(state, { pos, bits, count, out, at });
  state.checkEnd();
}
