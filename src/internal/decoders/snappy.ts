// Snappy decompression (the raw format, as Avro's `snappy` codec writes it) and the CRC-32 Avro
// appends to each snappy block. About 1 kB here against snappyjs's compressor and Buffer
// detection, which a reader does not need.
import { AvroFormatError } from "./avro-cursor.js";

/**
 * Decompresses one raw snappy buffer: a varint of the output length (at most `maxLength`), then
 * literals and copies.
 */
export function snappyUncompress(input: Uint8Array, maxLength: number): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = input[pos++];
    if (byte === undefined || shift > 28) throw new AvroFormatError("snappy: bad length header");
    length += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) break;
  }
  if (length > maxLength) throw new AvroFormatError(`snappy: block of ${length} bytes, more than ${maxLength}`);
  const out = new Uint8Array(length);
  let at = 0;
  while (pos < input.length) {
    const tag = input[pos++] as number;
    if ((tag & 3) === 0) {
      let size = tag >>> 2;
      if (size >= 60) {
        const bytes = size - 59;
        size = 0;
        for (let i = 0; i < bytes; i++) size |= (input[pos++] as number) << (8 * i);
        size >>>= 0;
      }
      size += 1;
      if (pos + size > input.length || at + size > length) throw new AvroFormatError("snappy: literal out of range");
      // Short literals: a loop is cheaper than a subarray and a set.
      if (size > 64) out.set(input.subarray(pos, pos + size), at);
      else for (let i = 0; i < size; i++) out[at + i] = input[pos + i] as number;
      pos += size;
      at += size;
      continue;
    }
    let size: number;
    let offset: number;
    if ((tag & 3) === 1) {
      size = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (input[pos++] as number);
    } else if ((tag & 3) === 2) {
      size = (tag >>> 2) + 1;
      offset = (input[pos] as number) | ((input[pos + 1] as number) << 8);
      pos += 2;
    } else {
      size = (tag >>> 2) + 1;
      offset =
        ((input[pos] as number) |
          ((input[pos + 1] as number) << 8) |
          ((input[pos + 2] as number) << 16) |
          ((input[pos + 3] as number) << 24)) >>>
        0;
      pos += 4;
    }
    if (offset === 0 || offset > at || at + size > length || pos > input.length)
      throw new AvroFormatError("snappy: copy out of range");
    // Copies are mostly a few bytes: a loop beats copyWithin's call, and handles overlap.
    if (size > 32 && offset >= size) out.copyWithin(at, at - offset, at - offset + size);
    else for (let i = 0; i < size; i++) out[at + i] = out[at - offset + i] as number;
    at += size;
  }
  if (at !== length) throw new AvroFormatError(`snappy: ${at} bytes decompressed, header says ${length}`);
  return out;
}

/** Eight 256-entry tables for slicing-by-8: eight bytes per step, about 3x the bytewise loop. */
let tables: Uint32Array | undefined;

function crcTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n] as number;
      t[k * 256 + n] = (t[prev & 0xff] as number) ^ (prev >>> 8);
    }
  }
  return t;
}

/** CRC-32 (IEEE, as zlib and Java's CRC32 compute it). */
export function crc32(data: Uint8Array): number {
  tables ??= crcTables();
  const t = tables;
  let crc = -1;
  let i = 0;
  for (const end8 = data.length - 7; i < end8; i += 8) {
    const lo =
      crc ^
      ((data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24));
    crc =
      (t[1792 + (lo & 0xff)] as number) ^
      (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
      (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
      (t[1024 + (lo >>> 24)] as number) ^
      (t[768 + (data[i + 4] as number)] as number) ^
      (t[512 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number);
  }
  for (; i < data.length; i++) crc = (t[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
