// Reads Avro's binary encoding out of one contiguous buffer (a header or a decoded block).
//
// Reads do not check bounds one by one, as avsc's do not: past the end, a typed array yields
// `undefined`, which ends every varint loop, and the caller checks `pos <= end` after each
// record (see `AvroCursor.overran`). A corrupt length therefore costs one wasted record, never a
// hang or an out-of-bounds read.

/** A file that is not valid Avro; the container reader turns it into a `CohereParseError`. */
export class AvroFormatError extends Error {
  override readonly name = "AvroFormatError";
  /** Where in the file: "header", "block 3"; set by whoever knows. */
  where: string | undefined;
}

/** `error`, if a format error, marked as found at `where` (unless already marked). */
export function locate(error: unknown, where: string): unknown {
  if (error instanceof AvroFormatError) error.where ??= where;
  return error;
}

// `ignoreBOM`: a string's leading U+FEFF is data (a custom_id may begin with one), which the
// default decoder dropped, unlike avsc and Avro's Java reader.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
/** Below this length a JS loop beats TextDecoder's call overhead for ASCII text (measured in Node 20). */
const SHORT_STRING = 24;

export class AvroCursor {
  pos: number;
  readonly end: number;
  /**
   * Array and map items this block may still hold. Every item of one byte or more uses up a
   * byte, so the block's length bounds those; items of zero bytes (null, an empty record) are
   * bounded by the 65,536 more: a count of 2^40 must not spin until out of memory.
   */
  itemsLeft: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    end = buf.length,
  ) {
    this.pos = pos;
    this.end = end;
    this.itemsLeft = end - pos + 65_536;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get overran(): boolean {
    return this.pos > this.end;
  }

  /** A zigzag varint, exact for every safe integer (larger magnitudes round, as JS numbers do). */
  readLong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let byte = buf[pos++] as number;
    let low = byte & 0x7f;
    for (let shift = 7; byte & 0x80 && shift < 28; shift += 7) {
      byte = buf[pos++] as number;
      low |= (byte & 0x7f) << shift;
    }
    if (!(byte & 0x80)) {
      this.pos = pos;
      return (low >>> 1) ^ -(low & 1);
    }
    // Past 28 bits, bitwise operators would overflow: the high bits count in floating point, in
    // units of 2^28, and the zigzag is undone without ever forming the (inexact) 54-bit value.
    let high = 0;
    let scale = 1;
    for (let more = 0; more < 6; more++) {
      byte = buf[pos++] as number;
      high += (byte & 0x7f) * scale;
      scale *= 128;
      if (!(byte & 0x80)) break;
    }
    this.pos = pos;
    const magnitude = high * 2 ** 27 + (low >>> 1);
    return low & 1 ? -magnitude - 1 : magnitude;
  }

  /**
   * A `long` value: a number for every safe integer, a `bigint` past ±(2^53 - 1), exact to 64
   * bits (a number there would round, and a record would change without a word).
   */
  readLongValue(): number | bigint {
    const start = this.pos;
    const value = this.readLong();
    if (Number.isSafeInteger(value)) return value;
    let unsigned = 0n;
    let shift = 0n;
    for (let pos = start; pos < this.pos; pos++) {
      unsigned |= BigInt((this.buf[pos] as number) & 0x7f) << shift;
      shift += 7n;
    }
    return BigInt.asIntN(64, (unsigned >> 1n) ^ -(unsigned & 1n));
  }

  readLength(what: string): number {
    const length = this.readLong();
    if (length < 0 || this.pos + length > this.end) throw new AvroFormatError(`${what} length ${length} out of range`);
    return length;
  }

  readBoolean(): boolean {
    return this.buf[this.pos++] === 1;
  }

  readFloat(): number {
    const value = this.pos + 4 <= this.end ? this.view.getFloat32(this.pos, true) : Number.NaN;
    this.pos += 4;
    return value;
  }

  readDouble(): number {
    const value = this.pos + 8 <= this.end ? this.view.getFloat64(this.pos, true) : Number.NaN;
    this.pos += 8;
    return value;
  }

  /**
   * A copy: a record must not keep its whole block alive. Made by the Uint8Array constructor:
   * a block from Node's zlib is a Buffer, whose `slice` is a view, and whose every copy made
   * through its own methods is a Buffer (serialised differently from a Uint8Array).
   */
  readFixed(size: number): Uint8Array {
    const start = this.pos;
    this.pos += size;
    return new Uint8Array(this.buf.subarray(start, this.pos));
  }

  readBytes(): Uint8Array {
    return this.readFixed(this.readLength("bytes"));
  }

  readString(): string {
    const length = this.readLength("string");
    const buf = this.buf;
    const start = this.pos;
    this.pos = start + length;
    if (length > SHORT_STRING) return utf8.decode(buf.subarray(start, start + length));
    let text = "";
    for (let i = start; i < start + length; i++) {
      const code = buf[i] as number;
      if (code > 0x7f) return utf8.decode(buf.subarray(start, start + length));
      text += String.fromCharCode(code);
    }
    return text;
  }
}
