// The blocks of a container file after its header: framing (record count, byte size, sync
// marker) checked, then decompressed, one at a time. (Reading the next deflate block ahead, two
// decompressions in flight, was measured and gained nothing in Node: not worth a second block.)
import { type BlockCodec, MAX_BLOCK_BYTES } from "./avro-codecs.js";
import { AvroCursor, AvroFormatError, locate } from "./avro-cursor.js";
import type { ByteQueue } from "./byte-queue.js";

export interface Block {
  index: number;
  count: number;
  data: Uint8Array;
}

/** Records of no bytes a file may hold beyond one per byte read (see `BlockStream.next`). */
const MAX_EMPTY_RECORDS = 1_000_000;

/**
 * Blocks without records a file may hold in a row. Writers do not write them (a block is
 * flushed when it has records), and a body of nothing else would keep a reader busy for ever
 * while bytes keep coming: the records reader's bound on a wait counts bytes, not blocks.
 */
const MAX_EMPTY_BLOCKS_IN_A_ROW = 1_000;

export class BlockStream {
  private index = 0;
  private records = 0;
  private bytesRead = 0;
  private emptyInARow = 0;

  constructor(
    private readonly bytes: ByteQueue,
    private readonly sync: Uint8Array,
    private readonly codec: BlockCodec,
    /** The fewest bytes a record takes (see avro-min-size.ts). */
    private readonly minRecordBytes: number,
  ) {}

  /** The next block, decompressed; `undefined` at the clean end of the file. */
  async next(): Promise<Block | undefined> {
    const index = this.index++;
    try {
      if (!(await this.bytes.fill(1))) return undefined;
      const { count, size, length } = await this.readPrefix();
      if (count < 0 || size < 0 || size > MAX_BLOCK_BYTES) {
        throw new AvroFormatError(`block header says ${count} records in ${size} bytes`);
      }
      const total = length + size + 16;
      if (!(await this.bytes.fill(total))) throw new AvroFormatError("file ends inside a block");
      const bytes = this.bytes.peek();
      if (!equalBytes(bytes.subarray(length + size, total), this.sync)) {
        throw new AvroFormatError("sync marker mismatch");
      }
      // A view: the queue reuses a join buffer only after the block it held is done with.
      const stored = bytes.subarray(length, length + size);
      this.bytes.skip(total);
      const data = await this.codec(stored);
      // Records that take no bytes (a record of only null fields) are bounded by nothing but
      // what a block says: 2^50 in 0 bytes were yielded for months. The file's bytes so far,
      // plus a million, bound all records (others, at a byte or more each, stay under).
      this.records += count;
      this.bytesRead += data.length;
      if (
        (count === 0 && data.length !== 0) ||
        count * this.minRecordBytes > data.length ||
        this.records > this.bytesRead + MAX_EMPTY_RECORDS
      ) {
        throw new AvroFormatError(`block says ${count} records in ${data.length} bytes`);
      }
      if (count > 0) this.emptyInARow = 0;
      else if (++this.emptyInARow > MAX_EMPTY_BLOCKS_IN_A_ROW)
        throw new AvroFormatError(`${MAX_EMPTY_BLOCKS_IN_A_ROW} blocks in a row hold no records`);
      return { index, count, data };
    } catch (error) {
      throw locate(error, `block ${index}`);
    }
  }

  /** The block's record count and byte size, parsed as soon as their bytes are in. */
  private async readPrefix(): Promise<{ count: number; size: number; length: number }> {
    for (;;) {
      const prefix = new AvroCursor(this.bytes.peek());
      const count = prefix.readLong();
      const size = prefix.readLong();
      if (!prefix.overran) return { count, size, length: prefix.pos };
      if (!(await this.bytes.pullChunk())) throw new AvroFormatError("file ends inside a block header");
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
