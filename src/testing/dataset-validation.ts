/**
 * Validates an uploaded dataset file, line by line, as Cohere does before a dataset can feed a
 * batch. The file is read as a stream, so a large upload is never turned into one string.
 *
 * Rules (Cohere documents the batch input format, not its validator's messages):
 * - blank lines are ignored, so a trailing newline is optional;
 * - in a `.jsonl` file every line is a JSON object;
 * - for the `batch-*` types every object has a non-empty string `custom_id`, unique in the
 *   file, and an object `body`;
 * - every object has each field named in `keep_fields` (the spec: validation fails when one is
 *   missing from the file); a line without one is malformed, so `skip_malformed_input` drops it;
 * - `.csv` and `.txt` files are counted by lines, not parsed;
 * - `eval_data` is validated as `data` is, with its own `custom_id`s; the first file that fails
 *   gives the error.
 *
 * @packageDocumentation
 */
import type { DatasetUpload } from "./dataset-upload.js";
import { lines } from "./text-lines.js";

/** The outcome of validating one file. */
export interface ValidationOutcome {
  /** Valid records (lines kept) of `data`. */
  readonly records: number;
  /** Valid records of `eval_data`, when there is one. */
  readonly evalRecords?: number;
  /** Why the file fails validation; absent when it passes. */
  readonly error?: string;
  /** One message per line dropped under `skip_malformed_input` (at most {@link MAX_WARNINGS}). */
  readonly warnings: readonly string[];
}

/** Warnings kept per dataset; a file with more malformed lines still counts them all. */
export const MAX_WARNINGS = 100;

/** What a file is checked against: the upload's type, `keep_fields` and `skip_malformed_input`. */
export interface ValidationRules {
  readonly type: string;
  readonly keepFields: readonly string[];
  readonly skipMalformed: boolean;
}

/** A check of one parsed line; `seen` holds the file's `custom_id`s so far. */
type RecordCheck = (record: Record<string, unknown>, seen: Set<string>) => string | undefined;

function checkJsonObject(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "is not valid JSON";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "is not a JSON object";
  return value as Record<string, unknown>;
}

const checkBatchRequest: RecordCheck = (record, seen) => {
  const id = record["custom_id"];
  if (typeof id !== "string" || id === "") return "has no custom_id (a non-empty string)";
  if (seen.has(id)) return `repeats custom_id ${JSON.stringify(id)}`;
  const body = record["body"];
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "has no body (an object)";
  seen.add(id);
  return undefined;
};

function keepFieldsCheck(keepFields: readonly string[]): RecordCheck {
  return (record) => {
    const missing = keepFields.find((field) => !Object.hasOwn(record, field));
    return missing === undefined ? undefined : `has no field ${JSON.stringify(missing)}, which keep_fields requires`;
  };
}

function lineCheck(
  rules: ValidationRules,
  filename: string,
): ((line: string, seen: Set<string>) => string | undefined) | undefined {
  if (!filename.toLowerCase().endsWith(".jsonl")) return undefined;
  // The batch check goes last: it records the line's custom_id, which only a kept line may do.
  const checks: RecordCheck[] = [];
  if (rules.keepFields.length > 0) checks.push(keepFieldsCheck(rules.keepFields));
  if (rules.type.startsWith("batch-")) checks.push(checkBatchRequest);
  return (line, seen) => {
    const record = checkJsonObject(line);
    if (typeof record === "string") return record;
    for (const check of checks) {
      const problem = check(record, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/**
 * Validates `file`, uploaded as `filename`, against `rules`.
 *
 * @example
 * ```ts
 * const rules = { type: "batch-chat-v2-input", keepFields: [], skipMalformed: false };
 * await validateDatasetFile(new Blob(['{"custom_id":"1","body":{}}\n']), "a.jsonl", rules);
 * // { records: 1, warnings: [] }
 * ```
 */
export async function validateDatasetFile(
  file: Blob,
  filename: string,
  rules: ValidationRules,
): Promise<ValidationOutcome> {
  const check = lineCheck(rules, filename);
  const seen = new Set<string>();
  const warnings: string[] = [];
  let records = 0;
  let number = 0;
  for await (const raw of lines(file)) {
    number++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    const problem = check?.(line, seen);
    if (problem === undefined) records++;
    else if (!rules.skipMalformed) return { records, error: `${filename} line ${number} ${problem}`, warnings };
    else if (warnings.length < MAX_WARNINGS) warnings.push(`${filename} line ${number} ${problem}: skipped`);
  }
  if (records === 0) return { records, error: `${filename} has no valid records`, warnings };
  return { records, warnings };
}

/**
 * Validates an upload's `data`, then its `eval_data` by the same rules. The error is the first
 * failing file's; the warnings are both files', at most {@link MAX_WARNINGS} in all.
 *
 * @example
 * ```ts
 * const outcome = await validateUpload(upload); // { records: 2, evalRecords: 1, warnings: [] }
 * ```
 */
export async function validateUpload(upload: DatasetUpload): Promise<ValidationOutcome> {
  const data = await validateDatasetFile(upload.data, upload.data.name, upload);
  if (data.error !== undefined || upload.evalData === undefined) return data;
  const evalData = await validateDatasetFile(upload.evalData, upload.evalData.name, upload);
  const warnings = [...data.warnings, ...evalData.warnings].slice(0, MAX_WARNINGS);
  const outcome = { records: data.records, evalRecords: evalData.records, warnings };
  return evalData.error === undefined ? outcome : { ...outcome, error: evalData.error };
}
