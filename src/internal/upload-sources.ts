import { CohereError } from "../core/errors/cohere-error.js";
import { whileReading } from "../core/input.js";
import { describeCause } from "./cause-chain.js";

/**
 * A part's bytes: a `Blob` can be read again for a retry; a stream of chunks can be read once.
 */
export type PartSource = { readonly blob: Blob } | { readonly chunks: () => AsyncGenerator<Uint8Array> };

const encoder = new TextEncoder();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  try {
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    return false; // a Proxy that refuses to say: not a plain object
  }
}

/** One JSONL line; refuses what is not a plain object or cannot be written as JSON, naming it. */
function jsonLine(item: unknown, where: string): string {
  if (!isPlainObject(item))
    throw new CohereError(`Invalid request: ${where} must be a plain object, got ${describe(item)}`);
  let line: string | undefined;
  try {
    line = JSON.stringify(item);
  } catch (error) {
    throw new CohereError(`Invalid request: ${where} cannot be written as JSON: ${(error as Error).message}`);
  }
  if (line === undefined) throw new CohereError(`Invalid request: ${where} cannot be written as JSON`);
  return `${line}\n`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  try {
    return (value as object).constructor?.name ?? "an object without a prototype";
  } catch {
    return "an object that cannot be read";
  }
}

/**
 * Throws what a caller's data source threw as it was read (a stream that errors, a generator
 * that throws, a file that cannot be read) as a `CohereError` saying so: it is neither a
 * connection failure nor the server's doing. The SDK's own refusals (an item that is not an
 * object) pass as they are.
 */
function sourceFailure(error: unknown): never {
  if (CohereError.is(error)) throw error;
  throw new CohereError(`The data being uploaded failed as it was read: ${describeCause(error)}`, { cause: error });
}

/** The chunks of a stream; ending early cancels it. */
export async function* readStream<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(sourceFailure);
      if (done) return;
      yield value;
    }
  } finally {
    // An attempt that ends early (abort, timeout) closes the caller's stream too.
    await reader.cancel().catch(() => undefined);
  }
}

/** Chunks of an iterable of bytes, strings or plain objects (one JSONL line each). */
async function* readItems(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  field: string,
): AsyncGenerator<Uint8Array> {
  let index = 0;
  try {
    for await (const item of items) {
      if (item instanceof Uint8Array) yield item;
      else if (typeof item === "string") yield encoder.encode(item);
      else yield encoder.encode(jsonLine(item, `${field} item ${index}`));
      index++;
    }
  } catch (error) {
    sourceFailure(error);
  }
}

/**
 * The part source of `data`. Bytes, strings, blobs and arrays become a `Blob` (an array as
 * JSONL, checked item by item now, so bad input is refused before anything is sent); streams,
 * async iterables and other iterables (generators) are read once, as the upload goes.
 *
 * @throws CohereError for a `data` of no supported kind, or an array item that is not a
 * plain object or cannot be written as JSON.
 */
export function partSource(data: unknown, field: string): PartSource {
  return whileReading(`Invalid request: ${field}`, () => sourceOf(data, field));
}

function sourceOf(data: unknown, field: string): PartSource {
  if (typeof data === "string" || data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return { blob: new Blob([data as BlobPart]) };
  }
  if (data instanceof Blob) return { blob: data };
  if (Array.isArray(data)) return { blob: new Blob(data.map((item, i) => jsonLine(item, `${field}[${i}]`))) };
  // A caller's stream may carry strings or objects (a `TextDecoderStream`'s output, an object
  // stream): its chunks are items like an iterable's, each checked and turned into bytes.
  if (data instanceof ReadableStream) return { chunks: () => readItems(readStream(data), field) };
  const iterable = data as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (
    iterable &&
    // An Int16Array is iterable, but of numbers: a typed array other than bytes is no kind of data.
    !ArrayBuffer.isView(iterable) &&
    (typeof iterable[Symbol.asyncIterator] === "function" || typeof iterable[Symbol.iterator] === "function")
  ) {
    return { chunks: () => readItems(iterable as AsyncIterable<unknown>, field) };
  }
  throw new CohereError(
    `Invalid request: ${field} must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, or an (async) iterable of bytes or plain objects; got ${describe(data)}`,
  );
}
