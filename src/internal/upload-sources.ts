import { callFailure } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { whileReading } from "../core/input.js";
import { isPlainObject, isWellFormed } from "../core/input-schemas.js";
import { sentAsGiven } from "../core/json-as-sent.js";
import { describeCause, unreadableDataMessage } from "./cause-chain.js";
import { closeUnread } from "./close-unread.js";
import { describeThrownValue } from "./thrown-text.js";

/**
 * A part's bytes: a `Blob` can be read again for a retry; a stream of chunks can be read once.
 * `close` ends a one-shot source once its call has settled, read or not (a call that failed
 * before sending, one that timed out while the source stalled): a file the caller opened must
 * not stay open.
 */
export type PartSource =
  | { readonly blob: Blob }
  | { readonly chunks: () => AsyncGenerator<Uint8Array>; readonly close: () => void };

const encoder = new TextEncoder();

/** An object line's kind of item (see `isPlainObject`); a Proxy that refuses to say is not one. */
function isObjectLine(value: unknown): value is Record<string, unknown> {
  try {
    return isPlainObject(value);
  } catch {
    return false;
  }
}

/**
 * `text`, refused where it holds a lone UTF-16 surrogate: encoded as UTF-8 it would be sent as
 * U+FFFD, other text than the caller's (as an object line's is refused: see `sentAsGiven`).
 */
function wellFormed(text: string, where: string): string {
  if (!isWellFormed(text))
    throw new CohereError(`Invalid ${where} holds a lone UTF-16 surrogate, which would be sent as U+FFFD`);
  return text;
}

/** One JSONL line; refuses what is not a plain object or cannot be written as JSON, naming it. */
function jsonLine(item: unknown, where: string): string {
  if (!isObjectLine(item)) throw new CohereError(`Invalid ${where} must be a plain object, got ${describe(item)}`);
  let line: string | undefined;
  try {
    line = JSON.stringify(item, sentAsGiven);
  } catch (error) {
    throw new CohereError(`Invalid ${where} cannot be written as JSON: ${describeThrownValue(error)}`);
  }
  // A `toJSON` may give anything: each line must still be one JSON object.
  if (line?.[0] !== "{") throw new CohereError(`Invalid ${where} must be written as a JSON object`);
  return `${line}\n`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (name === "") return "an instance of an anonymous class";
    if (typeof name === "string" && name !== "Object") return name;
    // No class's: an `Object.create(defaults)`, whose inherited fields JSON would leave out.
    for (const key in value) if (!Object.hasOwn(value, key)) return "an object with inherited fields";
    return "an object whose prototype is not Object.prototype";
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
export function sourceFailure(error: unknown): never {
  if (CohereError.is(error)) throw error;
  throw callFailure(unreadableDataMessage(describeCause(error)), { cause: error });
}

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
    // An attempt that ends early (abort, timeout) closes the caller's stream too.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Turns the items of a collection or an iterable, one at a time, into the bytes they upload:
 * bytes as they are, text as UTF-8, a plain object as one JSONL line. `name` names an item in
 * errors (`data[2]`, `data item 2`) of `request` (`request`, `run request`); `end` refuses a
 * surrogate half no later item completed.
 */
function itemEncoder(request: string, name: (index: number) => string, collection = false) {
  const subject = (index: number) => `${request}: ${name(index)}`;
  let index = 0;
  // A string may end in the first half of a surrogate pair whose second half starts the next:
  // encoded apart, each half would be sent as U+FFFD. The half waits for the next string.
  let half = "";
  // The first item says what the items are: chunks of text and bytes (a file's stream), or
  // objects (one line each). Mixed, a chunk after a line would be glued to the next line.
  let holdsObjects: boolean | undefined;
  // In a collection, the last text item: one that is a whole JSON object with no newline, and
  // the next that starts one, would be glued onto one line (`text.split("\n")` given as data).
  // (No JSON has `}{` outside a string, and an object with a field, its name quoted, that parses
  // whole is no string's middle; `{}` may be one.)
  let previousText: string | undefined;
  return {
    encode(item: unknown): Uint8Array {
      const chunk = typeof item === "string" || isBytes(item);
      // Anything else (a number) is refused below, as a line that is not an object.
      if (chunk || isObjectLine(item)) holdsObjects ??= !chunk;
      if (chunk ? holdsObjects === true : holdsObjects === false && isObjectLine(item))
        throw new CohereError(
          `Invalid ${subject(index)} is ${chunk ? "" : "not "}text or bytes, and the items before it are ${chunk ? "not" : "text or bytes"}: an iterable holds either chunks of JSONL (text or bytes) or plain objects (one line each)`,
        );
      let bytes: Uint8Array;
      if (typeof item === "string") {
        if (collection && item[0] === "{" && previousText?.endsWith("}") && isJsonObject(previousText))
          throw new CohereError(
            `Invalid ${subject(index - 1)} ends a JSON object without a newline, so ${name(index)} would be glued onto its line: text items are chunks of JSONL, not lines (end each with "\n")`,
          );
        previousText = item;
        const text = half + item;
        const code = text.charCodeAt(text.length - 1);
        half = code >= 0xd800 && code <= 0xdbff ? text.slice(-1) : "";
        bytes = encoder.encode(wellFormed(half ? text.slice(0, -1) : text, subject(index)));
      } else {
        // A high surrogate no next chunk completed is never well formed: this refuses it.
        if (half) wellFormed(half, subject(index - 1));
        half = "";
        previousText = undefined;
        bytes = chunk ? (item as Uint8Array) : encoder.encode(jsonLine(item, subject(index)));
      }
      index++;
      return bytes;
    },
    end(): void {
      if (half) wellFormed(half, subject(index - 1));
    },
  };
}

/** Chunks of an iterable of bytes, strings or plain objects (one JSONL line each), read as the upload goes. */
async function* readItems(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  field: string,
  request: string,
): AsyncGenerator<Uint8Array> {
  const lines = itemEncoder(request, (index) => `${field} item ${index}`);
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
  const lines = itemEncoder(request, name, true);
  const parts: Uint8Array[] = [];
  // By index, not copied first: a hole is an item (refused at once, as `map` would skip it), and
  // a huge sparse array is refused at its first hole rather than copied whole.
  if (Array.isArray(items)) for (let index = 0; index < items.length; index++) parts.push(lines.encode(items[index]));
  else for (const item of items) parts.push(lines.encode(item));
  lines.end();
  return new Blob(parts as BlobPart[]);
}

/** True for text that is one JSON object with a field. */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
  } catch {
    return false;
  }
}

/** True for bytes; a Proxy that refuses to say (its prototype unreadable) is none, and is named as a line. */
function isBytes(item: unknown): item is Uint8Array {
  try {
    return item instanceof Uint8Array;
  } catch {
    return false;
  }
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
  throw new CohereError(
    `Invalid ${request}: ${field} must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream, or an (async) iterable of bytes or plain objects; got ${isObjectLine(data) ? "one plain object (pass an array of them)" : describe(data)}`,
  );
}
