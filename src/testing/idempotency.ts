/**
 * `Idempotency-Key` support for `POST /v2/batches`.
 *
 * Follows the IETF draft "The Idempotency-Key HTTP Header Field": a key is scoped to the API
 * token that used it; a repeat with the same body replays the original batch; a repeat with a
 * different body is a client error, 422, which no SDK should retry (409 is reserved by the
 * draft for a request still in flight, and SDKs retry 409).
 *
 * @packageDocumentation
 */

/** What a key says about a new create request. */
export type IdempotencyLookup =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly batchId: string }
  | { readonly kind: "mismatch" };

/**
 * Remembers which batch each key created.
 *
 * @example
 * ```ts
 * keys.remember("token", "key-1", fingerprint, batch.id);
 * keys.lookup("token", "key-1", fingerprint); // { kind: "replay", batchId: batch.id }
 * ```
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, { readonly fingerprint: string; readonly batchId: string }>();

  /** What to do with a create carrying `key`, sent with `token`, whose body has `fingerprint`. */
  lookup(token: string, key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.#entries.get(JSON.stringify([token, key]));
    if (!entry) return { kind: "new" };
    return entry.fingerprint === fingerprint ? { kind: "replay", batchId: entry.batchId } : { kind: "mismatch" };
  }

  /** Records that `key` (sent with `token`) created `batchId`. */
  remember(token: string, key: string, fingerprint: string, batchId: string): void {
    this.#entries.set(JSON.stringify([token, key]), { fingerprint, batchId });
  }

  /** Forgets every key. */
  clear(): void {
    this.#entries.clear();
  }
}
