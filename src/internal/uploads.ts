/**
 * Multipart bodies for uploads, from every kind of `data` (see `upload-sources.ts`).
 *
 * @remarks
 * The framing is written here rather than by the platform's `FormData`, for two measured
 * reasons: a `FormData` cannot hold a stream (a 1 GB read stream would have to become a Blob
 * in memory first), and its boundary is drawn afresh for every `Request`, so a retried upload
 * would not be the same bytes. Framing one or two file parts is a head and a tail around each
 * part (WHATWG's multipart/form-data encoding: `"`, CR and LF in names are percent-escaped).
 * Blob parts are composed into one `Blob` without copying their bytes (a file Node opened with
 * `fs.openAsBlob` stays on disk), which fetch can send again for a retry.
 *
 * A part that is a stream is sent as a stream (Node, workers, edge: `duplex: "half"`), read
 * once and never buffered: the body is one-shot. Browsers cannot send a stream over HTTP/1.1,
 * so there (`streaming: false`) streams are first gathered into a Blob, bounded by the signal.
 *
 * A source that fails as it is read does not error the body fetch is sending: workerd reports
 * that as an uncaught exception and sends the body cut short (the server then answers 400),
 * and edge-runtime's fetch turns the SDK's error into a connection failure. The body's
 * `failure` signal fires instead, with the source's failure as its reason: the transport ends
 * the request with it, and types the attempt's failure as that error.
 */
import { followAbort } from "./follow-abort.js";
import { gather } from "./gather-source.js";
import { framedParts, randomBoundary } from "./multipart-framing.js";
import { sourceFailure } from "./source-failure.js";
import { uploadRedirectMode } from "./upload-redirect.js";
import { type PartSource, partSource } from "./upload-sources.js";
import { concat, toStream } from "./upload-stream.js";

/** One file part to send. */
export interface UploadPart {
  /** The form field, e.g. `"data"`. */
  readonly field: string;
  /** The filename Cohere reads the format from (`.jsonl`, `.csv`). */
  readonly filename: string;
  /** Any kind of `UploadData`; checked by {@link encodeMultipart}. */
  readonly data: unknown;
  /**
   * How errors name the data when it is not the `field` of a `request`: `batches.run` uploads
   * its `requests` as a dataset's `data`.
   */
  readonly label?: { readonly request: string; readonly field: string } | undefined;
}

/** A multipart body ready for fetch. */
export interface MultipartBody {
  /** `multipart/form-data; boundary=...` */
  readonly contentType: string;
  /** A Blob (sent again as it is on a retry) or a one-shot stream. */
  readonly body: Blob | ReadableStream<Uint8Array>;
  /** False when the body is a stream that can be read only once. */
  readonly replayable: boolean;
  /** The redirect mode to send it with, see `uploadRedirectMode`. */
  readonly redirect: RequestRedirect;
  /**
   * To call once the call has settled: a one-shot body still being read is stopped and its
   * sources closed, one never read has its sources closed. Fetch does not do it: Node 20's
   * keeps pulling a request body after an abort, and a call that fails before sending never
   * touches it.
   */
  readonly release: () => void;
  /** Fires when the data's source fails as it is read; its reason is that failure (see the file's remarks). */
  readonly failure?: AbortSignal;
}

/**
 * The segments as one Blob (sent again as it is on a retry), or `undefined` where the runtime
 * composed it without a part's bytes.
 */
function composedBlob(segments: readonly (Uint8Array | PartSource)[]): Blob | undefined {
  const blobParts = segments.map((s) => (s instanceof Uint8Array ? s : (s as { blob: Blob }).blob));
  let body: Blob;
  let size: number;
  try {
    body = new Blob(blobParts as BlobPart[]);
    // Bun (1.4) drops a file-backed Blob (`Bun.file`, `fs.openAsBlob`) put into another: the
    // composed Blob lacks its bytes, and its size says so. The parts then go as a stream, read
    // once (sent once, never retried), rather than an upload of an empty file.
    size = blobParts.reduce((total, p) => total + (p instanceof Blob ? p.size : p.byteLength), 0);
  } catch (error) {
    // A Blob of the caller's that cannot be read (a subclass whose `size` throws): the data's
    // failure, named as such (it escaped as the raw error).
    sourceFailure(error);
  }
  return body.size === size ? body : undefined;
}

/**
 * Gathers every source into a Blob (see `gather`). The first failure stops the others: each
 * would read on into memory until its source ended, its stream locked by that read, so that
 * closing the caller's streams could not.
 */
async function gatherAll(sources: readonly PartSource[], signal: AbortSignal | undefined): Promise<PartSource[]> {
  const all = new AbortController();
  const unlink = followAbort(signal, all);
  try {
    return await Promise.all(
      sources.map((source) =>
        gather(source, all.signal).then(
          (blob) => ({ blob }),
          (error: unknown) => {
            all.abort(signal?.reason);
            throw error;
          },
        ),
      ),
    );
  } finally {
    unlink();
  }
}

/**
 * Encodes `parts` as `multipart/form-data`.
 *
 * @param streaming - whether fetch can send a stream body (false in browsers).
 * @param signal - bounds the gathering of streams (browsers): the caller's abort, the timeout.
 * @throws CohereError for a `data` of no supported kind (before anything is read or sent).
 */
export async function encodeMultipart(
  parts: readonly UploadPart[],
  streaming: boolean,
  signal?: AbortSignal,
): Promise<MultipartBody> {
  const boundary = randomBoundary();
  let sources = parts.map((part) => partSource(part.data, part.label?.field ?? part.field, part.label?.request));
  if (!streaming) sources = await gatherAll(sources, signal);
  const segments = framedParts(boundary, parts, sources);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const redirect = uploadRedirectMode();
  const body = sources.every((source) => "blob" in source) ? composedBlob(segments) : undefined;
  if (body !== undefined) return { contentType, body, replayable: true, redirect, release: () => {} };
  const { stream, release, failure } = toStream(concat(segments), sources);
  return { contentType, body: stream, replayable: false, redirect, release, failure };
}
