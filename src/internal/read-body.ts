import { runtime } from "#platform";
import { CohereParseError } from "../core/errors/parse-error.js";
import { bodyReader, bytesOf, discardBody } from "./body-reader.js";
import { delay } from "./delay.js";
import { ignore } from "./ignore.js";

const empty = new Uint8Array(0);

/**
 * Reads a whole body, chunk by chunk, and stops at `maxBytes`: a larger body is a
 * `CohereParseError` and the rest is never read (the stream is cancelled, which closes the
 * connection), so memory stays bounded whatever a server sends. `signal` cancels the read too,
 * for streams that do not watch any signal themselves (a body a middleware made).
 *
 * @param framed - the response is the runtime fetch's own, its body ended by HTTP framing
 * @param text - the caller wants the body as text only (no layer above reads its bytes): a framed
 * body is then read with `text()`, which decodes the bytes where they are; `arrayBuffer()` copies
 * them first (Node's fetch: 0.2 ms for a page of 1,000 batches), and they were decoded after.
 */
export function readBody(
  response: Response,
  maxBytes: number,
  signal: AbortSignal | undefined,
  framed: boolean,
  text: boolean,
): Promise<Uint8Array | string> {
  const { body, status, headers } = response;
  if (body === null) return Promise.resolve(empty);
  const declared = Number(headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    discardBody(body);
    return Promise.reject(tooLarge(status, maxBytes));
  }
  // One read, as `response.json()` does, where the length is known and holds: HTTP framing ends
  // the body at `Content-Length` (a response from the runtime's fetch, not one a plugin made),
  // nothing decompresses it into more, and the runtime's fetch ends the read on the signal.
  if (
    framed &&
    declared >= 0 &&
    !headers.has("content-encoding") &&
    (response.type === "default" || response.type === "basic")
  )
    return text ? response.text().then((read) => oneMarkRemoved(read, declared)) : response.arrayBuffer().then(asBytes);
  return readChunks(body, status, maxBytes, signal);
}

/**
 * `text` (a body of `length` bytes, read by `Response.text()`) as the Fetch standard decodes the
 * bytes, and as the SDK decodes the bytes it reads (`TextDecoder`): with one leading byte order
 * mark removed. Node's fetch removes one, then decodes with a decoder that removes the next: a
 * body that starts with two lost both, and parsed where the same body read as bytes (for a
 * plugin) did not. Only a body 4 or more bytes longer than its text's UTF-8 can have lost two
 * (a character the decoder replaced is at least as long in UTF-8 as the bytes it replaced), and
 * only one with a non-ASCII byte is longer at all, so a JSON body of ASCII is never counted. A
 * body with two marks and bytes the decoder replaced can pass for one that lost one: that body
 * keeps none.
 */
function oneMarkRemoved(text: string, length: number): string {
  const utf8Length = runtime.utf8Length;
  return utf8Length !== undefined && length - text.length >= 4 && length - utf8Length(text) >= 4
    ? `\uFEFF${text}`
    : text;
}

function asBytes(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer);
}

/** The body read chunk by chunk, counting: a stream whose length nothing vouches for. */
async function readChunks(
  body: ReadableStream<Uint8Array>,
  status: number,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const reader = bodyReader(body);
  const cancel = () => reader.cancel(signal?.reason).catch(ignore);
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      const bytes = bytesOf(chunk.value, status);
      // An empty chunk (a detached one too, which cannot be copied from) adds nothing; a stream
      // of them that come at once would never let the attempt's timer or the abort run.
      if (bytes.byteLength === 0) {
        await delay(0);
        continue;
      }
      total += bytes.byteLength;
      if (total > maxBytes) throw tooLarge(status, maxBytes);
      chunks.push(bytes);
    }
    if (signal?.aborted) throw signal.reason;
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks, total);
  } catch (error) {
    // The rest is never read: a body too large, or not bytes, closes its connection.
    cancel();
    throw error;
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(status: number, maxBytes: number): CohereParseError {
  return new CohereParseError(status, "", [
    `the body is larger than maxResponseBytes (${maxBytes} bytes) and was not read further`,
  ]);
}
