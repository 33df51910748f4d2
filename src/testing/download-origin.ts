/**
 * The fake's download origin: a second host, as Cohere's dataset files are on Google Cloud
 * Storage, serving dataset parts (of output datasets and of validated uploads) behind signed
 * URLs that expire on the fake's clock. It refuses, and records, any `Authorization` header: a
 * signed URL is its own credential, and a client that sends its API token there leaks it to the
 * storage host.
 *
 * @packageDocumentation
 */
import type { ResponseFactory } from "./http-response.js";
import { storageError, type UrlSigner } from "./signed-urls.js";

/**
 * The default origin of download URLs (the Node server replaces it with its second port).
 *
 * @example
 * ```ts
 * new FakeCohere().downloadOrigin === DEFAULT_DOWNLOAD_ORIGIN; // true: "https://storage.fake-cohere.test"
 * ```
 * @public
 */
export const DEFAULT_DOWNLOAD_ORIGIN = "https://storage.fake-cohere.test";

/** The bytes of part `index` of dataset `datasetId` at `nowMs`, or `undefined` when there is none. */
export type PartLookup = (
  datasetId: string,
  index: number,
  nowMs: number,
) => Promise<Uint8Array<ArrayBuffer> | undefined>;

/** What the download origin needs: the URL signer, the response factory, and the URLs' lifetime. */
export interface DownloadOriginParts {
  readonly signer: UrlSigner;
  readonly responses: ResponseFactory;
  /** How long a signed URL stays valid, in ms of the fake's clock (checked by its owner). */
  readonly urlTtlMs: number;
}

/**
 * Signs part URLs and serves them.
 *
 * @example
 * ```ts
 * const url = origin.url("ds-1", 0, clock.now());
 * const response = await origin.serve("GET", new Headers(), new URL(url), clock.now(), lookup);
 * ```
 */
export class DownloadOrigin {
  /** The origin download URLs point at. */
  origin = DEFAULT_DOWNLOAD_ORIGIN;
  /** Every `Authorization` header the download origin received (there should be none). */
  readonly authorizations: string[] = [];
  readonly #parts: DownloadOriginParts;

  constructor(parts: DownloadOriginParts) {
    this.#parts = parts;
  }

  /** The signed URL of part `index` of `datasetId`, handed out at `nowMs`: valid for `urlTtlMs`. */
  url(datasetId: string, index: number, nowMs: number): string {
    return this.#parts.signer.sign(this.origin, datasetId, index, nowMs + this.#parts.urlTtlMs);
  }

  /**
   * A request to the download origin, its file found by `lookup`. As a storage host: only `GET`
   * and `HEAD` (else 405), and a single `Range: bytes=a-b` (or `a-`, or `-n`) is a 206 with
   * `Content-Range` (416 past the end); any other `Range` is ignored, as RFC 9110 allows.
   */
  async serve(method: string, headers: Headers, url: URL, nowMs: number, lookup: PartLookup): Promise<Response> {
    // Recorded first, whatever the method: API.md 8, the origin records any Authorization.
    const authorization = headers.get("authorization");
    if (authorization !== null) this.authorizations.push(authorization);
    if (method !== "GET" && method !== "HEAD") {
      return this.#refuse(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", {
        allow: "GET, HEAD",
      });
    }
    if (authorization !== null) {
      return this.#refuse(400, "InvalidAuthentication", "A signed URL takes no Authorization header.");
    }
    const checked = this.#parts.signer.check(url, nowMs);
    if (!checked.ok) return this.#refuse(checked.status, checked.code, checked.message);
    const file = await lookup(checked.datasetId, checked.index, nowMs);
    if (file === undefined) return this.#refuse(404, "NoSuchKey", "The specified key does not exist.");
    const range = byteRange(headers.get("range"), file.byteLength);
    if (range === "unsatisfiable") {
      return this.#refuse(416, "InvalidRange", "The requested range cannot be satisfied.", {
        "content-range": `bytes */${file.byteLength}`,
      });
    }
    return partResponse(file, range);
  }

  /** Forgets the `Authorization` headers received. */
  clearLog(): void {
    this.authorizations.length = 0;
  }

  #refuse(status: number, code: string, message: string, extra: Record<string, string> = {}): Response {
    return this.#parts.responses.text(status, storageError(code, message), {
      "content-type": "application/xml",
      ...extra,
    });
  }
}

/** The bytes of `file` a request gets: all of it (200), or the one `range` it asked for (206). */
function partResponse(file: Uint8Array<ArrayBuffer>, range: { start: number; end: number } | undefined): Response {
  const bytes = range === undefined ? file : file.subarray(range.start, range.end + 1);
  return new Response(bytes, {
    status: range === undefined ? 200 : 206,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
      "accept-ranges": "bytes",
      ...(range === undefined ? {} : { "content-range": `bytes ${range.start}-${range.end}/${file.byteLength}` }),
    },
  });
}

/**
 * The one byte range a `Range` header asks of a file of `size` bytes (`end` inclusive):
 * `undefined` for no header or one the fake does not take (another unit, several ranges,
 * malformed), which is then ignored; `"unsatisfiable"` for a range starting past the end.
 */
function byteRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return undefined;
  if (from === "") {
    // A suffix: the last n bytes.
    const n = Number(to);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (to !== "" && Number(to) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
