/**
 * The wire shapes of Cohere's `v2/batches` API, as the fake sends them (snake_case, as in
 * Cohere's OpenAPI spec). They describe the fake's output, which always fills every field the
 * spec marks read-only; they are not the SDK's types.
 *
 * @packageDocumentation
 */

/**
 * The stages of a batch's life cycle (`BatchStatus` in the spec).
 *
 * @public
 */
export type WireBatchStatus =
  | "BATCH_STATUS_UNSPECIFIED"
  | "BATCH_STATUS_QUEUED"
  | "BATCH_STATUS_IN_PROGRESS"
  | "BATCH_STATUS_CANCELING"
  | "BATCH_STATUS_COMPLETED"
  | "BATCH_STATUS_FAILED"
  | "BATCH_STATUS_CANCELED";

/**
 * The statuses a batch never leaves.
 *
 * @example
 * ```ts
 * const settled = fake.listBatches().every((batch) => TERMINAL_STATUSES.has(batch.status));
 * ```
 * @public
 */
export const TERMINAL_STATUSES: ReadonlySet<WireBatchStatus> = new Set<WireBatchStatus>([
  "BATCH_STATUS_COMPLETED",
  "BATCH_STATUS_FAILED",
  "BATCH_STATUS_CANCELED",
]);

/**
 * A batch as the fake sends it (`Batch` in the spec).
 *
 * Timestamps are RFC 3339 in protobuf's JSON form (0, 3 or 6 fraction digits, as few as the
 * value needs); token counts are int64 sent as decimal strings.
 * @public
 */
export interface WireBatch {
  /** Batch id, a UUID. */
  id: string;
  /** Batch name, as given at creation. */
  name: string;
  /** User id of the creator (one per fake). */
  creator_id: string;
  /** Organization id (one per fake). */
  org_id: string;
  /** Current stage of the life cycle, evaluated at the clock's current time. */
  status: WireBatchStatus;
  /** Creation time, e.g. `2026-01-01T00:00:00Z` or `2025-03-05T14:59:25.438936Z`. */
  created_at: string;
  /** Time of the last change (status or progress). */
  updated_at: string;
  /** The dataset the batch reads, as given at creation. */
  input_dataset_id: string;
  /** The dataset the batch writes, `<name>-output-<6 chars>`. */
  output_dataset_id: string;
  /** Input tokens processed so far, an int64 as a decimal string. */
  input_tokens: string;
  /** Output tokens produced so far, an int64 as a decimal string. */
  output_tokens: string;
  /** The model, as given at creation. */
  model: string;
  /** Records in the input dataset. */
  num_records: number;
  /** Records processed successfully so far. */
  num_successful_records: number;
  /** Records that failed so far. */
  num_failed_records: number;
  /** Why the batch failed; present only on failed batches. */
  status_reason?: string;
}

/**
 * `200` body of `GET /v2/batches` (`ListBatchesResponse`).
 *
 * @public
 */
export interface WireListBatchesResponse {
  /** One page of batches, newest first. */
  batches: WireBatch[];
  /** Send as `page_token` to get the next page; omitted on the last page. */
  next_page_token?: string;
}

/**
 * `200` body of `POST /v2/batches` (`CreateBatchResponse`).
 *
 * @public
 */
export interface WireCreateBatchResponse {
  /** The created batch. */
  batch: WireBatch;
}

/**
 * `200` body of `GET /v2/batches/{id}` (`GetBatchResponse`).
 *
 * @public
 */
export interface WireGetBatchResponse {
  /** The batch, at the clock's current time. */
  batch: WireBatch;
}

/**
 * `200` body of `POST /v2/batches/{id}:cancel` (`CancelBatchResponse`): always `{}`.
 *
 * @public
 */
export type WireCancelBatchResponse = Record<string, never>;

/**
 * Body of every error response the fake sends by itself (`BatchError`).
 *
 * @public
 */
export interface WireBatchError {
  /** A developer-facing message. */
  message: string;
}

/**
 * Which endpoint a request addressed: a batches operation (`"list"`, `"create"`, ...), or a
 * datasets one, named as the SDK names it (`"datasets.create"`, ...), or a download of an output
 * part from the download origin (`"datasets.download"`). `"unknown"` is any
 * request that matched no endpoint (wrong path or wrong method).
 * @public
 */
export type Operation =
  | "list"
  | "create"
  | "retrieve"
  | "cancel"
  | "datasets.create"
  | "datasets.retrieve"
  | "datasets.list"
  | "datasets.delete"
  | "datasets.usage"
  | "datasets.download"
  | "unknown";
