// Avro object container files, decoded as they download: an async iterator of records that
// holds one block at a time, with the writer's schema from the file's header. Loaded with a
// dynamic import (see ./load-avro.ts) so that bundles which never read results do not carry it.
import { CohereParseError } from "../../core/errors/index.js";
import { ignore } from "../ignore.js";
import { BlockStream } from "./avro-blocks.js";
import { blockCodec, type InflateRaw } from "./avro-codecs.js";
import { AvroCursor, AvroFormatError, locate } from "./avro-cursor.js";
import { parseHeader } from "./avro-header.js";
import { minEncodedSize } from "./avro-min-size.js";
import { type AvroReader, compileSchema } from "./avro-schema.js";
import { ByteQueue, type ByteSource } from "./byte-queue.js";

export { type InflateRaw, MAX_BLOCK_BYTES } from "./avro-codecs.js";
export type { ByteSource } from "./byte-queue.js";

export interface AvroDecodeOptions {
  /** Names the file in errors: "part 2 (output-2.avro) of dataset ds-1". */
  part: string;
  /** The HTTP status the bytes came with, for `CohereParseError.status` (default 200). */
  status?: number;
  /**
   * Inflates a raw deflate block. Default: the platform's `DecompressionStream("deflate-raw")`
   * (Node 20, browsers, workerd, Deno, Bun), or where there is none (Vercel's Edge Runtime) the
   * SDK's own, in JavaScript (./inflate-raw.ts). In Node, zlib's `inflateRawSync` is 3-5x faster
   * (bench/avro-throughput.mjs): the Node build passes it, capped at `MAX_BLOCK_BYTES`.
   */
  inflateRaw?: InflateRaw;
  /**
   * The caller's abort: ends the wait for the SDK's own inflater where it is loaded on the
   * first deflate block (a lazy chunk a page may fetch over the network). The bytes themselves
   * come from `source`, whose reads the caller bounds.
   */
  signal?: AbortSignal | undefined;
  /**
   * The file as a download before this one read it, for a file read again (a part whose body
   * broke off): the sync marker of its header, set by the first download. A file whose marker
   * differs is another file (each writer draws its own 16 random bytes), and a `CohereParseError`:
   * its records cannot be matched to the ones already read.
   */
  sameFileAs?: { sync?: Uint8Array };
}

/** Headers are a schema and a few keys; a "header" larger than this is a corrupt length. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * Decodes an Avro object container file from `source`, one record per `next()`.
 *
 * @remarks
 * Memory holds the current block (decompressed) and the chunk that ends it, never the file.
 * Records are plain objects, arrays, strings, numbers (int and long; a long past ±(2^53 - 1)
 * is a `bigint`, exact),
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
  private blocks: BlockStream | undefined;
  private read: AvroReader | undefined;
  /** The current block, decompressed, its index, and how many of its records are left. */
  private block: AvroCursor | undefined;
  private blockIndex = 0;
  private remaining = 0;
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
    if (this.loading) return this.nextAfter(this.loading);
    this.loading = this.nextFromNewBlock().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  };

  /**
   * A `next()` made while a block loads, read once that load settles. Awaited, not chained:
   * `next()` may return a promise already rejected, a record that fails to decode (see `promiseOf`).
   */
  private async nextAfter(loading: Promise<unknown>): Promise<IteratorResult<unknown>> {
    await loading.catch(ignore);
    return await this.next();
  }

  async return(): Promise<IteratorResult<unknown>> {
    this.finish();
    await this.bytes.cancel().catch(() => {});
    return { done: true, value: undefined };
  }

  private async nextFromNewBlock(): Promise<IteratorResult<unknown>> {
    try {
      while (this.remaining === 0) {
        const block = this.finished ? undefined : await (this.blocks ?? (await this.readHeader())).next();
        if (!block) {
          this.finish();
          return { done: true, value: undefined };
        }
        [this.block, this.blockIndex, this.remaining] = [new AvroCursor(block.data), block.index, block.count];
      }
      return { done: false, value: this.readRecord() };
    } catch (error) {
      // Closed by `return()` while this read waited: the source's end is no error, but the end.
      if (this.finished) return { done: true, value: undefined };
      throw this.fail(error);
    }
  }

  private readRecord(): unknown {
    const block = this.block as AvroCursor;
    this.inRecord = true;
    const value = (this.read as AvroReader)(block);
    this.inRecord = false;
    if (block.overran) throw new AvroFormatError("a record runs past the end of its block");
    if (--this.remaining === 0 && block.pos !== block.end) {
      throw new AvroFormatError(`${block.end - block.pos} bytes left after the block's last record`);
    }
    return value;
  }

  /** Parses the header as soon as its bytes are in: a stalled source after them does not delay it. */
  private async readHeader(): Promise<BlockStream> {
    for (;;) {
      const bytes = this.bytes.peek();
      const header = locateIn("header", () => parseHeader(bytes));
      if (header) {
        this.read = locateIn("header", () => compileSchema(header.schema));
        const codec = locateIn("header", () => blockCodec(header.codec, this.options.inflateRaw, this.options.signal));
        const seen = this.options.sameFileAs;
        if (seen) {
          seen.sync ??= header.sync;
          // Sixteen bytes each, compared as their lists of numbers.
          if (`${seen.sync}` !== `${header.sync}`)
            throw locate(
              new AvroFormatError(
                "read again, it is not the file read before (another sync marker): the part changed between its downloads",
              ),
              "header",
            );
        }
        this.bytes.skip(header.length);
        this.blocks = new BlockStream(this.bytes, header.sync, codec, minEncodedSize(header.schema));
        return this.blocks;
      }
      if (bytes.length > MAX_HEADER_BYTES) throw locate(new AvroFormatError("header larger than 4 MiB"), "header");
      if (!(await this.bytes.pullChunk())) {
        throw locate(new AvroFormatError(bytes.length === 0 ? "empty file" : "file ends inside the header"), "header");
      }
    }
  }

  /**
   * True while a record is read: an error thrown then that is not a format error (readers throw
   * no other) is a stack overflow, a value nested deeper than the stack (a valid 100,000-deep
   * list, a record that contains itself): a RangeError in V8 and JavaScriptCore, an
   * InternalError in Firefox. Either way a part that cannot be decoded. (A flag, not a try
   * around each record: that cost the decoder 10% of its records per second.)
   */
  private inRecord = false;

  private finish(): void {
    this.finished = true;
    this.remaining = 0;
    this.block = undefined;
  }

  /** Ends the iteration; a format error becomes a CohereParseError naming the part and where. */
  private fail(error: unknown): unknown {
    this.finish();
    void this.bytes.cancel().catch(() => {});
    if (this.inRecord && !(error instanceof AvroFormatError)) {
      const deep = error instanceof RangeError || (error as Error | undefined)?.name === "InternalError";
      error = new AvroFormatError(
        `a record ${deep ? "is nested too deeply to decode" : "cannot be decoded"} (${String(error)})`,
      );
    }
    if (!(error instanceof AvroFormatError)) return error;
    const where = error.where ?? `block ${this.blockIndex}`;
    return new CohereParseError(this.options.status ?? 200, "", [`${this.options.part}: ${where}: ${error.message}`]);
  }
}

/** `parse()`, with a format error it throws marked as found at `where`. */
function locateIn<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw locate(error, where);
  }
}
