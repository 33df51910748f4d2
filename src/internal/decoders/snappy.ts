// Snappy decompression (the raw format, as Avro's `snappy` codec writes it) and the CRC-32 Avro
// appends to each snappy block. About 1 kB here against snappyjs's compressor and Buffer
// detection, which a reader does not need.
import { AvroFormatError } from "./avro-cursor.js";

/** Decompresses one raw snappy buffer: a varint of the output length, then literals and copies. */
export function snappyUncompress(input: Uint8Array): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = input[pos++];
    if (byte === undefined || shift > 28) throw new AvroFormatError("snappy: bad length header");
    length += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) break;
  }
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
      out.set(input.subarray(pos, pos + size), at);
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
    if (offset >= size) out.copyWithin(at, at - offset, at - offset + size);
    else for (let i = 0; i < size; i++) out[at + i] = out[at - offset + i] as number;
    at += size;
  }
  if (at !== length) throw new AvroFormatError(`snappy: ${at} bytes decompressed, header says ${length}`);
  return out;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE, as zlib and Java's CRC32 compute it). */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
