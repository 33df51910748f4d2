/**
 * Bodies the transport has already read, by response. The transport reads each body inside the
 * attempt (so the attempt's timeout covers it); the SDK's own readers then take the bytes from
 * here instead of reading a copy of the response a second time.
 */
const bodies = new WeakMap<Response, Uint8Array>();
const decoder = new TextDecoder();

/** Records the bytes read from `response`. */
export function keepBody(response: Response, bytes: Uint8Array): void {
  bodies.set(response, bytes);
}

/** True when the body of `response` was read by the SDK (the transport, or the guard of users' middleware). */
export function hasKeptBody(response: Response): boolean {
  return bodies.has(response);
}

/**
 * The body of `response` as text: the bytes the transport kept, or, for a response that did not
 * come from the transport (a layer tested alone with a stub), the body itself.
 */
export function readBodyText(response: Response): Promise<string> {
  const bytes = bodies.get(response);
  return bytes === undefined ? response.text() : Promise.resolve(decoder.decode(bytes));
}
