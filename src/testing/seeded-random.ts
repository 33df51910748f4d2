/**
 * A small seeded generator, so that ids, request ids and page-token salts repeat from run to
 * run when the test fixes a seed.
 *
 * Not cryptographic: it only has to look random and be reproducible.
 *
 * @packageDocumentation
 */

// FNV-1a, used to mix a seed with a stream name: each stream (batch ids, request ids, ...) gets
// its own sequence, so adding a request does not shift the ids of later batches.
function mix(seed: number, stream: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A reproducible stream of pseudo-random numbers (mulberry32).
 *
 * @example
 * ```ts
 * const ids = new SeededRandom(42, "batch-id");
 * ids.uuid(); // the same value on every run
 * ```
 */
export class SeededRandom {
  #state: number;

  /**
   * @param seed - Any 32-bit integer (other numbers are truncated).
   * @param stream - A name that separates independent sequences drawn from one seed.
   */
  constructor(seed: number, stream: string) {
    this.#state = mix(seed >>> 0, stream);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** `count` random bytes. */
  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i += 4) {
      const word = this.nextUint32();
      for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** `length` lower-case hexadecimal digits. */
  hex(length: number): string {
    let out = "";
    for (const byte of this.bytes(Math.ceil(length / 2))) out += byte.toString(16).padStart(2, "0");
    return out.slice(0, length);
  }

  /** `length` characters of `[a-z0-9]`, the shape of Cohere's dataset-id suffixes. */
  base36(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += (this.nextUint32() % 36).toString(36);
    return out;
  }

  /** A version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`), the shape of Cohere's batch ids. */
  uuid(): string {
    const b = this.bytes(16);
    // Set the version (4) and variant (10xx) bits, as crypto.randomUUID() does.
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = Array.from(b, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/**
 * A fresh seed from `crypto.getRandomValues`, for fakes built without an explicit seed.
 */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}
