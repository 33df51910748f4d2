// Whether a call's last attempt sent an `Idempotency-Key`. The retry rule of a request that is
// not idempotent (a create) follows what went on the wire: the retry layer sees the request
// before the attempt's plugins, which may drop the header (a gateway's allow-list), and a create
// sent again without a key may make a second batch.
const keySent = new WeakMap<object, boolean>();

/** Notes, as the transport sends it, whether the attempt's request carries a key. */
export function noteKeySent(context: object, headers: Pick<Headers, "get">): void {
  keySent.set(context, carriesKey(headers));
}

/**
 * Whether the last attempt sent a key: what the transport noted, else (nothing reached a
 * transport: an attempt's plugin answered, or the layer runs alone) what `headers` carry.
 */
export function keyWasSent(context: object, headers: Pick<Headers, "get">): boolean {
  return keySent.get(context) ?? carriesKey(headers);
}

function carriesKey(headers: Pick<Headers, "get">): boolean {
  return isNotBlank(headers.get("idempotency-key") ?? "");
}

/** False for a blank key, which is none: fetch trims HTTP's whitespace (tab, space, CR, LF) off a value, and sends it empty. */
export function isNotBlank(key: string): boolean {
  return /[^\t\n\r ]/.test(key);
}

/** Forgets the last attempt's key before the next one. */
export function forgetKeySent(context: object): void {
  keySent.delete(context);
}
