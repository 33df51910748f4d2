import { CohereParseError } from "../core/errors/parse-error.js";

/** Reads a response body chunk by chunk; `cancel` stops it and closes the connection. */
export interface BodyReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<unknown>;
}

/**
 * A reader over a response body: a web `ReadableStream`, or else an async iterable of bytes,
 * which is what the `body` of node-fetch (v2 and v3: a Node stream) is. A custom `fetch` of that
 * kind failed every call with "body.getReader is not a function", retried as a connection
 * failure. (A body that is neither fails here with a `TypeError`, typed by the caller.)
 */
export function bodyReader(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): BodyReader {
  // A web stream through its reader: Safari's streams are not async iterable.
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function")
    return (body as ReadableStream<Uint8Array>).getReader();
  const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    read: () => iterator.next() as Promise<ReadableStreamReadResult<Uint8Array>>,
    // A Node stream is destroyed (its iterator's return() does nothing before the first read).
    cancel: async () => {
      (body as { destroy?: () => void }).destroy?.();
      return iterator.return?.();
    },
  };
}

/**
 * `chunk`, if it is bytes (a `Buffer`, or a `Uint8Array` of another realm, too), else a
 * `CohereParseError`: a stream of strings (`Readable.toWeb(Readable.from([text]))`) has no byte
 * count to hold `maxResponseBytes` to, and the runtime's fetch refuses it too ("Received
 * non-Uint8Array chunk"). Each reader checks each chunk here, before it counts it.
 */
export function bytesOf(chunk: unknown, status: number): Uint8Array {
  if (chunk instanceof Uint8Array || Object.prototype.toString.call(chunk) === "[object Uint8Array]")
    return chunk as Uint8Array;
  throw new CohereParseError(status, "", ["a chunk of the body is not bytes (Uint8Array)"]);
}
