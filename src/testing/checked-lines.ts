/**
 * The checks of dataset validation, line by line: what the fake's validation counts, and what
 * a validated upload's download parts hold (the lines it kept). The file is read as a stream, so
 * a large upload is never turned into one string.
 *
 * @packageDocumentation
 */
import { lines } from "./text-lines.js";

/** What a file is checked against: the upload's type, `keep_fields` and `skip_malformed_input`. */
export interface ValidationRules {
  readonly type: string;
  readonly keepFields: readonly string[];
  readonly skipMalformed: boolean;
  /** What a `.csv` file's columns are split at; `","` when absent. */
  readonly csvDelimiter?: string;
}

/**
 * The fields each line (or column of a `.csv` file) of a dataset type must have: `custom_id` and
 * `body` for the `batch-*` types (checked by `checkBatchRequest`), and the one the spec names,
 * "datasets of type `embed-input` will drop all fields other than the required `text` field";
 * none known for the other types.
 */
export function requiredFields(type: string): readonly string[] {
  if (type.startsWith("batch-")) return ["custom_id", "body"];
  return type === "embed-input" ? ["text"] : [];
}

function requiredTextCheck(field: string, type: string): RecordCheck {
  return (record) =>
    typeof record[field] === "string" ? undefined : `has no ${field} field (a string), which ${type} requires`;
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
  const batch = rules.type.startsWith("batch-");
  if (!batch) for (const field of requiredFields(rules.type)) checks.push(requiredTextCheck(field, rules.type));
  if (rules.keepFields.length > 0) checks.push(keepFieldsCheck(rules.keepFields));
  if (batch) checks.push(checkBatchRequest);
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

/** One non-blank line of a file (its `\r` stripped), its 1-based number, and why it is malformed. */
export interface CheckedLine {
  readonly number: number;
  readonly line: string;
  /** What is wrong with it; `undefined` for a valid line (one validation keeps). */
  readonly problem: string | undefined;
}

/**
 * Calls `visit` with each non-blank line of `file`, checked by `rules` as validation checks it,
 * until `visit` returns `false`. A callback, not a generator: a large upload is read once.
 *
 * @example
 * ```ts
 * await visitLines(file, "a.jsonl", rules, ({ line, problem }) => problem === undefined);
 * ```
 */
export async function visitLines(
  file: Blob,
  filename: string,
  rules: ValidationRules,
  visit: (checked: CheckedLine) => boolean | undefined,
): Promise<void> {
  const check = lineCheck(rules, filename);
  const seen = new Set<string>();
  let number = 0;
  for await (const raw of lines(file)) {
    number++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    if (visit({ number, line, problem: check?.(line, seen) }) === false) return;
  }
}

/**
 * The lines of `file` that validation keeps, parsed: the records of an uploaded dataset and the
 * requests a batch over it answers. A kept line that is not JSON (a CSV or text file's) is left out.
 *
 * @example
 * ```ts
 * const records = await keptRecords(file, "a.jsonl", rules); // [{ custom_id: "1", body: {} }]
 * ```
 */
export async function keptRecords(
  file: Blob,
  filename: string,
  rules: ValidationRules,
): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  await visitLines(file, filename, rules, ({ line, problem }) => {
    if (problem !== undefined) return true;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Kept, and not JSON: a line of a CSV or text file.
    }
    return true;
  });
  return records;
}
