/**
 * `Idempotency-Key` support for `POST /v2/batches` and `POST /v1/datasets`.
 *
 * Follows the IETF draft "The Idempotency-Key HTTP Header Field": a key is scoped to the API
 * token that used it and to the operation (a key used for a batch is not one for an upload); a
 * repeat with the same request replays the original answer (the same batch, the same dataset
 * id); a repeat with a different request is a client error, 422, which no SDK should retry (409
 * is reserved by the draft for a request still in flight, and SDKs retry 409).
 *
 * @packageDocumentation
 */

/** What a key says about a new create request. */
export type IdempotencyLookup =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly id: string }
  | { readonly kind: "mismatch" };

/** The operations that honour a key. */
export type IdempotentOperation = "create" | "datasets.create";

/** The 422 message for a key reused with a different request. */
export const IDEMPOTENCY_MISMATCH = "Idempotency-Key was already used with a different request body";

/** The header marking a replayed answer. */
export const IDEMPOTENT_REPLAYED = { "idempotent-replayed": "true" } as const;

/**
 * Remembers what each key created (a batch id, a dataset id).
 *
 * @example
 * ```ts
 * keys.remember("create", "token", "key-1", fingerprint, batch.id);
 * keys.lookup("create", "token", "key-1", fingerprint); // { kind: "replay", id: batch.id }
 * ```
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, { readonly fingerprint: string; readonly id: string }>();

  /** What to do with an `operation` carrying `key`, sent with `token`, whose request has `fingerprint`. */
  lookup(operation: IdempotentOperation, token: string, key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.#entries.get(JSON.stringify([operation, token, key]));
    if (!entry) return { kind: "new" };
    return entry.fingerprint === fingerprint ? { kind: "replay", id: entry.id } : { kind: "mismatch" };
  }

  /** Records that `key` (sent with `token`) made `operation` create `id`. */
  remember(operation: IdempotentOperation, token: string, key: string, fingerprint: string, id: string): void {
    this.#entries.set(JSON.stringify([operation, token, key]), { fingerprint, id });
  }

  /** Forgets every key. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * A fingerprint of bytes, for comparing requests: two 32-bit FNV-style hashes and the length.
 * Not cryptographic, and need not be (it tells a test's retry from another request); it avoids
 * `crypto.subtle`, which a browser page on plain http does not have.
 */
export function bytesFingerprint(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const byte of bytes) {
    h1 = Math.imul(h1 ^ byte, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ byte, 0x5bd1e995) >>> 0;
  }
  return `${bytes.length}:${h1.toString(16).padStart(8, "0")}${h2.toString(16).padStart(8, "0")}`;
}
