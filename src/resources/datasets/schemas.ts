import * as v from "valibot";
import { urlTextSchema } from "../../core/input-schemas.js";
import { datasetIdSchema } from "../batches/schemas.js";
import type {
  CreateDatasetResponse,
  Dataset,
  DatasetUsageResponse,
  DeleteDatasetResponse,
  GetDatasetResponse,
  ListDatasetsRequest,
  ListDatasetsResponse,
} from "./types.js";

// Responses: loose where the API may grow (unknown keys kept, unknown types and statuses
// pass), strict where the spec requires a field.

const optionalString = v.exactOptional(v.string());
const optionalStrings = v.exactOptional(v.array(v.string()));
const optionalNumber = v.exactOptional(v.number());

const datasetPartSchema = v.looseObject({
  id: v.string(),
  name: v.string(),
  url: optionalString,
  index: optionalNumber,
  size_bytes: optionalNumber,
  num_rows: optionalNumber,
  original_url: optionalString,
  samples: optionalStrings,
});

export const datasetSchema: v.GenericSchema<unknown, Dataset> = v.looseObject({
  id: v.string(),
  name: v.string(),
  created_at: v.string(),
  updated_at: v.string(),
  dataset_type: v.string(),
  validation_status: v.string(),
  validation_error: optionalString,
  schema: optionalString,
  required_fields: optionalStrings,
  preserve_fields: optionalStrings,
  dataset_parts: v.exactOptional(v.array(datasetPartSchema)),
  validation_warnings: optionalStrings,
  parse_info: v.exactOptional(v.looseObject({ separator: optionalString, delimiter: optionalString })),
  metrics: v.exactOptional(v.looseObject({})),
});

/** The new dataset's id, which the caller (and `run`) addresses it by: one the SDK can address. */
export const createDatasetResponseSchema: v.GenericSchema<unknown, CreateDatasetResponse> = v.looseObject({
  id: v.pipe(
    v.string(),
    v.check(
      (id) => v.safeParse(datasetIdSchema, id).success,
      (issue) => `${JSON.stringify(issue.input)} is not a dataset id the SDK can address`,
    ),
  ),
});

export const getDatasetResponseSchema: v.GenericSchema<unknown, GetDatasetResponse> = v.looseObject({
  dataset: datasetSchema,
});

export const listDatasetsResponseSchema: v.GenericSchema<unknown, ListDatasetsResponse> = v.looseObject({
  datasets: v.exactOptional(v.array(datasetSchema)),
});

export const deleteDatasetResponseSchema: v.GenericSchema<unknown, DeleteDatasetResponse> = v.looseObject({});

export const datasetUsageResponseSchema: v.GenericSchema<unknown, DatasetUsageResponse> = v.looseObject({
  organization_usage: optionalNumber,
});

const countSchema = v.optional(
  v.pipe(
    v.number("must be a non-negative integer"),
    v.check((n) => Number.isSafeInteger(n) && n >= 0, "must be a non-negative integer"),
  ),
);

/**
 * The spec's `format: date-time` (RFC 3339): a date the server would refuse is refused here.
 * Checked field by field, the day against its month: `Date.parse` takes February 31 (as March 3)
 * and 24:00. As a Go gateway reads a `google.protobuf.Timestamp` (protojson: `time.Parse` with
 * `RFC3339Nano`, then a fraction of at most 9 digits, where `time.Parse` alone would cut a longer
 * one): `T` and `Z` in upper case, no leap second (`:60`).
 */
const dateTimeSchema = v.pipe(
  v.string("must be an RFC 3339 date-time string (date.toISOString() gives one)"),
  v.check(isDateTime, "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z (date.toISOString() gives one)"),
);

function isDateTime(value: string): boolean {
  const match =
    /^(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

// Requests: strict, so a misspelt filter (`dataset_type`) is an error, not an ignored key.
export const listDatasetsRequestSchema: v.GenericSchema<unknown, ListDatasetsRequest> = v.strictObject(
  {
    datasetType: v.optional(urlTextSchema),
    before: v.optional(dateTimeSchema),
    after: v.optional(dateTimeSchema),
    limit: countSchema,
    offset: countSchema,
    validationStatus: v.optional(urlTextSchema),
  },
  "must be an object",
);
