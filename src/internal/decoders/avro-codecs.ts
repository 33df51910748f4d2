// The block codecs of Avro container files that Cohere's outputs may use. Each turns one block
// as stored into the block as encoded; a block that does not decompress is an AvroFormatError.
import { AvroFormatError } from "./avro-cursor.js";
import { crc32, snappyUncompress } from "./snappy.js";

export type BlockCodec = (block: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** Raw deflate (RFC 1951, no zlib header), through the platform's DecompressionStream. */
async function inflateRaw(block: Uint8Array): Promise<Uint8Array> {
  const inflated = new Blob([block as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("deflate-raw"));
  try {
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch (error) {
    throw new AvroFormatError(`deflate: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Snappy, then the big-endian CRC-32 of the uncompressed bytes that Avro appends to each block. */
function unsnappy(block: Uint8Array): Uint8Array {
  if (block.length < 4) throw new AvroFormatError("snappy: block shorter than its checksum");
  const end = block.length - 4;
  const data = snappyUncompress(block.subarray(0, end));
  const expected =
    (block[end] as number) * 2 ** 24 +
    ((block[end + 1] as number) << 16) +
    ((block[end + 2] as number) << 8) +
    (block[end + 3] as number);
  if (crc32(data) !== expected) throw new AvroFormatError("snappy: checksum mismatch");
  return data;
}

const CODECS: Record<string, BlockCodec> = {
  null: (block) => block,
  deflate: inflateRaw,
  snappy: unsnappy,
};

/** The codec named in a file's `avro.codec` (absent: `null`). */
export function blockCodec(name: string | undefined): BlockCodec {
  const codec = Object.hasOwn(CODECS, name ?? "null") ? CODECS[name ?? "null"] : undefined;
  if (!codec) throw new AvroFormatError(`unsupported codec ${JSON.stringify(name)}`);
  return codec;
}
