/**
 * Where the bytes of a body the transport has already read are kept, on the response itself.
 * The transport reads each body inside the attempt (so the attempt's timeout covers it); the
 * SDK's own readers then take the bytes from here instead of reading a copy of the response a
 * second time. A module-private symbol rather than a `WeakMap`: an entry per call in a weak
 * table costs every garbage collection, and the key is as private (it is never exported).
 */
const keptBody: unique symbol = Symbol();
const decoder = new TextDecoder();

type WithKeptBody = Response & { [keptBody]?: Uint8Array | string };

/** Records the body read from `response`: its bytes, or its text where only text is wanted. */
export function keepBody(response: Response, body: Uint8Array | string): void {
  (response as WithKeptBody)[keptBody] = body;
}

/** Forgets the bytes kept for `response` (see `takeCheckedData`). */
export function dropKeptBody(response: Response): void {
  delete (response as WithKeptBody)[keptBody];
}

/** True when the body of `response` was read by the SDK (the transport, or the guard of users' middleware). */
export function hasKeptBody(response: Response): boolean {
  return (response as WithKeptBody)[keptBody] !== undefined;
}

/**
 * The body of `response` as text: the bytes the transport kept, or, for a response that did not
 * come from the transport (a layer tested alone with a stub), the body itself.
 */
export function readBodyText(response: Response): Promise<string> {
  const text = keptBodyText(response);
  return text === undefined ? response.text() : Promise.resolve(text);
}

/** The body the transport kept for `response`, as text, or `undefined` if it kept none. */
export function keptBodyText(response: Response): string | undefined {
  const body = (response as WithKeptBody)[keptBody];
  return body === undefined ? undefined : bodyText(body);
}

/** A body read as bytes or as text (see `readBody`), as text. */
export function bodyText(body: Uint8Array | string): string {
  return typeof body === "string" ? body : decoder.decode(body);
}
