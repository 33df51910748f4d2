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
