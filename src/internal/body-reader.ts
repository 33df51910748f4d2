import { CohereParseError } from "../core/errors/parse-error.js";
import { ignore } from "./ignore.js";

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

/** Cancels a body that will not be read (a redirect's, one refused): its connection is closed. */
export function discardBody(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null): void {
  if (body !== null) bodyReader(body).cancel().catch(ignore);
}

// The intrinsic getter of a typed array's tag: it reads the array's internal slot, so neither
// a forged tag (`Symbol.toStringTag`) nor a Proxy passes for bytes; and it works on arrays of
// another realm.
const tagOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)?.get as (
  this: unknown,
) => string | undefined;

/**
 * `chunk` as bytes, if it is a `Uint8Array`, else a `CohereParseError`: a stream of strings
 * (`Readable.toWeb(Readable.from([text]))`) has no byte count to hold `maxResponseBytes` to,
 * and the runtime's fetch refuses it too ("Received non-Uint8Array chunk"). One that is neither
 * a plain `Uint8Array` of this realm nor a `Buffer` (another subclass, one of another realm, one
 * with its own `byteLength`) is copied into one, which its internal slots, not its getters,
 * fill. A detached one holds no bytes (its intrinsic length is 0): readers skip it as empty.
 * Each reader checks each chunk here, before it counts it.
 */
export function bytesOf(chunk: unknown, status: number): Uint8Array {
  try {
    if (tagOf.call(chunk) === "Uint8Array")
      return plain(chunk as Uint8Array) ? (chunk as Uint8Array) : new Uint8Array(chunk as Uint8Array);
  } catch {
    // Its buffer detached: no bytes to copy.
  }
  throw new CohereParseError(status, "", ["a chunk of the body is not bytes (Uint8Array)"]);
}

/**
 * True for a `Uint8Array` of this realm whose `byteLength` and `length` are the intrinsic ones
 * (the readers count by one, the decoder by the other): a plain one, or a `Buffer` (a subclass
 * that defines neither), taken as it is, without a copy.
 */
function plain(chunk: Uint8Array): boolean {
  const prototype = Object.getPrototypeOf(chunk);
  return (
    !ownLength(chunk) &&
    (prototype === Uint8Array.prototype ||
      (Object.getPrototypeOf(prototype) === Uint8Array.prototype && !ownLength(prototype)))
  );
}

function ownLength(value: object): boolean {
  return Object.hasOwn(value, "byteLength") || Object.hasOwn(value, "length");
}
