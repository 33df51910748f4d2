/**
 * `cohere-batches/testing` for Node: everything of the universal entry, plus
 * {@link startFakeCohereServer}, which serves a fake over HTTP on a loopback port.
 *
 * @packageDocumentation
 */
export * from "./index.js";
// Shadows the universal entry's stand-in, which only rejects.
export { startFakeCohereServer } from "./http-server.js";
