export { DatasetsClient } from "./datasets-client.js";
export { RawDatasetsClient } from "./raw-datasets-client.js";
export type * from "./types.js";
export { DatasetValidationStatus, isTerminalValidationStatus } from "./validation-status.js";
