/**
 * What `datasets.create` sends: its query and its multipart body. Reached by a dynamic import
 * when `create` runs, so that an app that never uploads does not carry the upload machinery.
 */
import * as v from "valibot";
import { checkInput, isWellFormed, nonEmptyStringSchema, urlTextSchema } from "../../core/input.js";
import type { operations } from "../../generated/datasets-openapi.js";
import { encodeMultipart, type MultipartBody, type UploadPart } from "../../internal/uploads.js";
import type { CreateDatasetRequest } from "./types.js";

type CreateQuery = operations["create-dataset"]["parameters"]["query"];

const textSchema = v.pipe(
  nonEmptyStringSchema,
  v.check((value) => /\S/.test(value), "must not be blank"),
  v.check(isWellFormed, "must not contain a lone UTF-16 surrogate (it cannot be put in a URL)"),
);
const presentSchema = v.custom<unknown>((value) => value !== undefined && value !== null, "is required");
const fieldsSchema = v.optional(v.array(urlTextSchema, "must be an array of strings"));

const createDatasetRequestSchema = v.strictObject(
  {
    name: textSchema,
    type: textSchema,
    data: presentSchema,
    eval_data: v.optional(presentSchema),
    filename: v.optional(textSchema),
    keep_original_file: v.optional(v.boolean("must be a boolean")),
    skip_malformed_input: v.optional(v.boolean("must be a boolean")),
    keep_fields: fieldsSchema,
    optional_fields: fieldsSchema,
    text_separator: v.optional(urlTextSchema),
    csv_delimiter: v.optional(urlTextSchema),
  },
  "must be an object with name, type and data",
);

/** The query, with absent fields left out (the spec's type has no room for `undefined`). */
function queryOf(request: CreateDatasetRequest): CreateQuery {
  const { data: _data, eval_data: _evalData, filename: _filename, ...fields } = request;
  const query = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return query as CreateQuery;
}

/** The part's filename: the one given, a `File`'s own, or one made from the dataset's name. */
function filenameOf(data: unknown, given: string | undefined, fallback: string): string {
  if (given !== undefined) return given;
  try {
    return typeof File !== "undefined" && data instanceof File && data.name !== "" ? data.name : fallback;
  } catch {
    return fallback; // data that cannot be read: `partSource` refuses it
  }
}

/**
 * Checks a `create` request and encodes its body.
 *
 * @throws CohereError naming the field, before anything is read or sent.
 */
export async function prepareDatasetUpload(
  request: CreateDatasetRequest,
  streaming: boolean,
  signal: AbortSignal,
): Promise<{ query: CreateQuery; body: MultipartBody }> {
  const checked = checkInput(createDatasetRequestSchema, request, "request") as CreateDatasetRequest;
  const filename = filenameOf(checked.data, checked.filename, `${checked.name}.jsonl`);
  const parts: UploadPart[] = [{ field: "data", filename, data: checked.data }];
  if (checked.eval_data !== undefined) {
    // Cohere reads the format from the extension: the eval data is in the data's format.
    const extension = /\.[^./\\]+$/.exec(filename)?.[0] ?? ".jsonl";
    const evalFilename = filenameOf(checked.eval_data, undefined, `${checked.name}-eval${extension}`);
    parts.push({ field: "eval_data", filename: evalFilename, data: checked.eval_data });
  }
  return { query: queryOf(checked), body: await encodeMultipart(parts, streaming, signal) };
}
