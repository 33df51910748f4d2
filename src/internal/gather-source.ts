import { CohereAbortError } from "../core/errors/abort-error.js";
import { boundBySignal } from "./bound-by-signal.js";
import { eventLoopTurns } from "./event-loop-turns.js";
import type { PartSource } from "./upload-sources.js";

/** Gathers a one-shot source into a Blob, giving up when `signal` fires. */
export async function gather(source: PartSource, signal: AbortSignal | undefined): Promise<Blob> {
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
