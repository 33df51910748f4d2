/**
 * The wire shapes of Cohere's `v1/datasets` API as the fake sends them (snake_case, as in the
 * spec). They describe the fake's output; they are not the SDK's types.
 *
 * @packageDocumentation
 */

/**
 * A dataset's validation stage (`DatasetValidationStatus` in the spec).
 *
 * @public
 */
export type WireDatasetValidationStatus = "unknown" | "queued" | "processing" | "failed" | "validated" | "skipped";

/**
 * The dataset types the fake accepts (`DatasetType` in the spec); any other is a 400.
 *
 * @example
 * ```ts
 * DATASET_TYPES.has("embed-input"); // true
 * ```
 * @public
 */
export const DATASET_TYPES: ReadonlySet<string> = new Set([
  "embed-input",
  "embed-result",
  "cluster-result",
  "cluster-outliers",
  "reranker-finetune-input",
  "single-label-classification-finetune-input",
  "chat-finetune-input",
  "multi-label-classification-finetune-input",
  "batch-chat-input",
  "batch-openai-chat-input",
  "batch-embed-v2-input",
  "batch-chat-v2-input",
]);

/**
 * One uploaded file of a dataset (`DatasetPart`).
 *
 * @public
 */
export interface WireDatasetPart {
  /** The part id. */
  id: string;
  /** The uploaded file's name. */
  name: string;
  /** The part's position. */
  index: number;
  /** The uploaded file's size in bytes. */
  size_bytes: number;
  /** Valid records in the file (known once validation has run). */
  num_rows: number;
  /**
   * A signed download URL on the download origin, valid for a while on the fake's clock: every
   * part of an output dataset, and each `.jsonl` part of a validated upload (uploaded-parts.ts).
   */
  url?: string;
}

/**
 * A dataset as the fake sends it (`Dataset`).
 *
 * @public
 */
export interface WireDataset {
  /** The dataset's id: its name's slug and a random suffix (`requests-x1y2z3`). */
  id: string;
  /** The name it was uploaded with. */
  name: string;
  /** Creation time, RFC 3339 as protobuf's JSON writes it (0, 3 or 6 fraction digits). */
  created_at: string;
  /** Time of the last validation-status change. */
  updated_at: string;
  /** The `type` it was uploaded with (`batch-chat-v2-input`, ...). */
  dataset_type: string;
  /** Where validation is: `queued`, `processing`, then `validated` or `failed`. */
  validation_status: WireDatasetValidationStatus;
  /** Why validation failed; only on `failed` datasets. */
  validation_error?: string;
  /** Lines dropped under `skip_malformed_input`, one message each. */
  validation_warnings: string[];
  /** `keep_fields` as uploaded. */
  required_fields: string[];
  /** `optional_fields` as uploaded. */
  preserve_fields: string[];
  /** The uploaded files: `data`, then `eval_data` if one was sent. */
  dataset_parts: WireDatasetPart[];
}

/**
 * `200` body of `POST /v1/datasets`.
 *
 * @public
 */
export interface WireCreateDatasetResponse {
  /** The new dataset's id. */
  id: string;
}

/**
 * `200` body of `GET /v1/datasets/{id}`.
 *
 * @public
 */
export interface WireGetDatasetResponse {
  /** The dataset. */
  dataset: WireDataset;
}

/**
 * `200` body of `GET /v1/datasets`.
 *
 * @public
 */
export interface WireListDatasetsResponse {
  /** The page's datasets. */
  datasets: WireDataset[];
}

/**
 * `200` body of `GET /v1/datasets/usage`: bytes stored by the organization.
 *
 * @public
 */
export interface WireDatasetUsageResponse {
  /** Bytes stored by the organization. */
  organization_usage: number;
}
