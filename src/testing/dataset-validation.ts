/**
 * Validates an uploaded dataset file, line by line, as Cohere does before a dataset can feed a
 * batch. The file is read as a stream, so a large upload is never turned into one string.
 *
 * Rules (checked in checked-lines.ts; Cohere documents the batch input format, not its
 * validator's messages):
 * - blank lines are ignored, so a trailing newline is optional;
 * - in a `.jsonl` file every line is a JSON object;
 * - for the `batch-*` types every object has a non-empty string `custom_id`, unique in the
 *   file, and an object `body`;
 * - every object has each field named in `keep_fields` (the spec: validation fails when one is
 *   missing from the file); a line without one is malformed, so `skip_malformed_input` drops it;
 * - an `embed-input` line has a string `text` (the spec: "the required `text` field");
 * - a `.csv` file's first line is its header, not a record, split at `csv_delimiter`: a column
 *   the type requires or `keep_fields` names missing from it fails the file, with
 *   `skip_malformed_input` or not; its rows are counted by lines, not parsed, as a `.txt` file's;
 * - `eval_data` is validated as `data` is, with its own `custom_id`s; the first file that fails
 *   gives the error.
 *
 * @packageDocumentation
 */
import type { DatasetUpload } from "./dataset-upload.js";
import { requiredFields, type ValidationRules, visitLines } from "./checked-lines.js";

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
  const warnings: string[] = [];
  let records = 0;
  let error: string | undefined;
  let header = filename.toLowerCase().endsWith(".csv");
  await visitLines(file, filename, rules, ({ number, line, problem }) => {
    if (header) {
      header = false;
      const columns = csvHeader(line, rules.csvDelimiter ?? ",");
      const needed = [
        ...requiredFields(rules.type).map((field) => [field, rules.type]),
        ...rules.keepFields.map((field) => [field, "keep_fields"]),
      ];
      const missing = needed.find(([field]) => !columns.includes(field as string));
      if (missing !== undefined)
        error = `${filename} line ${number} has no column ${JSON.stringify(missing[0])}, which ${missing[1]} requires`;
      return error === undefined;
    }
    if (problem === undefined) records++;
    else if (!rules.skipMalformed) error = `${filename} line ${number} ${problem}`;
    else if (warnings.length < MAX_WARNINGS) warnings.push(`${filename} line ${number} ${problem}: skipped`);
    return error === undefined;
  });
  if (error !== undefined) return { records, error, warnings };
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

/** The column names of a CSV header line: fields split at `delimiter` outside quotes, `""` read as `"`. */
function csvHeader(line: string, delimiter: string): string[] {
  const names: string[] = [];
  let name = "";
  let quoted = false;
  // By code points: a delimiter may be one outside the BMP.
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (quoted && char === '"' && chars[i + 1] === '"') {
      name += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) {
      names.push(name.trim());
      name = "";
    } else name += char;
  }
  names.push(name.trim());
  return names;
}
