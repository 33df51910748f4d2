/**
 * Opaque page tokens for `GET /v2/batches`.
 *
 * A token is a keyset cursor (the sort key and insertion number of the last batch of the page),
 * not an offset: batches created between two page requests then neither repeat nor vanish, as
 * with a real database-backed service. It is signed with a per-store salt, so a token from
 * another fake (or another seed, or from before `reset({ batches: true })`), or a tampered one,
 * is refused with a 400.
 *
 * @packageDocumentation
 */

/**
 * The sort orders `order_by` accepts. Both sort newest first.
 *
 * @public
 */
export type OrderBy = "created_at" | "updated_at";

/** Where the next page starts: just after the batch with this key. */
export interface PageCursor {
  /** The order the token was issued for; a token is only valid with the same `order_by`. */
  readonly orderBy: OrderBy;
  /** The sort key (created or updated time, µs since the epoch) of the last batch returned. */
  readonly keyUs: number;
  /** The insertion number of the last batch returned (the tie-breaker). */
  readonly seq: number;
}

// FNV-1a: a checksum, not a secret: it only makes tokens from elsewhere fail loudly.
function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function toBase64Url(ascii: string): string {
  return btoa(ascii).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    return atob(token.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
}

// The key is microseconds since the epoch: negative before 1970 (a clock may start in 1684).
const PAYLOAD = /^v1\.(created_at|updated_at)\.(-?\d{1,17})\.(\d{1,15})\.([0-9a-f]{8})$/;

/**
 * Encodes and checks page tokens for one store.
 *
 * @example
 * ```ts
 * const codec = new PageTokenCodec("salt");
 * const token = codec.encode({ orderBy: "created_at", keyUs: 1, seq: 0 });
 * codec.decode(token); // { orderBy: "created_at", keyUs: 1, seq: 0 }
 * codec.decode("garbage"); // undefined
 * ```
 */
export class PageTokenCodec {
  readonly #salt: string;

  /** @param salt - Mixed into every token's checksum; tokens only decode with the same salt. */
  constructor(salt: string) {
    this.#salt = salt;
  }

  /** The token that continues after `cursor`. */
  encode(cursor: PageCursor): string {
    const body = `v1.${cursor.orderBy}.${cursor.keyUs}.${cursor.seq}`;
    return toBase64Url(`${body}.${checksum(`${this.#salt}.${body}`)}`);
  }

  /** The cursor in `token`, or `undefined` if the token is malformed, tampered or foreign. */
  decode(token: string): PageCursor | undefined {
    const text = fromBase64Url(token);
    const match = text === undefined ? null : PAYLOAD.exec(text);
    if (!match) return undefined;
    const [, orderBy, keyUs, seq, sum] = match;
    const body = `v1.${orderBy}.${keyUs}.${seq}`;
    if (checksum(`${this.#salt}.${body}`) !== sum) return undefined;
    return { orderBy: orderBy as OrderBy, keyUs: Number(keyUs), seq: Number(seq) };
  }
}
