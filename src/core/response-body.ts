/**
 * Bodies the transport has already read, by response. The transport reads each body inside the
 * attempt (so the attempt's timeout covers it); the SDK's own readers then take the bytes from
 * here instead of reading a copy of the response a second time.
 */
const bodies = new WeakMap<Response, ArrayBuffer>();
const decoder = new TextDecoder();

/** Records the bytes read from `response`. */
export function keepBody(response: Response, bytes: ArrayBuffer): void {
  bodies.set(response, bytes);
}

/**
 * The body of `response` as text: the bytes the transport kept, or, for a response that did not
 * come from the transport (one a middleware made, a cache hit), the body itself.
 */
export function readBodyText(response: Response): Promise<string> {
  const bytes = bodies.get(response);
  return bytes === undefined ? response.text() : Promise.resolve(decoder.decode(bytes));
}
