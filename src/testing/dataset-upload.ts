/**
 * Reads and checks `POST /v1/datasets`: the query (`name`, `type`, the flags, the repeated
 * `keep_fields` / `optional_fields`) and the multipart parts `data` and `eval_data`.
 *
 * Choices where Cohere documents a rule but not its message: a name of 50 characters or more,
 * an unknown type, a missing `data` part, a part without a filename and a filename whose
 * extension the type does not take (`batch-*` types take `.jsonl` only; others `.jsonl`,
 * `.csv` or `.txt`) are all 400s naming the problem.
 *
 * @packageDocumentation
 */
import { DATASET_TYPES } from "./dataset-wire.js";

/** The longest dataset name accepted, in characters (code points: an emoji is one, not two UTF-16 units). */
export const MAX_DATASET_NAME_LENGTH = 49;

/** A checked upload. */
export interface DatasetUpload {
  readonly name: string;
  readonly type: string;
  readonly data: File;
  readonly evalData?: File;
  readonly keepFields: readonly string[];
  readonly optionalFields: readonly string[];
  readonly skipMalformed: boolean;
  /** `csv_delimiter`: the one character a `.csv` file's columns are split at; `","` when not given. */
  readonly csvDelimiter?: string;
}

/** Why an upload was refused (a 400 message). */
export interface DatasetUploadError {
  readonly error: string;
}

function flag(params: URLSearchParams, name: string): boolean | string {
  const value = params.get(name);
  if (value === null || value === "" || value === "false") return false;
  if (value === "true") return true;
  return `${name} must be true or false, got ${JSON.stringify(value)}`;
}

function checkPart(form: FormData, part: string, type: string): File | string | undefined {
  const value = form.get(part);
  if (value === null) return undefined;
  if (typeof value === "string" || value.name === "") return `${part} must be a file part with a filename`;
  const extension = /\.[^.]+$/.exec(value.name)?.[0]?.toLowerCase() ?? "";
  const allowed = type.startsWith("batch-") ? [".jsonl"] : [".jsonl", ".csv", ".txt"];
  if (!allowed.includes(extension)) {
    return `${part} file ${JSON.stringify(value.name)} must end in ${allowed.join(" or ")} for type ${type}`;
  }
  return value;
}

/**
 * Checks an upload's query and parsed multipart body.
 *
 * @example
 * ```ts
 * parseDatasetUpload(new URLSearchParams("name=n&type=batch-chat-v2-input"), form); // { name: "n", ... }
 * ```
 */
export function parseDatasetUpload(params: URLSearchParams, form: FormData): DatasetUpload | DatasetUploadError {
  const name = params.get("name") ?? "";
  const badName = nameProblem(name);
  if (badName !== undefined) return { error: badName };
  const type = params.get("type") ?? "";
  const badType = typeProblem(type);
  if (badType !== undefined) return { error: badType };
  const skipMalformed = flag(params, "skip_malformed_input");
  if (typeof skipMalformed === "string") return { error: skipMalformed };
  const keepOriginal = flag(params, "keep_original_file");
  if (typeof keepOriginal === "string") return { error: keepOriginal };
  const csvDelimiter = params.get("csv_delimiter") || ",";
  const badDelimiter = delimiterProblem(csvDelimiter);
  if (badDelimiter !== undefined) return { error: badDelimiter };
  const data = checkPart(form, "data", type);
  if (data === undefined) return { error: "the multipart part data is required" };
  if (typeof data === "string") return { error: data };
  const evalData = checkPart(form, "eval_data", type);
  if (typeof evalData === "string") return { error: evalData };
  return {
    name,
    type,
    data,
    ...(evalData === undefined ? {} : { evalData }),
    keepFields: params.getAll("keep_fields"),
    optionalFields: params.getAll("optional_fields"),
    skipMalformed,
    csvDelimiter,
  };
}

/** Why `name` is refused, if it is: empty, or longer than {@link MAX_DATASET_NAME_LENGTH} characters. */
function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "name is required";
  const characters = [...name].length;
  if (characters > MAX_DATASET_NAME_LENGTH) {
    return `name must be shorter than ${MAX_DATASET_NAME_LENGTH + 1} characters, got ${characters}`;
  }
  return undefined;
}

/** Why `type` is refused, if it is: empty, or not one of {@link DATASET_TYPES}. */
function typeProblem(type: string): string | undefined {
  if (type === "") return "type is required";
  if (!DATASET_TYPES.has(type)) return `type ${JSON.stringify(type)} is not a dataset type`;
  return undefined;
}

/** Why `csv_delimiter` is refused, if it is. */
function delimiterProblem(csvDelimiter: string): string | undefined {
  // One character, and not the quote, which CSV keeps for quoting, nor a line break, which ends a record.
  if ([...csvDelimiter].length !== 1 || '"\r\n'.includes(csvDelimiter))
    return `csv_delimiter must be one character other than '"' or a line break, got ${JSON.stringify(csvDelimiter)}`;
  return undefined;
}
