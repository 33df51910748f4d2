import * as v from "valibot";
import { isWellFormed, nonEmptyStringSchema, urlTextSchema } from "../../core/input-schemas.js";
import type {
  Batch,
  CancelBatchResponse,
  CreateBatchRequest,
  CreateBatchResponse,
  GetBatchResponse,
  ListBatchesRequest,
  ListBatchesResponse,
} from "./types.js";

// Responses: loose where the API may grow (unknown keys are kept, an unknown status passes),
// strict where the spec requires (a batch's name, input_dataset_id and model; `batch` itself).

// An int64 comes as a JSON string. Its type is `string`, so any string passes (API.md section 4):
// a call never fails over a value the type still describes.
const int64Schema = v.string();

export const batchSchema: v.GenericSchema<unknown, Batch> = v.looseObject({
  // Required, unlike in the spec: every response carries the id (see `Batch`).
  id: v.string(),
  name: v.string(),
  creator_id: v.exactOptional(v.string()),
  org_id: v.exactOptional(v.string()),
  status: v.exactOptional(v.string()),
  created_at: v.exactOptional(v.string()),
  updated_at: v.exactOptional(v.string()),
  input_dataset_id: v.string(),
  output_dataset_id: v.exactOptional(v.string()),
  input_tokens: v.exactOptional(int64Schema),
  output_tokens: v.exactOptional(int64Schema),
  model: v.string(),
  num_records: v.exactOptional(v.number()),
  num_successful_records: v.exactOptional(v.number()),
  num_failed_records: v.exactOptional(v.number()),
  status_reason: v.exactOptional(v.string()),
});

export const listBatchesResponseSchema: v.GenericSchema<unknown, ListBatchesResponse> = v.looseObject({
  batches: v.exactOptional(v.array(batchSchema)),
  next_page_token: v.exactOptional(v.string()),
});

/**
 * The answer of `create` and `retrieve`: one batch, whose id is what the caller (and `run`)
 * retrieves, waits on and cancels it by. An id the SDK cannot address (`""`, `"."`, `".."`, one
 * that cannot be put in a URL) is the server's error, not the caller's bad input later. Checked
 * here and not in `batchSchema`: a page of batches is not failed over one of them.
 */
export const batchResponseSchema: v.GenericSchema<unknown, CreateBatchResponse & GetBatchResponse> = v.looseObject({
  batch: v.pipe(
    batchSchema,
    v.check(
      (batch) => v.safeParse(batchIdSchema, batch.id).success,
      (issue) => `its id ${JSON.stringify((issue.input as Batch).id)} is not one the SDK can address`,
    ),
  ),
});

export const cancelBatchResponseSchema: v.GenericSchema<unknown, CancelBatchResponse> = v.looseObject({});

// Requests: strict, so a misspelt field (`pageSize`, `inputDatasetId`) is an error, not a
// silently ignored key.

export const listBatchesRequestSchema: v.GenericSchema<unknown, ListBatchesRequest> = v.strictObject(
  {
    page_size: v.optional(
      v.pipe(
        v.number("must be a positive integer"),
        v.check(
          (size) => Number.isInteger(size) && size >= 1 && size <= 2_147_483_647,
          "must be a positive integer that fits in an int32",
        ),
      ),
    ),
    page_token: v.optional(urlTextSchema),
    order_by: v.optional(urlTextSchema),
  },
  "must be an object",
);

// Blank is empty for a name, a dataset id or a model: the service refuses both.
export const requiredTextSchema = v.pipe(
  nonEmptyStringSchema,
  v.check((value) => /\S/.test(value), "must not be blank"),
  // JSON writes one as an escape that Cohere's gateway (Go) reads as U+FFFD: another name.
  v.check(isWellFormed, "must not contain a lone UTF-16 surrogate"),
);

export const createBatchRequestSchema: v.GenericSchema<unknown, CreateBatchRequest> = v.strictObject(
  {
    name: requiredTextSchema,
    input_dataset_id: requiredTextSchema,
    model: requiredTextSchema,
  },
  "must be an object with name, input_dataset_id and model",
);

/** A batch id: a non-empty string that is not a relative path segment (`.` or `..` would move the URL). */
export const batchIdSchema = v.pipe(
  urlTextSchema,
  v.check((id) => id !== "", "must be a non-empty string"),
  v.check((id) => id !== "." && id !== "..", 'must not be "." or ".."'),
);

/**
 * A dataset id: as a batch id, and not `usage`, which the spec's pattern for it excludes
 * (`^(?!usage$).*$`): `/v1/datasets/usage` is the usage endpoint, so `retrieve("usage")` would
 * read the organisation's usage and `delete("usage")` would not address a dataset. Here beside
 * the batch id rather than with the datasets' schemas, whose module the page does not load.
 */
export const datasetIdSchema = v.pipe(
  batchIdSchema,
  v.check((id) => id !== "usage", 'must not be "usage" (the path of the usage endpoint)'),
);
