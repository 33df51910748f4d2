/**
 * Validates an uploaded dataset file, line by line, as Cohere does before a dataset can feed a
 * batch. The file is read as a stream, so a large upload is never turned into one string.
 *
 * Rules (Cohere documents the batch input format, not its validator's messages):
 * - blank lines are ignored, so a trailing newline is optional;
 * - in a `.jsonl` file every line is a JSON object;
 * - for the `batch-*` types every object has a non-empty string `custom_id`, unique in the
 *   file, and an object `body`;
 * - `.csv` and `.txt` files are counted by lines, not parsed.
 *
 * @packageDocumentation
 */

/** The outcome of validating one file. */
export interface ValidationOutcome {
  /** Valid records (lines kept). */
  readonly records: number;
  /** Why the file fails validation; absent when it passes. */
  readonly error?: string;
  /** One message per line dropped under `skip_malformed_input` (at most {@link MAX_WARNINGS}). */
  readonly warnings: readonly string[];
}

/** Warnings kept per dataset; a file with more malformed lines still counts them all. */
export const MAX_WARNINGS = 100;

type LineCheck = (line: string, seen: Set<string>) => string | undefined;

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

const checkBatchRequest: LineCheck = (line, seen) => {
  const object = checkJsonObject(line);
  if (typeof object === "string") return object;
  const id = object["custom_id"];
  if (typeof id !== "string" || id === "") return "has no custom_id (a non-empty string)";
  if (seen.has(id)) return `repeats custom_id ${JSON.stringify(id)}`;
  const body = object["body"];
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "has no body (an object)";
  seen.add(id);
  return undefined;
};

function lineCheck(type: string, filename: string): LineCheck | undefined {
  if (!filename.toLowerCase().endsWith(".jsonl")) return undefined;
  if (type.startsWith("batch-")) return checkBatchRequest;
  return (line) => {
    const object = checkJsonObject(line);
    return typeof object === "string" ? object : undefined;
  };
}

// Blob.stream() may hand over a whole in-memory file as one chunk; decoding a gigabyte at once
// fails (and builds one huge string), so chunks are decoded a mebibyte at a time.
const DECODE_BYTES = 1 << 20;

async function* lines(file: Blob): AsyncGenerator<string> {
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  let rest = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let offset = 0; offset < value.byteLength; offset += DECODE_BYTES) {
      const parts = (rest + decoder.decode(value.subarray(offset, offset + DECODE_BYTES), { stream: true })).split(
        "\n",
      );
      rest = parts.pop() ?? "";
      yield* parts;
    }
  }
  yield rest + decoder.decode();
}

/**
 * Validates `file`, uploaded as `filename` for a dataset of `type`.
 *
 * @example
 * ```ts
 * await validateDatasetFile(new Blob(['{"custom_id":"1","body":{}}\n']), "batch-chat-v2-input", "a.jsonl", false);
 * // { records: 1, warnings: [] }
 * ```
 */
export async function validateDatasetFile(
  file: Blob,
  type: string,
  filename: string,
  skipMalformed: boolean,
): Promise<ValidationOutcome> {
  const check = lineCheck(type, filename);
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
    else if (!skipMalformed) return { records, error: `${filename} line ${number} ${problem}`, warnings };
    else if (warnings.length < MAX_WARNINGS) warnings.push(`${filename} line ${number} ${problem}: skipped`);
  }
  if (records === 0) return { records, error: `${filename} has no valid records`, warnings };
  return { records, warnings };
}
