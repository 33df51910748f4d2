// Shared pieces of the results benchmarks: our decoder (bundled from src, as the SDK will ship
// it), avsc (the decoder library it is measured against), and Cohere-like output files.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc32, deflateRaw, inflateRaw } from "node:zlib";
import avro from "avsc";
import { build } from "esbuild";
import snappy from "snappyjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CACHE_DIR = `${ROOT}node_modules/.cache/cohere-batches-bench`;

/** The schema of the files: Cohere's output shape, `{custom_id, body, error}` with JSON text. */
export const OUTPUT_SCHEMA = {
  type: "record",
  name: "BatchOutput",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"], default: null },
    { name: "error", type: ["null", "string"], default: null },
  ],
};
export const outputType = avro.Type.forSchema(OUTPUT_SCHEMA);

/** Record `i`: a chat-like body (`dims: 0`, about 300 bytes) or an embed body with `dims` floats. */
export function outputRecord(i, dims = 0) {
  if (i % 50 === 49)
    return { custom_id: `req-${i}`, body: null, error: JSON.stringify({ message: "invalid request" }) };
  const body =
    dims > 0
      ? { id: `emb-${i}`, embeddings: { float: [Array.from({ length: dims }, (_, d) => Math.sin(i + d) / 3)] } }
      : {
          id: `chat-${i}`,
          message: {
            role: "assistant",
            content: [{ type: "text", text: `Answer number ${i}: the quick brown fox jumps over the lazy dog.` }],
          },
          finish_reason: "COMPLETE",
          usage: { billed_units: { input_tokens: 12, output_tokens: 24 } },
        };
  return { custom_id: `req-${i}`, body: JSON.stringify(body), error: null };
}

/** Avro's snappy codec: snappy, then the big-endian CRC-32 of the uncompressed block. */
const CODECS = {
  null: (buf, cb) => cb(null, buf),
  deflate: deflateRaw,
  snappy: (buf, cb) => {
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(buf));
    cb(null, Buffer.concat([Buffer.from(snappy.compress(buf)), checksum]));
  },
};
export const AVSC_CODECS = {
  null: CODECS.null,
  deflate: inflateRaw,
  snappy: (buf, cb) => cb(null, Buffer.from(snappy.uncompress(buf.subarray(0, -4)))),
};

/** An avsc block encoder (a Node stream of file bytes) for `codec`. */
export function avscEncoder(codec, blockSize = 64 * 1024) {
  return new avro.streams.BlockEncoder(outputType, { codec, codecs: CODECS, blockSize });
}

/** A whole file in memory, written by avsc. */
export function avscFile(count, { codec = "deflate", dims = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const encoder = avscEncoder(codec);
    encoder
      .on("data", (chunk) => chunks.push(chunk))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
    for (let i = 0; i < count; i++) encoder.write(outputRecord(i, dims));
    encoder.end();
  });
}

/** Counts the records avsc decodes from `chunks` (an iterable of Buffers), as a Node stream. */
export function avscCount(chunks) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const decoder = new avro.streams.BlockDecoder({ codecs: AVSC_CODECS });
    decoder
      .on("data", () => count++)
      .on("end", () => resolve(count))
      .on("error", reject);
    for (const chunk of chunks) decoder.write(chunk);
    decoder.end();
  });
}

/** Imports a module of src, bundled by esbuild into the cache (once per source version). */
export async function importFromSrc(path, name) {
  const result = await build({
    entryPoints: [`${ROOT}${path}`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  const file = `${CACHE_DIR}/${name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}.mjs`;
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, code);
  return import(file);
}

/** Imports our decoder, bundled from src (see `importFromSrc`). */
export function loadOurDecoder() {
  return importFromSrc("src/internal/decoders/avro.ts", "avro");
}

/** Splits `buffer` into chunks of `size`, as a download arrives. */
export function chunksOf(buffer, size = 64 * 1024) {
  const out = [];
  for (let at = 0; at < buffer.length; at += size) out.push(buffer.subarray(at, at + size));
  return out;
}
