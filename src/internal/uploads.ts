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
import { CohereAbortError } from "../core/errors/abort-error.js";
import { boundBySignal } from "./bound-by-signal.js";
import { uploadRedirectMode } from "./upload-redirect.js";
import { type PartSource, partSource, readStream, sourceFailure } from "./upload-sources.js";

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

const encoder = new TextEncoder();

const escapeName = (name: string) => name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

function partHead(boundary: string, part: UploadPart, type: string, first: boolean): Uint8Array {
  const disposition = `form-data; name="${escapeName(part.field)}"; filename="${escapeName(part.filename)}"`;
  const opening = first ? "" : "\r\n";
  return encoder.encode(
    `${opening}--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${type}\r\n\r\n`,
  );
}

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `cohere-batches-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The segments' bytes in order. Sources it never reached are closed by `release` (see `toStream`). */
async function* concat(segments: readonly (Uint8Array | PartSource)[]): AsyncGenerator<Uint8Array> {
  for (const segment of segments) {
    if (segment instanceof Uint8Array) yield segment;
    else if ("blob" in segment) yield* readStream(segment.blob.stream());
    else yield* segment.chunks();
  }
}

function closeSource(segment: Uint8Array | PartSource): void {
  if (!(segment instanceof Uint8Array) && "close" in segment) segment.close();
}

/**
 * A source as fast as memory (an in-memory generator) settles every read in a microtask, and
 * fetch's pulls would then hold the event loop: no timer (the attempt's timeout) and no abort
 * could fire. Every 20 ms of reading, this lets the event loop turn once.
 */
function eventLoopTurns(): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < 20) return undefined;
    // setImmediate where there is one (Node, Bun): it lets expired timers fire on the loop's next
    // turn without setTimeout's 1 ms minimum.
    return new Promise<void>((resolve) => (nextTurn ?? setTimeout)(resolve)).then(() => {
      last = Date.now();
    });
  };
}

const nextTurn = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/** A pull stream over `chunks`: nothing is read ahead of what fetch sends. */
function toStream(
  chunks: AsyncGenerator<Uint8Array>,
  sources: readonly PartSource[],
): { stream: ReadableStream<Uint8Array>; release: () => void; failure: AbortSignal } {
  const turn = eventLoopTurns();
  const failure = new AbortController();
  // Set once nobody reads the rest: a read that fails after it (a source the SDK closed itself,
  // after the call settled or fetch cancelled the body) is no failure of the data.
  let released = false;
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Errored, not closed, once the call has settled: a fetch still reading (a user's that
        // ignores the signal) must not send what it has as a whole body. The runtime's fetch was
        // aborted before (its pump cancelled: see the file's remarks), so this reaches no pump.
        end = () => {
          try {
            controller.error(new CohereAbortError("the upload's call has ended"));
          } catch {
            // already ended
          }
        };
      },
      async pull(controller) {
        // A pull that enqueues nothing is not called again while fetch waits for a chunk: an
        // empty chunk (a "" line of a generator) must not end the pull, or the upload stalls.
        for (;;) {
          await turn();
          if (released) return;
          let next: IteratorResult<Uint8Array>;
          try {
            next = await chunks.next();
          } catch (error) {
            // The request ends by this signal (see the transport); `release` ends the body.
            if (!released) failure.abort(error);
            return;
          }
          // The call has settled while the source was read: `release` has ended the body.
          if (released) return;
          const { done, value } = next;
          if (done) return controller.close();
          if (value.byteLength > 0) return controller.enqueue(value);
        }
      },
      // Fetch cancels the body it will not send (an abort, a timeout): closing the sources then
      // fails their read in flight, which is not the data's failure.
      cancel: stop,
    },
    { highWaterMark: 0 },
  );
  // Nobody reads the rest. Each source is closed directly, not awaited: `chunks.return()` waits
  // behind a read in flight (a source that stalls would never be closed, and workerd would end
  // the request as hung) and does nothing for a `concat` that never started.
  function stop(): void {
    released = true;
    sources.forEach(closeSource);
    chunks.return(undefined).catch(() => undefined);
  }
  const release = () => {
    if (released) return;
    stop();
    // Once the call has settled nobody reads the rest (Node 20's fetch still pulls after an abort).
    end();
  };
  return { stream, release, failure: failure.signal };
}

/** Gathers a one-shot source into a Blob, giving up when `signal` fires. */
async function gather(source: PartSource, signal: AbortSignal | undefined): Promise<Blob> {
  if ("blob" in source) return source.blob;
  const parts: Uint8Array[] = [];
  const chunks = source.chunks();
  const turn = eventLoopTurns();
  try {
    for (;;) {
      await turn();
      const { done, value } = await boundBySignal(chunks.next(), signal, () => new CohereAbortError(signal?.reason));
      if (done) return new Blob(parts as BlobPart[]);
      parts.push(value);
    }
  } catch (error) {
    // Closed directly: `chunks.return()` waits behind the read in flight, and a caller's stream
    // stays locked by the reader that read is waiting on.
    source.close();
    throw error;
  } finally {
    // Not awaited: a source stuck in next() would hold the abort up.
    chunks.return(undefined).catch(() => undefined);
  }
}

/** A part's content type: a Blob's own, else bytes. A Blob whose `type` throws fails as the data. */
function partType(source: PartSource): string {
  try {
    return "blob" in source && source.blob.type !== "" ? source.blob.type : "application/octet-stream";
  } catch (error) {
    return sourceFailure(error);
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
  if (!streaming) sources = await Promise.all(sources.map(async (s) => ({ blob: await gather(s, signal) })));
  const segments: (Uint8Array | PartSource)[] = [];
  sources.forEach((source, i) => {
    const part = parts[i] as UploadPart;
    segments.push(partHead(boundary, part, partType(source), i === 0), source);
  });
  segments.push(encoder.encode(`\r\n--${boundary}--\r\n`));
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const redirect = uploadRedirectMode();
  if (sources.every((source) => "blob" in source)) {
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
    if (body.size === size) return { contentType, body, replayable: true, redirect, release: () => {} };
  }
  const { stream, release, failure } = toStream(concat(segments), sources);
  return { contentType, body: stream, replayable: false, redirect, release, failure };
}
