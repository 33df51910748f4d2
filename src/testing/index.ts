/**
 * `cohere-batches/testing`: a faithful in-memory fake of Cohere's `v2/batches` service for
 * tests and demos, usable in Node, browsers and workers through its `fetch` function.
 *
 * @example
 * ```ts
 * import { CohereClient } from "cohere-batches";
 * import { FakeCohere, ManualClock } from "cohere-batches/testing";
 *
 * const clock = new ManualClock();
 * const fake = new FakeCohere({ clock });
 * const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
 * ```
 *
 * @packageDocumentation
 */
export { type Clock, DEFAULT_CLOCK_START_MS, ManualClock, RealClock, type RealClockOptions } from "./clock.js";
export {
  DEFAULT_SEEDED_MODEL,
  FakeCohere,
  type FakeCohereOptions,
  type HandleOptions,
  type RecordedRequest,
  type ResetOptions,
} from "./fake-cohere.js";
export type {
  DelayFault,
  DropFault,
  EmptyBodyFault,
  Fault,
  FaultTarget,
  InjectOptions,
  MalformedBodyFault,
  MissingFieldFault,
  ResetMidBodyFault,
  StallBodyFault,
  StatusFault,
  TruncateFault,
} from "./faults.js";
export { DEFAULT_DOWNLOAD_ORIGIN, type OutputDatasetOptions } from "./output-datasets.js";
export { EMBEDDING_DIMENSIONS, embeddingOf, OUTPUT_SCHEMA } from "./output-records.js";
export { type AvroWriteOptions, writeAvroContainer } from "./avro-writer.js";
export type { LifecycleOptions } from "./lifecycle.js";
export type { DatasetLifecycleOptions } from "./dataset-store.js";
export {
  DATASET_TYPES,
  type WireCreateDatasetResponse,
  type WireDataset,
  type WireDatasetPart,
  type WireDatasetUsageResponse,
  type WireDatasetValidationStatus,
  type WireGetDatasetResponse,
  type WireListDatasetsResponse,
} from "./dataset-wire.js";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./list-query.js";
export type { FakeCohereServer, FakeCohereServerOptions } from "./server-types.js";
export { startFakeCohereServer } from "./server-unavailable.js";
export type { OrderBy } from "./page-token.js";
export {
  type Operation,
  TERMINAL_STATUSES,
  type WireBatch,
  type WireBatchError,
  type WireBatchStatus,
  type WireCancelBatchResponse,
  type WireCreateBatchResponse,
  type WireGetBatchResponse,
  type WireListBatchesResponse,
} from "./wire.js";
