/**
 * What `datasets.create` sends: its query and its multipart body. Reached by a dynamic import
 * when `create` runs, so that an app that never uploads does not carry the upload machinery.
 */
import * as v from "valibot";
import { checkInput } from "../../core/input.js";
import { isWellFormed, nonEmptyStringSchema, urlTextSchema } from "../../core/input-schemas.js";
import type { operations } from "../../generated/datasets-openapi.js";
import { knownEmpty } from "../../internal/known-empty.js";
import { encodeMultipart, type MultipartBody, type UploadPart } from "../../internal/uploads.js";
import type { CreateDatasetRequest } from "./types.js";

type CreateQuery = operations["create-dataset"]["parameters"]["query"];

const textSchema = v.pipe(
  nonEmptyStringSchema,
  v.check((value) => /\S/.test(value), "must not be blank"),
  v.check(isWellFormed, "must not contain a lone UTF-16 surrogate (it cannot be put in a URL)"),
);
const presentSchema = v.pipe(
  v.custom<unknown>((value) => value !== undefined && value !== null, "is required"),
  // An empty upload fails validation ("no valid records") once uploaded.
  v.check((value) => !knownEmpty(value), "is empty: a dataset needs a record"),
);
const fieldsSchema = v.optional(v.array(urlTextSchema, "must be an array of strings"));

const createDatasetRequestSchema = v.strictObject(
  {
    name: textSchema,
    type: textSchema,
    data: presentSchema,
    // Optional: when given, data as `data` is ("is required" would read wrong for a null).
    eval_data: v.optional(
      v.pipe(
        v.custom<unknown>((value) => value !== null, "must be data, or left out"),
        v.check((value) => !knownEmpty(value), "is empty: leave it out, or give it a record"),
      ),
    ),
    filename: v.optional(textSchema),
    keep_original_file: v.optional(v.boolean("must be a boolean")),
    skip_malformed_input: v.optional(v.boolean("must be a boolean")),
    keep_fields: fieldsSchema,
    optional_fields: fieldsSchema,
    text_separator: v.optional(urlTextSchema),
    // A CSV delimiter is one character, and not the quote CSV keeps for quoting nor a line break,
    // which ends a record: ";;" was sent, and refused by the server after the upload.
    csv_delimiter: v.optional(
      v.pipe(
        urlTextSchema,
        v.check(
          (value) => [...value].length === 1 && !'"\r\n'.includes(value),
          `must be one character other than '"' or a line break`,
        ),
      ),
    ),
  },
  "must be an object with name, type and data",
);

/** The query, with absent fields left out (the spec's type has no room for `undefined`). */
function queryOf(request: CreateDatasetRequest): CreateQuery {
  const { data: _data, eval_data: _evalData, filename: _filename, ...fields } = request;
  const query = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return query as CreateQuery;
}

/**
 * A part's filename, by the kind of its data (Cohere reads the format from the extension): a
 * `File`'s own name; objects, streams and iterables (a Node read stream included) as
 * `<stem>.jsonl`; text, bytes and a `Blob` without a name, which carry no format of their own,
 * as `<stem><formatless>`.
 */
function filenameOf(data: unknown, stem: string, formatless = ".jsonl"): string {
  try {
    if (typeof File !== "undefined" && data instanceof File && data.name !== "") return data.name;
    const raw = typeof data === "string" || data instanceof Uint8Array || data instanceof ArrayBuffer;
    return `${stem}${raw || data instanceof Blob ? formatless : ".jsonl"}`;
  } catch {
    return `${stem}.jsonl`; // data that cannot be read: `partSource` refuses it
  }
}

/**
 * Checks a `create` request and encodes its body.
 *
 * @param dataLabel - how errors name `data`, when the caller gave it under another name.
 * @throws CohereError naming the field, before anything is read or sent.
 */
export async function prepareDatasetUpload(
  request: CreateDatasetRequest,
  streaming: boolean,
  signal: AbortSignal,
  dataLabel?: UploadPart["label"],
): Promise<{ query: CreateQuery; body: MultipartBody }> {
  const checked = checkInput(createDatasetRequestSchema, request, "request") as CreateDatasetRequest;
  const filename = checked.filename ?? filenameOf(checked.data, checked.name);
  const parts: UploadPart[] = [{ field: "data", filename, data: checked.data, label: dataLabel }];
  if (checked.eval_data !== undefined) {
    // Eval data that carries no format of its own is taken to be in the data's.
    const extension = /\.[^./\\]+$/.exec(filename)?.[0] ?? ".jsonl";
    const evalFilename = filenameOf(checked.eval_data, `${checked.name}-eval`, extension);
    parts.push({ field: "eval_data", filename: evalFilename, data: checked.eval_data });
  }
  return { query: queryOf(checked), body: await encodeMultipart(parts, streaming, signal) };
}
