import { CohereError } from "../core/errors/cohere-error.js";
import { whileReading } from "../core/input.js";
import { closeUnread } from "./close-unread.js";
import { ignore } from "./ignore.js";
import { ItemEncoder } from "./item-encoder.js";
import { describe, isObjectLine } from "./json-line.js";
import { sourceFailure } from "./source-failure.js";
import { wellFormed } from "./well-formed.js";

/**
 * A part's bytes: a `Blob` can be read again for a retry; a stream of chunks can be read once.
 * `close` ends a one-shot source once its call has settled, read or not (a call that failed
 * before sending, one that timed out while the source stalled): a file the caller opened must
 * not stay open.
 */
export type PartSource =
  | { readonly blob: Blob }
  | { readonly chunks: () => AsyncGenerator<Uint8Array>; readonly close: () => void };

/** The chunks of a stream; ending early cancels it. `held` gets the reader, for a cancel from outside. */
export async function* readStream<T>(
  stream: ReadableStream<T>,
  held?: { reader?: ReadableStreamDefaultReader<T> },
): AsyncGenerator<T> {
  const reader = stream.getReader();
  if (held) held.reader = reader;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(sourceFailure);
      if (done) return;
      yield value;
    }
  } finally {
    // An attempt that ends early (abort, timeout, a bad item) closes the caller's stream too, and
    // lets go of it: a stream left locked to a reader no one holds cannot even be told apart from
    // one in use. Not awaited: `cancel()` closes the stream at once, but its promise waits for the
    // source's cancel, which may never settle (a tee's branch waits for its twin to be cancelled
    // too), and the call, its error and the lock's release would wait with it.
    reader.cancel().catch(ignore);
    reader.releaseLock();
  }
}

/** Chunks of an iterable of bytes, strings or plain objects (one JSONL line each), read as the upload goes. */
async function* readItems(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  field: string,
  request: string,
): AsyncGenerator<Uint8Array> {
  const lines = new ItemEncoder(request, (index) => `${field} item ${index}`);
  try {
    for await (const item of items) yield lines.encode(item);
    lines.end();
  } catch (error) {
    sourceFailure(error);
  }
}

/**
 * The bytes of a collection held in memory (an array, a `Set`, a `Map`): every item is checked
 * now, so bad input is refused before anything is sent.
 */
function collectionBlob(
  items: readonly unknown[] | Iterable<unknown>,
  request: string,
  name: (index: number) => string,
): Blob {
  const lines = new ItemEncoder(request, name, true);
  const parts: Uint8Array[] = [];
  // By index, not copied first: a hole is an item (refused at once, as `map` would skip it), and
  // a huge sparse array is refused at its first hole rather than copied whole.
  if (Array.isArray(items)) for (let index = 0; index < items.length; index++) parts.push(lines.encode(items[index]));
  else for (const item of items) parts.push(lines.encode(item));
  lines.end();
  return new Blob(parts as BlobPart[]);
}

/**
 * The part source of `data`. Bytes, strings, blobs, arrays, Sets and Maps become a `Blob` (a
 * collection's items checked now, so bad input is refused before anything is sent); streams,
 * async iterables and other iterables (generators) are read once, as the upload goes.
 *
 * @param field - names the data in errors (`data`, `requests`), as a field of `request`.
 * @param request - names what the caller gave in errors: `request` (a create's), `run request`.
 * @throws CohereError for a `data` of no supported kind, or an array item that is not a
 * plain object or cannot be written as JSON.
 */
export function partSource(data: unknown, field: string, request = "request"): PartSource {
  return whileReading(`Invalid ${request}: ${field}`, () => sourceOf(data, field, request));
}

function sourceOf(data: unknown, field: string, request: string): PartSource {
  const source = inMemorySource(data, field, request) ?? readOnceSource(data, field, request);
  if (source !== undefined) return source;
  throw new CohereError(
    `Invalid ${request}: ${field} must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, or an (async) iterable of bytes or plain objects; got ${isObjectLine(data) ? "one plain object (pass an array of them)" : describe(data)}`,
  );
}

/** The Blob of `data` held in memory (bytes, a string, a Blob, a collection); else `undefined`. */
function inMemorySource(data: unknown, field: string, request: string): PartSource | undefined {
  if (typeof data === "string" || data instanceof Uint8Array || data instanceof ArrayBuffer) {
    const text = typeof data === "string" ? wellFormed(data, `${request}: ${field}`) : (data as BlobPart);
    return { blob: new Blob([text]) };
  }
  if (data instanceof Blob) return { blob: data };
  if (Array.isArray(data)) return { blob: collectionBlob(data, request, (index) => `${field}[${index}]`) };
  // A Set or a Map is in memory too (a Map's entries are arrays, refused as lines), and may be large:
  // checked whole, as an array is, rather than streamed and refused after the upload began.
  if (data instanceof Set || data instanceof Map)
    return { blob: collectionBlob(data, request, (index) => `${field} item ${index}`) };
  return undefined;
}

/** The one-shot source of `data` read as the upload goes (a stream, an iterable); else `undefined`. */
function readOnceSource(data: unknown, field: string, request: string): PartSource | undefined {
  // A caller's stream may carry strings or objects (a `TextDecoderStream`'s output, an object
  // stream): its chunks are items like an iterable's, each checked and turned into bytes.
  const close = () => closeUnread(data);
  if (data instanceof ReadableStream) {
    // A stream being read is locked: its reader cancels it, and ends a read that waits.
    const held: { reader?: ReadableStreamDefaultReader<unknown> } = {};
    const cancel = () => (held.reader ? void held.reader.cancel().catch(() => undefined) : close());
    return { chunks: () => readItems(readStream(data, held), field, request), close: cancel };
  }
  const iterable = data as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (
    iterable &&
    // An Int16Array is iterable, but of numbers: a typed array other than bytes is no kind of data.
    !ArrayBuffer.isView(iterable) &&
    (typeof iterable[Symbol.asyncIterator] === "function" || typeof iterable[Symbol.iterator] === "function")
  ) {
    return { chunks: () => readItems(iterable as AsyncIterable<unknown>, field, request), close };
  }
  return undefined;
}
