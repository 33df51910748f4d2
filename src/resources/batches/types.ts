import type { components, operations } from "../../generated/openapi.js";
import type { BatchStatus } from "./status.js";

type Schemas = components["schemas"];

/**
 * A batch job, as the API sends it (snake_case).
 *
 * @remarks
 * `input_tokens` and `output_tokens` are int64 counts sent as strings (use `BigInt` to do
 * arithmetic). `created_at` and `updated_at` are RFC 3339 strings in protobuf's JSON form (UTC,
 * 0, 3, 6 or 9 fraction digits, as few as the value needs: `2025-03-05T14:59:25.438936Z`,
 * `2026-01-01T00:00:00Z`), kept as strings because a `Date` would drop the microseconds. A
 * `status` this SDK does not know yet passes through as a string. Fields the API adds later are
 * kept on the object.
 *
 * `id` is a `string`, not optional as in the spec, and every response is checked for it (a batch
 * without one is a `CohereParseError`, as is a `create` or `retrieve` answer whose id the SDK
 * cannot address: `""`, `"."` or `".."`; a page of `list` is not failed over one batch). The spec's `Batch` is also the body of `create`, so it
 * cannot require a field the server assigns; it marks `id` `readOnly` ("read-only. Batch ID."),
 * which in OpenAPI means "sent in responses". Its own examples take the id of a created batch
 * to retrieve and cancel it, and the wire is protobuf JSON, which omits only zero values (an
 * empty string, 0, `BATCH_STATUS_UNSPECIFIED`): an id is never empty. The other read-only
 * fields stay optional, since a zero count or an unspecified status may be left out.
 * @public
 */
export interface Batch extends Omit<components["schemas"]["Batch"], "status" | "id"> {
  /** The batch id: present in every response (checked), to pass to `retrieve`, `cancel` and `waitUntilDone`. */
  readonly id: string;
  /** The name given at `create`. */
  name: string;
  /** The user who created the batch (set by the server). */
  readonly creator_id?: string;
  /** The organization the batch belongs to (set by the server). */
  readonly org_id?: string;
  /** Current stage in the life cycle of the batch; an unknown future stage passes through. */
  readonly status?: BatchStatus | (string & {});
  /** When the batch was created: an RFC 3339 string, to the microsecond (0, 3, 6 or 9 fraction digits). */
  readonly created_at?: string;
  /** When the batch last changed: an RFC 3339 string, to the microsecond (0, 3, 6 or 9 fraction digits). */
  readonly updated_at?: string;
  /** The dataset of requests the batch runs (a dataset of type `embed-input`, for example). */
  input_dataset_id: string;
  /** The dataset of results, once the batch has written it: read it with `results()` or `records()`. */
  readonly output_dataset_id?: string;
  /** Tokens read, an int64 count as a decimal string (`BigInt(batch.input_tokens)` to add them up). */
  readonly input_tokens?: string;
  /** Tokens written, an int64 count as a decimal string. */
  readonly output_tokens?: string;
  /** The model every request of the batch runs on. */
  model: string;
  /** How many requests the input dataset holds. */
  readonly num_records?: number;
  /** How many requests have succeeded so far. */
  readonly num_successful_records?: number;
  /** How many requests have failed so far. */
  readonly num_failed_records?: number;
  /** Why the batch is in its status, when the server says (a failure's reason, for example). */
  readonly status_reason?: string;
}

/** A page of batches. An absent or empty `next_page_token` means this is the last page. @public */
export interface ListBatchesResponse {
  /** The batches of this page. */
  batches?: Batch[];
  /** Pass as `page_token` to get the next page. */
  next_page_token?: string;
}

/** The answer to `create`. @public */
export interface CreateBatchResponse {
  /** The new batch. */
  batch: Batch;
}

/** The answer to `retrieve`. @public */
export interface GetBatchResponse {
  /** The batch. */
  batch: Batch;
}

/** The answer to `cancel`: an object with no declared fields (`{}` when the body is empty). @public */
export type CancelBatchResponse = Record<string, unknown>;

/** The parameters of `list`. @public */
export interface ListBatchesRequest {
  /**
   * How many batches per page, a positive integer; the server clamps values above 1000.
   * @defaultValue 50 (the server's)
   */
  page_size?: number | undefined;
  /** The `next_page_token` of the previous page. */
  page_token?: string | undefined;
  /** `created_at` or `updated_at`. */
  order_by?: "created_at" | "updated_at" | (string & {}) | undefined;
}

/** The fields of a new batch. @public */
export interface CreateBatchRequest {
  /** A name for the batch, to find it again in lists. */
  name: string;
  /** The id of a validated dataset of requests (see `datasets.create`). */
  input_dataset_id: string;
  /** The model every request of the batch runs on. */
  model: string;
}

/** Options of `waitUntilDone`. @public */
export interface WaitUntilDoneOptions {
  /**
   * Seconds between polls.
   * @defaultValue 5
   */
  pollIntervalInSeconds?: number | undefined;
  /** Gives up with `CohereTimeoutError` after this many seconds. @defaultValue no limit */
  timeoutInSeconds?: number | undefined;
  /** Stops waiting with `CohereAbortError`. */
  abortSignal?: AbortSignal | undefined;
  /**
   * Called with the batch after every poll, terminal or not: a shallow copy (a field it sets
   * changes nothing the wait resolves with; a nested value, in a field the API adds later, is shared).
   */
  onProgress?: ((batch: Batch) => void) | undefined;
}

// Keep the request type in step with the generated operation: a spec change that renames a
// query parameter fails the type check here.
type GeneratedListQuery = NonNullable<operations["ListBatches"]["parameters"]["query"]>;
const listQueryMatchesSpec: Record<keyof GeneratedListQuery, true> = {
  page_size: true,
  page_token: true,
  order_by: true,
} satisfies Record<keyof ListBatchesRequest, true>;
void listQueryMatchesSpec;
// The fields of a new batch are the spec's writable fields of a `Batch`, no more and no fewer.
const createFieldsMatchSpec: CreateBatchRequest = {} as Pick<Schemas["Batch"], keyof CreateBatchRequest>;
const createFieldsAreRequired: Record<keyof CreateBatchRequest, true> = {
  name: true,
  input_dataset_id: true,
  model: true,
} satisfies Record<
  { [K in keyof Schemas["Batch"]]-?: undefined extends Schemas["Batch"][K] ? never : K }[keyof Schemas["Batch"]],
  true
>;
void createFieldsMatchSpec;
void createFieldsAreRequired;
