// Avro object container files for the fake's output datasets: header (schema, codec, sync
// marker), then blocks of records, deflate-compressed by default as Cohere's are.
import { compileEncoder } from "./avro-encoders.js";
import { AvroSink } from "./avro-sink.js";
import { checkKnownKeys } from "./option-checks.js";

/**
 * Options of {@link writeAvroContainer}.
 *
 * @public
 */
export interface AvroWriteOptions {
  /** `deflate` (raw deflate, the default) or `null` (uncompressed). */
  codec?: "deflate" | "null" | undefined;
  /** Records per block (default 100): several blocks per file exercise the reader's framing. */
  blockRecords?: number | undefined;
  /** The 16-byte sync marker (default random); fixed in tests that compare bytes. */
  sync?: Uint8Array | undefined;
}

const MAGIC = new Uint8Array([0x4f, 0x62, 0x6a, 0x01]);

/**
 * Writes `records` as an Avro object container file with the writer's `schema`.
 *
 * @example
 * ```ts
 * const file = await writeAvroContainer(
 *   { type: "record", name: "Output", fields: [{ name: "custom_id", type: "string" }] },
 *   [{ custom_id: "1" }],
 * );
 * ```
 * @throws TypeError when a record does not fit the schema, or an option is invalid (an unknown
 * key, `null`).
 * @public
 */
export async function writeAvroContainer(
  schema: unknown,
  records: Iterable<unknown>,
  options: AvroWriteOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { codec, blockRecords, sync } = resolveWriteOptions(options);
  const encode = compileEncoder(schema);
  const out = new AvroSink();
  writeHeader(out, schema, codec, sync);
  const block = new AvroSink();
  let count = 0;
  const flush = async () => {
    const data = block.take();
    const stored = codec === "deflate" ? await deflateRaw(data) : data;
    out.writeLong(count);
    out.writeBytes(stored);
    out.writeRaw(sync);
    count = 0;
  };
  for (const record of records) {
    encode(record, block);
    if (++count === blockRecords) await flush();
  }
  if (count > 0) await flush();
  return out.take();
}

/** `options` checked, with the defaults filled in (a random sync marker unless one is given). */
function resolveWriteOptions(options: AvroWriteOptions): {
  codec: "deflate" | "null";
  blockRecords: number;
  sync: Uint8Array;
} {
  // `codec: null` is easily taken for `codec: "null"` (no compression): it was the default, deflate.
  checkKnownKeys<AvroWriteOptions>("writeAvroContainer options", options, {
    codec: true,
    blockRecords: true,
    sync: true,
  });
  const codec = options.codec ?? "deflate";
  if (codec !== "deflate" && codec !== "null") throw new TypeError(`codec must be "deflate" or "null", not ${codec}`);
  const blockRecords = options.blockRecords ?? 100;
  if (!Number.isInteger(blockRecords) || blockRecords < 1)
    throw new TypeError("blockRecords must be a positive integer");
  const sync = options.sync ?? crypto.getRandomValues(new Uint8Array(16));
  if (!(sync instanceof Uint8Array) || sync.length !== 16) throw new TypeError("sync must be 16 bytes (a Uint8Array)");
  return { codec, blockRecords, sync };
}

function writeHeader(out: AvroSink, schema: unknown, codec: string, sync: Uint8Array): void {
  out.writeRaw(MAGIC);
  out.writeLong(2);
  out.writeString("avro.schema");
  out.writeString(JSON.stringify(schema));
  out.writeString("avro.codec");
  out.writeString(codec);
  out.writeLong(0);
  out.writeRaw(sync);
}

/** Raw deflate through the platform's CompressionStream (Node 20, browsers, workers). */
async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const deflated = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(deflated).arrayBuffer());
}
