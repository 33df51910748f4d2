// Avro container files written and read by avsc (the reference library) for the decoder's
// interop tests, and the helpers that read our decoder's output.
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import avro from "avsc";
import * as snappy from "snappyjs";
import { decodeAvroContainer, type ByteSource } from "../../src/internal/decoders/avro.js";

export type Codec = "null" | "deflate" | "snappy";

/** Avro's codecs as avsc takes them; snappy blocks end with the CRC-32 of the uncompressed data. */
const WRITE_CODECS: avro.CodecOptions = {
  null: (buf, cb) => cb(null, buf),
  deflate: (buf, cb) => cb(null, deflateRawSync(buf)),
  snappy: (buf, cb) => {
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(buf));
    cb(null, Buffer.concat([Buffer.from(snappy.compress(buf)), checksum]));
  },
};
const READ_CODECS: avro.CodecOptions = {
  null: (buf, cb) => cb(null, buf),
  deflate: (buf, cb) => cb(null, inflateRawSync(buf)),
  snappy: (buf, cb) => cb(null, Buffer.from(snappy.uncompress(buf.subarray(0, -4)))),
};

/** `records` written by avsc with `schema` and `codec`, in blocks of about `blockSize` bytes. */
export function avscWrite(schema: unknown, records: unknown[], codec: Codec, blockSize = 256): Promise<Uint8Array> {
  const type = avro.Type.forSchema(schema as avro.Schema);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const encoder = new avro.streams.BlockEncoder(type, { codec, codecs: WRITE_CODECS, blockSize });
    encoder.on("data", (chunk: Buffer) => chunks.push(chunk));
    encoder.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    encoder.on("error", reject);
    for (const record of records) encoder.write(record);
    encoder.end();
  });
}

/** What avsc reads from `file`: its records, as avsc decodes them (Buffers for bytes, bare union values). */
export function avscRead(file: Uint8Array): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const records: unknown[] = [];
    const decoder = new avro.streams.BlockDecoder({
      codecs: READ_CODECS,
      parseHook: (schema) => avro.Type.forSchema(schema, { wrapUnions: false }),
    });
    decoder.on("data", (record: unknown) => records.push(record));
    decoder.on("end", () => resolve(records));
    decoder.on("error", reject);
    decoder.end(Buffer.from(file));
  });
}

/** `bytes` as a stream of chunks of `size` bytes (a download as it arrives). */
export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** Every record our decoder yields for `source`. */
export async function decodeAll(source: ByteSource, part = "part 0 of dataset ds-1"): Promise<unknown[]> {
  const records: unknown[] = [];
  for await (const record of decodeAvroContainer(source, { part })) records.push(record);
  return records;
}

/** `value` with Buffers and Uint8Arrays as plain Uint8Arrays (avsc yields Buffers, we do not). */
export function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalise(inner)]));
  }
  return value;
}
