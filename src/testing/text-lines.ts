/**
 * Reads an uploaded file line by line, for the fake's dataset validation.
 *
 * @packageDocumentation
 */

// Blob.stream() may hand over a whole in-memory file as one chunk; decoding a gigabyte at once
// fails (and builds one huge string), so chunks are decoded a mebibyte at a time.
const DECODE_BYTES = 1 << 20;

/**
 * The lines of a file, split on `\n` (a `\r` before it is kept), read as a stream: a large
 * upload is never turned into one string.
 *
 * @example
 * ```ts
 * for await (const line of lines(new Blob(["a\nb"]))) console.log(line); // "a", then "b"
 * ```
 */
export async function* lines(file: Blob): AsyncGenerator<string> {
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  // The start of a line not yet ended, in pieces: only new text is searched for "\n", and a
  // long line is joined once, when it ends (re-splitting the growing rest at every chunk took
  // quadratic time: 5 s for one line of 32 MiB).
  let pending: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let offset = 0; offset < value.byteLength; offset += DECODE_BYTES) {
      const text = decoder.decode(value.subarray(offset, offset + DECODE_BYTES), { stream: true });
      let start = 0;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
        pending.push(text.slice(start, end));
        yield pending.join("");
        pending = [];
        start = end + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    }
  }
  pending.push(decoder.decode());
  yield pending.join("");
}
