/**
 * `cohere-batches/testing` for Node: everything of the universal entry, plus
 * {@link startFakeCohereServer}, which serves a fake over HTTP on a loopback port.
 *
 * @packageDocumentation
 */
export * from "./index.js";
export { type FakeCohereServer, type FakeCohereServerOptions, startFakeCohereServer } from "./http-server.js";
