import { loadChunk } from "../load-chunk.js";

// The one way into the Avro decoder: a dynamic import, so the decoder is a separate chunk that
// only a program reading results downloads, parses or bundles.
export type { AvroDecodeOptions, ByteSource } from "./avro.js";

/**
 * Loads the decoder module (once; the module system caches it), the wait bounded by the
 * caller's `abortSignal` in `options` (see `loadChunk`); `caller` names the method for an abort.
 */
export function loadAvroDecoder(options?: unknown, caller?: string): Promise<typeof import("./avro.js")> {
  return loadChunk(() => import("./avro.js"), "the Avro decoder", options, caller);
}
