import type { MiddlewareContext } from "./middleware.js";

// Whether a call's last attempt sent the call's `Idempotency-Key`. The retry rule of a request
// that is not idempotent (a create) follows what went on the wire: the retry layer sees the
// request before the attempt's plugins, which may drop the header (a gateway's allow-list) or
// set a key of their own for each attempt, which the server cannot match to the last one. A
// create sent again without the same key may make a second batch.
const keySent = new WeakMap<object, string | null>();

// How many of a call's requests reached a transport, by the call's `state` (one object per call,
// shared by the copy of the context a hedge's `next()` runs on): a plugin's own retry of a create
// that sent nothing (a token function failed, fetch refused the request) may go (see the guard).
const sends = new WeakMap<object, number>();

/** How many requests of `context`'s call (one not idempotent) reached a transport so far. */
export function sendsOf(context: MiddlewareContext): number {
  return sends.get(context.state) ?? 0;
}

/** Notes, as the transport sends it, the key the attempt's request carries (`null`: none). */
export function noteKeySent(context: MiddlewareContext, request: Request): void {
  sends.set(context.state, sendsOf(context) + 1);
  let key: string | null = null;
  try {
    key = request.headers.get("idempotency-key");
  } catch {
    // Unreadable here (a getter that throws): fetch may still send a key from the header list,
    // one a plugin set, so none is taken to be the call's (the safe side: not sent again).
  }
  keySent.set(context, key);
}

/**
 * Whether the last attempt sent the key of the call's request (`headers`, the retry layer's): it
 * carries one, not blank, and the transport sent that one (else nothing reached a transport: an
 * attempt's plugin answered, or the layer runs alone).
 */
export function keyWasSent(context: object, headers: Pick<Headers, "get">): boolean {
  const key = headers.get("idempotency-key");
  if (key === null || !isNotBlank(key)) return false;
  const sent = keySent.get(context);
  return sent === undefined || sent === key;
}

/** False for a blank key, which is none: fetch trims HTTP's whitespace (tab, space, CR, LF) off a value, and sends it empty. */
export function isNotBlank(key: string): boolean {
  return /[^\t\n\r ]/.test(key);
}

/** Forgets the last attempt's key before the next one. */
export function forgetKeySent(context: object): void {
  keySent.delete(context);
}
