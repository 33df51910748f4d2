export { BatchesClient } from "./batches-client.js";
export { RawBatchesClient } from "./raw-batches-client.js";
export type * from "./types.js";
export { BatchStatus, isTerminalStatus, type TerminalBatchStatus } from "./status.js";
