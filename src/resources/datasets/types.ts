import type { DatasetValidationStatus } from "./validation-status.js";

/**
 * A dataset's type, which decides how Cohere validates it. Batches read
 * `"batch-chat-v2-input"` and `"batch-embed-v2-input"`; a type this SDK does not know passes.
 * @public
 */
export type DatasetType =
  | "embed-input"
  | "embed-result"
  | "cluster-result"
  | "cluster-outliers"
  | "reranker-finetune-input"
  | "single-label-classification-finetune-input"
  | "chat-finetune-input"
  | "multi-label-classification-finetune-input"
  | "batch-chat-input"
  | "batch-openai-chat-input"
  | "batch-embed-v2-input"
  | "batch-chat-v2-input"
  | (string & {});

/** One file of a dataset (fields the API adds later are kept, as on {@link Dataset}). @public */
export interface DatasetPart {
  /** The part id. */
  id: string;
  /** The file's name. */
  name: string;
  /** A signed download URL, where the dataset has one. */
  url?: string;
  /** The part's position. */
  index?: number;
  /** The file's size in bytes. */
  size_bytes?: number;
  /** Rows in the file. */
  num_rows?: number;
  /** A signed download URL of the original file. */
  original_url?: string;
  /** The first rows. */
  samples?: string[];
}

/**
 * A dataset, as the API sends it (snake_case). `created_at` / `updated_at` stay RFC 3339
 * strings. Fields the API adds later are kept on the object but not in the type (read them
 * with a cast), so that a misspelt field (`validationStatus`) is a compile error.
 * @public
 */
export interface Dataset {
  /** The dataset id. */
  id: string;
  /** The name it was uploaded with. */
  name: string;
  /** When it was created (RFC 3339). */
  created_at: string;
  /** When it last changed (RFC 3339). */
  updated_at: string;
  /** Its type, which decided how it was validated. */
  dataset_type: DatasetType;
  /** Where it is in validation. */
  validation_status: DatasetValidationStatus | (string & {});
  /** Why validation failed. */
  validation_error?: string;
  /** The Avro schema of the dataset. */
  schema?: string;
  /** Fields kept beyond the type's required ones (`keep_fields`). */
  required_fields?: string[];
  /** Fields kept when present (`optional_fields`). */
  preserve_fields?: string[];
  /** The files the dataset is made of. */
  dataset_parts?: DatasetPart[];
  /** Problems that did not fail validation (rows skipped with `skip_malformed_input`). */
  validation_warnings?: string[];
  /** How a `.txt` or `.csv` upload was split. */
  parse_info?: { separator?: string; delimiter?: string; [field: string]: unknown };
  /** Fine-tuning metrics of the dataset. */
  metrics?: Record<string, unknown>;
}

/**
 * What `create` uploads as a file: text, bytes, a `Blob`/`File`, a `ReadableStream` or any
 * async iterable of bytes or strings (a Node `fs` read stream is one), or an array, `Set` or
 * (async) iterable of plain objects, written as JSONL (one object per line); a stream's chunks
 * are read as an iterable's items. An array's or a `Set`'s items are checked before anything is
 * sent. Streams, async iterables and generators are read once, as the upload goes, and never
 * held in memory whole.
 * @public
 */
export type DatasetData =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array | string | DatasetLine>
  | AsyncIterable<Uint8Array | string | DatasetLine>
  | Iterable<Uint8Array | string | DatasetLine>;

/**
 * One line of `DatasetData` given as an object, written as JSON. An object literal or a request
 * declared as an `interface` (which has no index signature) is one; an iterable (an array, a
 * `Map`, a `Set`) is not, and does not compile. What is otherwise not a plain object (a class
 * instance, a `Date`) is refused at run time: in an array, a `Set` or a `Map`, before anything
 * is sent; in a stream or a generator, when it is read, which ends the upload.
 *
 * @example
 * ```ts
 * interface ChatRequest {
 *   custom_id: string;
 *   body: { messages: { role: "user"; content: string }[] };
 * }
 * const lines: ChatRequest[] = [{ custom_id: "1", body: { messages: [{ role: "user", content: "Hi" }] } }];
 * await client.datasets.create({ name: "requests", type: "batch-chat-v2-input", data: lines });
 * ```
 * @public
 */
export type DatasetLine =
  | { readonly [field: string]: unknown }
  // The index signature above takes object literals (whose extra fields it allows); this takes
  // interfaces, whose lack of one it would refuse. `never` keeps out what is iterable.
  | (object & { readonly [Symbol.iterator]?: never });

/** The fields of `create` (wire names). @public */
export interface CreateDatasetRequest {
  /** The dataset's name (Cohere takes fewer than 50 characters). */
  name: string;
  /** How Cohere validates it; batches read `"batch-chat-v2-input"` or `"batch-embed-v2-input"`. */
  type: DatasetType;
  /** The file. */
  data: DatasetData;
  /**
   * An optional evaluation file. Its filename follows its kind as `data`'s does (a `File`'s own
   * name; `<name>-eval.jsonl` for objects, streams and iterables); text, bytes and a `Blob`
   * without a name take the extension of `data`'s filename.
   */
  eval_data?: DatasetData | undefined;
  /** The file's name (its extension tells Cohere the format). @defaultValue a `File`'s own name, else `<name>.jsonl` */
  filename?: string | undefined;
  /** Keep the original file as well. */
  keep_original_file?: boolean | undefined;
  /** Drop malformed rows (listed in `validation_warnings`) instead of failing validation. */
  skip_malformed_input?: boolean | undefined;
  /** Fields to keep beyond the type's required ones; validation fails if one is missing. */
  keep_fields?: readonly string[] | undefined;
  /** Fields to keep when present. */
  optional_fields?: readonly string[] | undefined;
  /** How raw `.txt` uploads split into entries. */
  text_separator?: string | undefined;
  /** The delimiter of `.csv` uploads. */
  csv_delimiter?: string | undefined;
}

/**
 * The answer to `create`.
 *
 * @remarks
 * `id` is required here, though the spec's `DatasetsCreateResponse` lists no required field: an
 * answer without an id names no dataset to wait for or to use as a batch's input, so it is a
 * `CohereParseError` (the upload may have been stored; `datasets.list` finds it by name).
 * @public
 */
export interface CreateDatasetResponse {
  /** The new dataset's id. */
  id: string;
}

/** The answer to `retrieve`. @public */
export interface GetDatasetResponse {
  /** The dataset. */
  dataset: Dataset;
}

/** The filters of `list` (the wire's camelCase names). @public */
export interface ListDatasetsRequest {
  /** Only datasets of this type. */
  datasetType?: DatasetType | undefined;
  /** Datasets created before this RFC 3339 date-time. */
  before?: string | undefined;
  /** Datasets created after this RFC 3339 date-time. */
  after?: string | undefined;
  /**
   * At most this many datasets: a non-negative integer. The spec types it only as a number; a
   * fraction or a negative count has no meaning, so it is refused before anything is sent.
   */
  limit?: number | undefined;
  /** Skip this many first: a non-negative integer, checked as `limit` is. */
  offset?: number | undefined;
  /** Only datasets in this validation status. */
  validationStatus?: DatasetValidationStatus | (string & {}) | undefined;
}

/** The answer to `list`. @public */
export interface ListDatasetsResponse {
  /** The datasets, newest first. */
  datasets?: Dataset[];
}

/** The answer to `delete`: an object with no declared fields. @public */
export type DeleteDatasetResponse = Record<string, unknown>;

/** The answer to `usage`. @public */
export interface DatasetUsageResponse {
  /** Bytes of dataset storage the organization uses. */
  organization_usage?: number;
}

/** Options of `waitUntilValidated`. @public */
export interface WaitUntilValidatedOptions {
  /** Seconds between polls. @defaultValue 5 */
  pollIntervalInSeconds?: number | undefined;
  /** Gives up with `CohereTimeoutError` after this many seconds. @defaultValue no limit */
  timeoutInSeconds?: number | undefined;
  /** Stops waiting with `CohereAbortError`. */
  abortSignal?: AbortSignal | undefined;
  /**
   * Called with the dataset after every poll: a shallow copy (a field it sets changes nothing
   * the wait resolves with; nested values, such as `dataset_parts`, are shared).
   */
  onProgress?: ((dataset: Dataset) => void) | undefined;
}
