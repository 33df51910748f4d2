// Whether a call's last attempt sent an `Idempotency-Key`. The retry rule of a request that is
// not idempotent (a create) follows what went on the wire: the retry layer sees the request
// before the attempt's plugins, which may drop the header (a gateway's allow-list), and a create
// sent again without a key may make a second batch.
const keySent = new WeakMap<object, boolean>();

/** Notes, as the transport sends it, whether the attempt's request carries a key. */
export function noteKeySent(context: object, headers: Pick<Headers, "get">): void {
  // A blank key is none: fetch trims a header value, and sends it empty.
  keySent.set(context, !!headers.get("idempotency-key")?.trim());
}

/**
 * Whether the last attempt sent a key: what the transport noted, else (nothing reached a
 * transport: an attempt's plugin answered, or the layer runs alone) what `headers` carry.
 */
export function keyWasSent(context: object, headers: Pick<Headers, "get">): boolean {
  return keySent.get(context) ?? !!headers.get("idempotency-key")?.trim();
}

/** Forgets the last attempt's key before the next one. */
export function forgetKeySent(context: object): void {
  keySent.delete(context);
}
