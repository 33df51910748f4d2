// From a decoded output record to what `batches.results()` yields. Cohere's outputs are
// `{custom_id, body}` (embed: body = the v2 embed response as JSON text; chat: undocumented), and
// failed requests carry an `error`. Only what is certain is interpreted: JSON text in `body` and
// `error` becomes its value; every other field passes through as Avro decoded it.
import { CohereParseError } from "../../core/errors/index.js";

/**
 * One record of a batch's output: the request's `custom_id`, and its response `body` or its
 * `error`, parsed from JSON text where the file holds them as text.
 * @public
 */
export interface BatchResult {
  /**
   * The `custom_id` of the request this record answers: match results to requests on it. `null`
   * where the file's schema lets it be null and the record has none (checked: any other type is
   * a `CohereParseError`).
   */
  custom_id?: string | null;
  /** The response (the v2 embed response for embed batches), parsed from JSON text; `null` for a failed request. */
  body?: unknown;
  /** Why the request failed, parsed from JSON text where it is JSON; `null` for a successful one. */
  error?: unknown;
  /** Any other field of the output file, as Avro decoded it. */
  [field: string]: unknown;
}

const PARSED_FIELDS = ["body", "error"] as const;

/**
 * The `BatchResult` of a decoded record. The record is a fresh object from the decoder and is
 * updated in place (no copy per record).
 *
 * @throws CohereParseError naming `part` when the record is not an object (a file whose schema
 * is not a record is not a batch output), or its `custom_id` is neither a string nor null.
 */
export function toBatchResult(record: unknown, part: string): BatchResult {
  if (typeof record !== "object" || record === null || Array.isArray(record) || record instanceof Uint8Array) {
    throw new CohereParseError(200, "", [`${part}: a record is not an object but ${describe(record)}`]);
  }
  const result = record as BatchResult;
  const id: unknown = result.custom_id;
  if (id !== undefined && id !== null && typeof id !== "string")
    throw new CohereParseError(200, "", [`${part}: a record's custom_id is not a string but ${describe(id)}`]);
  for (const field of PARSED_FIELDS) {
    const value = result[field];
    if (typeof value === "string") result[field] = parseJsonText(value);
  }
  return result;
}

/**
 * The value of `text` if it is the JSON text of an object, an array or a string (`"\"quota
 * exceeded\""` is the message without its quotes), else `text` itself: a plain message
 * ("invalid request") stays a string, and so does a bare number or word, which JSON would
 * otherwise turn into a different type.
 */
function parseJsonText(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[" && first !== '"') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value;
}
