import { callFailure } from "./errors/call-failure.js";

// Whether a call's last attempt sent the call's `Idempotency-Key`. The retry rule of a request
// that is not idempotent (a create) follows what went on the wire: the retry layer sees the
// request before the attempt's plugins, which may drop the header (a gateway's allow-list) or
// set a key of their own for each attempt, which the server cannot match to the last one. A
// create sent again without the same key may make a second batch.
const keySent = new WeakMap<object, string | null>();

// How many of a call's requests reached a transport: a plugin's own retry of a create that sent
// nothing (a token function failed, fetch refused the request) may go, and an attempt that sent
// more than once (a plugin's own retry in it) may have been acted on whatever its last answer
// (see the guard and `resendObstacle`). On the context, fixed (no plugin can replace or share
// it, as it could `state`), and so on the copy of it a hedge's `next()` runs on.
const sendCount: unique symbol = Symbol();

type CountsSends = {
  readonly [sendCount]?: {
    n: number;
    status?: number | undefined;
    /** The status before the last send cleared it, for a send taken back (`noteNotSent`). */
    before?: number | undefined;
    required?: string | undefined;
  };
};

/**
 * Requires `key` of every later send of `context`'s call: a retry the server may have acted on
 * went on the key an attempt sent, and one sent without it (an attempt plugin that drops or
 * changes it) could make a second batch.
 */
export function requireKey(context: object, key: string): void {
  const count = (context as CountsSends)[sendCount];
  if (count !== undefined) count.required = onTheWire(key);
}

/** Starts counting the sends of `context`'s call, one that is not idempotent. */
export function countSends(context: object): void {
  Object.defineProperty(context, sendCount, { value: { n: 0 } });
}

/** Notes the status the server answered the call's last send with (the transport's, not a plugin's). */
export function noteAnswered(context: object, status: number): void {
  const count = (context as CountsSends)[sendCount];
  if (count !== undefined) count.status = status;
}

/**
 * Whether the server answered the call's last send with `status` (not a plugin on its way up);
 * true where the call's sends are not counted (a layer run alone, with a stub for the rest).
 */
export function serverAnswered(context: object, status: number): boolean {
  const count = (context as CountsSends)[sendCount];
  return count === undefined || count.status === status;
}

// What each call that is not idempotent sent, by its request options, once it ended: `run`
// reads it for its create. A failure no status of the server's explains (a plugin that threw
// after its `next()` was answered, gave up on one in flight, or swapped the server's 2xx for an
// error of its own) may have made a batch; so may a create a plugin sent more than once (its own
// retry or hedge, on a server that ignores the key), whatever its last answer.
const callSends = new WeakMap<object, { readonly sends: number; readonly status: number | undefined }>();

/** Notes, as a call that is not idempotent ends, how many of its requests reached a transport and the server's last status. */
export function noteCallSends(context: object, requestOptions: object | undefined): void {
  const count = (context as CountsSends)[sendCount];
  if (requestOptions !== undefined && count !== undefined)
    callSends.set(requestOptions, { sends: count.n, status: count.status });
}

/**
 * What the call made with `requestOptions` sent: how many requests reached a transport, and the
 * status the server answered the last with (undefined: none came, or a plugin's took its place
 * unseen). Undefined for a call not made, or idempotent.
 */
export function sendsOfCall(
  requestOptions: object,
): { readonly sends: number; readonly status: number | undefined } | undefined {
  return callSends.get(requestOptions);
}

/** How many requests of `context`'s call (one not idempotent) reached a transport so far. */
export function sendsOf(context: object): number {
  return (context as CountsSends)[sendCount]?.n ?? 0;
}

/**
 * Takes back the count of a send refused before anything went, by the SDK or the runtime's fetch
 * (a body read already, a port fetch blocks): `run` would otherwise watch a minute for a batch
 * nobody made, and the guard refuse a plugin's own retry of a create the server never saw.
 */
export function noteNotSent(context: object): void {
  const count = (context as CountsSends)[sendCount];
  if (count !== undefined && count.n > 0) {
    count.n--;
    // The server's answer to the send before stands: a plugin may pass it on (a 400 did nothing).
    count.status = count.before;
  }
}

/** Notes, as the transport sends it, the key the attempt's request carries (`null`: none). */
export function noteKeySent(context: object, request: Request): void {
  let key: string | null = null;
  try {
    key = request.headers.get("idempotency-key");
    if (key !== null) key = onTheWire(key);
  } catch {
    // Unreadable here (a getter that throws): fetch may still send a key from the header list,
    // one a plugin set, so none is taken to be the call's (the safe side: not sent again).
  }
  const count = (context as CountsSends)[sendCount];
  if (count !== undefined) {
    if (count.required !== undefined && key !== count.required)
      throw callFailure(
        "This attempt went without the Idempotency-Key an earlier one sent (a middleware dropped it); nothing was sent",
      );
    count.n++;
    count.before = count.status;
    count.status = undefined;
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
  return sent === undefined || sent === onTheWire(key);
}

/**
 * A header value as fetch sends it, HTTP's whitespace trimmed off its ends: the SDK's own
 * request keeps `idempotencyKey: " k1 "` as given, a real `Request` (a plugin's) holds `"k1"`.
 * Compared as given, the same key sent looked like another once any plugin ran.
 */
function onTheWire(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/** False for a blank key, which is none: fetch trims HTTP's whitespace (tab, space, CR, LF) off a value, and sends it empty. */
export function isNotBlank(key: string): boolean {
  return onTheWire(key) !== "";
}

/** Forgets the last attempt's key before the next one. */
export function forgetKeySent(context: object): void {
  keySent.delete(context);
}
