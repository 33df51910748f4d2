// The one way into the Avro decoder: a dynamic import, so the decoder is a separate chunk that
// only a program reading results downloads, parses or bundles.
export type { AvroDecodeOptions, ByteSource } from "./avro.js";

/** Loads the decoder module (once; the module system caches it). */
export function loadAvroDecoder(): Promise<typeof import("./avro.js")> {
  return import("./avro.js");
}
