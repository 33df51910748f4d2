// The bytes of a download as they arrive, held until the decoder has consumed them: at most one
// block plus the chunk that ends it, whatever the size of the file.
import { type BodyReader, bodyReader } from "../body-reader.js";

/** A stream or async iterable of byte chunks: a `fetch` body, or any other source. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Offset of the first unread byte in `chunks[0]`. */
  private offset = 0;
  private buffered = 0;
  private ended = false;
  private readonly reader: BodyReader;

  constructor(source: ByteSource) {
    this.reader = bodyReader(source);
  }

  /** How many unread bytes are buffered. */
  get available(): number {
    return this.buffered;
  }

  /** True once the source has ended (more bytes may still be buffered). */
  get done(): boolean {
    return this.ended;
  }

  /** Pulls chunks until `count` bytes are buffered or the source ends; true if they are. */
  async fill(count: number): Promise<boolean> {
    while (this.buffered < count && (await this.pullChunk()));
    return this.buffered >= count;
  }

  /** Pulls one more non-empty chunk; false if the source has ended. */
  async pullChunk(): Promise<boolean> {
    for (;;) {
      if (this.ended) return false;
      const chunk = (await this.reader.read()).value;
      if (chunk === undefined) this.ended = true;
      else if (chunk.length > 0) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
        return true;
      }
    }
  }

  /**
   * The unread bytes, contiguous. Chunks are joined once, when a read spans them, into one of
   * two buffers used in turn: a fresh allocation per block would leave one dead ArrayBuffer
   * per block for the next major GC, and RSS would climb with the file's length. Two, because
   * the unread rest of the previous join is copied from one into the other. Safe because the
   * decoder copies what it yields (strings, bytes) and is done with a block before it
   * reads the next.
   */
  peek(): Uint8Array {
    if (this.chunks.length > 1) {
      const joined = this.spare(this.buffered);
      let at = 0;
      for (const [i, chunk] of this.chunks.entries()) {
        const part = i === 0 ? chunk.subarray(this.offset) : chunk;
        joined.set(part, at);
        at += part.length;
      }
      this.chunks = [joined];
      this.offset = 0;
    }
    return this.chunks[0]?.subarray(this.offset) ?? new Uint8Array(0);
  }

  private buffers: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];

  /** A view of `length` bytes in whichever join buffer is not the previous join's. */
  private spare(length: number): Uint8Array {
    this.buffers.reverse();
    if (this.buffers[0].length < length) this.buffers[0] = new Uint8Array(Math.max(length, this.buffers[0].length * 2));
    return this.buffers[0].subarray(0, length);
  }

  /** Marks `count` bytes (of `peek()`) as read. */
  skip(count: number): void {
    this.offset += count;
    this.buffered -= count;
    if (this.buffered === 0) {
      this.chunks = [];
      this.offset = 0;
    }
  }

  cancel(): Promise<void> {
    this.chunks = [];
    this.buffers = [new Uint8Array(0), new Uint8Array(0)];
    return this.reader.cancel().then(() => undefined);
  }
}
