// The block codecs of Avro container files that Cohere's outputs may use. Each turns one block
// as stored into the block as encoded; a block that does not decompress is an AvroFormatError.
import { CohereAbortError, CohereError } from "../../core/errors/index.js";
import { boundBySignal } from "../bound-by-signal.js";
import { describeCause } from "../cause-chain.js";
import { AvroFormatError } from "./avro-cursor.js";
import { crc32, snappyUncompress } from "./snappy.js";

export type BlockCodec = (block: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/**
 * The largest block, stored or decompressed, that a file may have. Writers use 16 KiB (fastavro)
 * to 64 KiB (Java, avsc); a larger size is a corrupt length or a decompression bomb, and would
 * break the promise of flat memory.
 */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/**
 * Raw deflate where the platform has no DecompressionStream (Vercel's Edge Runtime): the SDK's
 * own inflater, a chunk of its own loaded on the first such block, so that the runtimes that
 * have one never download it. A failed load is typed as `loadChunk` types it (not imported
 * here: its option checks would bring valibot into the decoder's chunk).
 */
function inflateRawInJs(signal: AbortSignal | undefined): BlockCodec {
  return async (block) => {
    const loading = import("./inflate-raw.js").catch((error: unknown) => {
      throw new CohereError(`cohere-batches could not load the deflate decoder: ${describeCause(error)}`, {
        cause: error,
      });
    });
    // A page's chunk fetched over the network may stall: the caller's abort ends the wait.
    const { inflateRawSync } = await boundBySignal(loading, signal, () => new CohereAbortError(signal?.reason));
    return inflateRawSync(block, MAX_BLOCK_BYTES);
  };
}

/**
 * Raw deflate (RFC 1951, no zlib header), through the platform's DecompressionStream, driven by
 * its writer and reader directly (a Blob and a Response around it cost 0.3 ms more per block in
 * Node 20).
 */
async function inflateRaw(block: Uint8Array): Promise<Uint8Array> {
  const inflater = new DecompressionStream("deflate-raw");
  const writer = inflater.writable.getWriter();
  // Their failures surface through the reader below.
  writer.write(block as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = inflater.readable.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      parts.push(step.value);
      length += step.value.length;
      if (length > MAX_BLOCK_BYTES) {
        void reader.cancel().catch(() => {});
        throw new AvroFormatError(`deflate: block inflates past ${MAX_BLOCK_BYTES} bytes`);
      }
    }
  } catch (error) {
    if (error instanceof AvroFormatError) throw error;
    throw new AvroFormatError(`deflate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts, length);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Snappy, then the big-endian CRC-32 of the uncompressed bytes that Avro appends to each block. */
function unsnappy(block: Uint8Array): Uint8Array {
  if (block.length < 4) throw new AvroFormatError("snappy: block shorter than its checksum");
  const end = block.length - 4;
  const data = snappyUncompress(block.subarray(0, end), MAX_BLOCK_BYTES);
  const expected =
    (block[end] as number) * 2 ** 24 +
    ((block[end + 1] as number) << 16) +
    ((block[end + 2] as number) << 8) +
    (block[end + 3] as number);
  if (crc32(data) !== expected) throw new AvroFormatError("snappy: checksum mismatch");
  return data;
}

/**
 * An inflater for raw deflate blocks; the Node build passes zlib's, far faster than Node's
 * DecompressionStream: `(block) => inflateRawSync(block, { maxOutputLength: MAX_BLOCK_BYTES })`.
 */
export type InflateRaw = (block: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/**
 * The codec named in a file's `avro.codec` (absent: `null`). Deflate: `inflate` where the build
 * passes one, else DecompressionStream where the platform has it, else the SDK's own inflater
 * (its chunk's load ends on `signal`).
 */
export function blockCodec(name: string | undefined, inflate?: InflateRaw, signal?: AbortSignal): BlockCodec {
  switch (name ?? "null") {
    case "null":
      return (block) => block;
    case "deflate":
      if (inflate) return guarded(inflate);
      return typeof DecompressionStream === "function" ? inflateRaw : inflateRawInJs(signal);
    case "snappy":
      return unsnappy;
    default:
      throw new AvroFormatError(`unsupported codec ${JSON.stringify(name)}`);
  }
}

/** A platform inflater's failure (corrupt data) is a format error like any other. */
function guarded(inflate: InflateRaw): BlockCodec {
  return async (block) => {
    try {
      return await inflate(block);
    } catch (error) {
      throw new AvroFormatError(`deflate: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
