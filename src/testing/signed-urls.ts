/**
 * The fake's signed download URLs: `<origin>/<dataset>/<part>?expires=<ms>&signature=<hex>`,
 * valid until `expires` on the fake's clock, the signature binding the path to the expiry, as
 * Google Cloud Storage's V4 signed URLs do (in spirit: this is not cryptography).
 *
 * @packageDocumentation
 */

/** What a download URL names, once its signature checks out. */
export type SignedUrlCheck =
  | { readonly ok: true; readonly datasetId: string; readonly index: number }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly code: string; readonly message: string };

export class UrlSigner {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  /** The URL of part `index` of `datasetId`, valid until `expiresAtMs`. */
  sign(origin: string, datasetId: string, index: number, expiresAtMs: number): string {
    const path = `/${encodeURIComponent(datasetId)}/part-${index}.avro`;
    return `${origin}${path}?expires=${expiresAtMs}&signature=${this.#signature(path, expiresAtMs)}`;
  }

  /** Checks `url` at `nowMs`: expired is 400 (as GCS answers), a bad signature 403. */
  check(url: URL, nowMs: number): SignedUrlCheck {
    const match = /^\/([^/]+)\/part-(\d+)\.avro$/.exec(url.pathname);
    if (!match) return { ok: false, status: 404, code: "NoSuchKey", message: "The specified key does not exist." };
    const expires = Number(url.searchParams.get("expires"));
    if (url.searchParams.get("signature") !== this.#signature(url.pathname, expires))
      return {
        ok: false,
        status: 403,
        code: "SignatureDoesNotMatch",
        message: "The request signature does not match.",
      };
    if (!(nowMs < expires)) return { ok: false, status: 400, code: "ExpiredToken", message: "Request has expired" };
    return { ok: true, datasetId: decodeURIComponent(match[1] as string), index: Number(match[2]) };
  }

  #signature(path: string, expires: number): string {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (const char of `${this.#secret}|${path}|${expires}`) {
      const code = char.charCodeAt(0);
      h1 = Math.imul(h1 ^ code, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ code, 0x5bd1e995) >>> 0;
    }
    return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
  }
}

/** A storage host's error body (XML, as GCS sends). */
export function storageError(code: string, message: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
