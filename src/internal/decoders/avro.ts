// Avro object container files, decoded as they download: an async iterator of records that
// holds one block at a time, with the writer's schema from the file's header. Loaded with a
// dynamic import (see ./load-avro.ts) so that bundles which never read results do not carry it.
import { CohereParseError } from "../../core/errors/index.js";
import { type BlockCodec, blockCodec, type InflateRaw } from "./avro-codecs.js";
import { AvroCursor, AvroFormatError } from "./avro-cursor.js";
import { parseHeader } from "./avro-header.js";
import { type AvroReader, compileSchema } from "./avro-schema.js";
import { ByteQueue, type ByteSource } from "./byte-queue.js";

export type { InflateRaw } from "./avro-codecs.js";
export type { ByteSource } from "./byte-queue.js";

export interface AvroDecodeOptions {
  /** Names the file in errors: "part 2 (output-2.avro) of dataset ds-1". */
  part: string;
  /** The HTTP status the bytes came with, for `CohereParseError.status` (default 200). */
  status?: number;
  /**
   * Inflates a raw deflate block. Default: the platform's `DecompressionStream("deflate-raw")`
   * (Node 20, browsers, workerd, Deno, Bun). In Node, zlib's `inflateRawSync` is about 8x faster
   * per block (bench/avro-throughput.mjs): the Node build passes it.
   */
  inflateRaw?: InflateRaw;
}

/** Headers are a schema and a few keys; a "header" larger than this is a corrupt length. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** Two varints (object count, byte size) of at most 10 bytes each. */
const BLOCK_PREFIX_BYTES = 20;

/**
 * Decodes an Avro object container file from `source`, one record per `next()`.
 *
 * @remarks
 * Memory holds the current block (decompressed) and the chunk that ends it, never the file.
 * Records are plain objects, arrays, strings, numbers (int and long; exact up to 2^53),
 * booleans, null and `Uint8Array`s (bytes, fixed); a union gives the bare value of its branch.
 * Returning early (`break`) cancels the source.
 *
 * @throws CohereParseError (status, `issues` naming `options.part`) when the bytes are not a
 * valid Avro file or end before it does; an error of the source itself is rethrown as it is.
 */
export function decodeAvroContainer(source: ByteSource, options: AvroDecodeOptions): AsyncIterableIterator<unknown> {
  return new ContainerIterator(new ByteQueue(source), options);
}

class ContainerIterator implements AsyncIterableIterator<unknown> {
  private sync: Uint8Array | undefined;
  private codec: BlockCodec | undefined;
  private read: AvroReader | undefined;
  /** The current block, decompressed, and how many of its records are left. */
  private block: AvroCursor | undefined;
  private remaining = 0;
  private blockIndex = -1;
  private finished = false;
  /** The pending read of a new block: a second `next()` before it settles waits its turn. */
  private loading: Promise<IteratorResult<unknown>> | undefined;

  constructor(
    private readonly bytes: ByteQueue,
    private readonly options: AvroDecodeOptions,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  // An arrow function, so that it can be chained as a callback.
  next = (): Promise<IteratorResult<unknown>> => {
    // The common case, a record of the block in hand, settles without another await.
    if (this.remaining > 0) {
      try {
        return Promise.resolve({ done: false, value: this.readRecord() });
      } catch (error) {
        return Promise.reject(this.fail(error));
      }
    }
    if (this.loading) return this.loading.then(this.next, this.next);
    this.loading = this.nextFromNewBlock().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  };

  async return(): Promise<IteratorResult<unknown>> {
    this.finish();
    await this.bytes.cancel().catch(() => {});
    return { done: true, value: undefined };
  }

  private async nextFromNewBlock(): Promise<IteratorResult<unknown>> {
    try {
      while (this.remaining === 0) {
        if (this.finished || !(await this.loadBlock())) {
          this.finish();
          return { done: true, value: undefined };
        }
      }
      return { done: false, value: this.readRecord() };
    } catch (error) {
      throw this.fail(error);
    }
  }

  private readRecord(): unknown {
    const block = this.block as AvroCursor;
    const value = (this.read as AvroReader)(block);
    if (block.overran) throw new AvroFormatError("a record runs past the end of its block");
    if (--this.remaining === 0 && block.pos !== block.end) {
      throw new AvroFormatError(`${block.end - block.pos} bytes left after the block's last record`);
    }
    return value;
  }

  /** Reads the header if not yet read, then the next block; false at the clean end of the file. */
  private async loadBlock(): Promise<boolean> {
    if (!this.sync) await this.readHeader();
    this.blockIndex++;
    if (!(await this.bytes.fill(1))) return false;
    await this.bytes.fill(BLOCK_PREFIX_BYTES);
    const prefix = new AvroCursor(this.bytes.peek());
    const count = prefix.readLong();
    const size = prefix.readLong();
    if (prefix.overran) throw new AvroFormatError("file ends inside a block header");
    if (count < 0 || size < 0) throw new AvroFormatError(`block header says ${count} records in ${size} bytes`);
    const total = prefix.pos + size + 16;
    if (!(await this.bytes.fill(total))) throw new AvroFormatError("file ends inside a block");
    const bytes = this.bytes.peek();
    if (!equalBytes(bytes.subarray(prefix.pos + size, total), this.sync as Uint8Array)) {
      throw new AvroFormatError("sync marker mismatch");
    }
    // A view, not a copy: the queue never writes into a buffer it has handed out.
    const stored = bytes.subarray(prefix.pos, prefix.pos + size);
    this.bytes.skip(total);
    const data = await (this.codec as BlockCodec)(stored);
    this.block = new AvroCursor(data);
    this.remaining = count;
    if (count === 0 && data.length !== 0) throw new AvroFormatError("bytes in a block of no records");
    return true;
  }

  /** Parses the header as soon as its bytes are in: a stalled source after them does not delay it. */
  private async readHeader(): Promise<void> {
    for (;;) {
      const bytes = this.bytes.peek();
      const header = parseHeader(bytes);
      if (header) {
        this.read = compileSchema(header.schema);
        this.codec = blockCodec(header.codec, this.options.inflateRaw);
        this.sync = header.sync;
        this.bytes.skip(header.length);
        return;
      }
      if (bytes.length > MAX_HEADER_BYTES) throw new AvroFormatError("header larger than 4 MiB");
      if (!(await this.bytes.pullChunk())) {
        throw new AvroFormatError(bytes.length === 0 ? "empty file" : "file ends inside the header");
      }
    }
  }

  private finish(): void {
    this.finished = true;
    this.remaining = 0;
    this.block = undefined;
  }

  /** Ends the iteration; a format error becomes a CohereParseError naming the part and the block. */
  private fail(error: unknown): unknown {
    this.finish();
    void this.bytes.cancel().catch(() => {});
    if (!(error instanceof AvroFormatError)) return error;
    const where = this.blockIndex < 0 || !this.sync ? "header" : `block ${this.blockIndex}`;
    return new CohereParseError(this.options.status ?? 200, "", [`${this.options.part}: ${where}: ${error.message}`]);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
