import { CohereAbortError } from "../core/errors/abort-error.js";
import { eventLoopTurns } from "./event-loop-turns.js";
import { type PartSource, readStream } from "./upload-sources.js";

/** The segments' bytes in order. Sources it never reached are closed by `release` (see `toStream`). */
export async function* concat(segments: readonly (Uint8Array | PartSource)[]): AsyncGenerator<Uint8Array> {
  for (const segment of segments) {
    if (segment instanceof Uint8Array) yield segment;
    else if ("blob" in segment) yield* readStream(segment.blob.stream());
    else yield* segment.chunks();
  }
}

function closeSource(segment: Uint8Array | PartSource): void {
  if (!(segment instanceof Uint8Array) && "close" in segment) segment.close();
}

/** A pull stream over `chunks`: nothing is read ahead of what fetch sends. */
export function toStream(
  chunks: AsyncGenerator<Uint8Array>,
  sources: readonly PartSource[],
): { stream: ReadableStream<Uint8Array>; release: () => void; failure: AbortSignal } {
  const body = new OneShotBody(chunks, sources);
  return { stream: body.stream, release: () => body.release(), failure: body.failure.signal };
}

/** The state of one `toStream`: what it reads, whether anybody still reads it, how it ends. */
class OneShotBody {
  readonly #turn = eventLoopTurns();
  readonly failure = new AbortController();
  // Set once nobody reads the rest: a read that fails after it (a source the SDK closed itself,
  // after the call settled or fetch cancelled the body) is no failure of the data.
  #released = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  readonly #chunks: AsyncGenerator<Uint8Array>;
  readonly #sources: readonly PartSource[];
  readonly stream: ReadableStream<Uint8Array>;

  constructor(chunks: AsyncGenerator<Uint8Array>, sources: readonly PartSource[]) {
    this.#chunks = chunks;
    this.#sources = sources;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: (controller) => this.#pull(controller),
        // Fetch cancels the body it will not send (an abort, a timeout): closing the sources then
        // fails their read in flight, which is not the data's failure.
        cancel: () => this.#stop(),
      },
      { highWaterMark: 0 },
    );
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    // A pull that enqueues nothing is not called again while fetch waits for a chunk: an
    // empty chunk (a "" line of a generator) must not end the pull, or the upload stalls.
    for (;;) {
      await this.#turn();
      if (this.#released) return;
      let next: IteratorResult<Uint8Array>;
      try {
        next = await this.#chunks.next();
      } catch (error) {
        // The request ends by this signal (see the transport); `release` ends the body.
        if (!this.#released) this.failure.abort(error);
        return;
      }
      // The call has settled while the source was read: `release` has ended the body.
      if (this.#released) return;
      const { done, value } = next;
      if (done) return controller.close();
      if (value.byteLength > 0) return controller.enqueue(value);
    }
  }

  // Nobody reads the rest. Each source is closed directly, not awaited: `chunks.return()` waits
  // behind a read in flight (a source that stalls would never be closed, and workerd would end
  // the request as hung) and does nothing for a `concat` that never started.
  #stop(): void {
    this.#released = true;
    this.#sources.forEach(closeSource);
    this.#chunks.return(undefined).catch(() => undefined);
  }

  release(): void {
    if (this.#released) return;
    this.#stop();
    // Once the call has settled nobody reads the rest (Node 20's fetch still pulls after an abort).
    this.#end();
  }

  // Errored, not closed, once the call has settled: a fetch still reading (a user's that
  // ignores the signal) must not send what it has as a whole body. The runtime's fetch was
  // aborted before (its pump cancelled: see `uploads.ts`'s remarks), so this reaches no pump.
  #end(): void {
    try {
      this.#controller?.error(new CohereAbortError("the upload's call has ended"));
    } catch {
      // already ended
    }
  }
}
