import * as v from "valibot";
import { CohereError } from "./errors/cohere-error.js";
import { describeCause } from "../internal/cause-chain.js";
import { ENTRY_AT_FAULT } from "./input-schemas.js";

/**
 * Checks caller input against a valibot schema before anything is sent, and turns the most
 * useful problem into a `CohereError` that names the field, e.g.
 * `Invalid request: page_size must be a positive integer (got 0)`. An unknown key is reported
 * before a missing one (`inputDatasetId` is why `input_dataset_id` is missing), with the
 * spelling the schema knows when only the case style differs.
 */
export function checkInput<const Schema extends v.GenericSchema>(
  schema: Schema,
  value: unknown,
  what: string,
): v.InferOutput<Schema> {
  // Not through `whileReading`: this runs on every call, and a closure and the subject's text
  // would be built for each.
  let result: v.SafeParseResult<Schema>;
  try {
    // valibot's objects take an array (its keys are indexes), so `list([])` would be sent as
    // `list({})`: an array where options or a request belong is a mistake. Inside the `try`:
    // `Array.isArray` throws on a revoked Proxy.
    if (Array.isArray(value) && "entries" in schema)
      throw new CohereError(
        `Invalid ${what}: ${(schema as { message?: string }).message ?? "must be an object"} (got an array)`,
      );
    result = v.safeParse(schema, value);
  } catch (error) {
    throw unreadable(`Invalid ${what}: it`, error);
  }
  if (result.success) return result.output;
  // A strict object reports an unknown key as "expected never".
  const issue = result.issues.find((candidate) => candidate.expected === "never") ?? result.issues[0];
  const field = issuePath(issue);
  // A message that names the entry at fault says all (the object's kind would mislead).
  const problem = issue.message.endsWith(ENTRY_AT_FAULT) ? issue.message : describeProblem(issue, field, schema);
  throw new CohereError(`Invalid ${what}: ${field ? `${field} ` : ""}${problem}`);
}

function describeProblem(issue: v.BaseIssue<unknown>, field: string, schema: v.GenericSchema): string {
  if (issue.expected === "never") {
    const known = "entries" in schema ? Object.keys(schema.entries as object) : [];
    const suggestion = suggestSpelling(field, known);
    return suggestion === undefined
      ? "is not a known field (misspelt?)"
      : `is not a known field; did you mean ${suggestion}?`;
  }
  // A missing key: valibot expects the key's name and received undefined.
  const key = issue.path?.[issue.path.length - 1]?.key;
  if (issue.received === "undefined" && issue.expected === `"${String(key)}"`) return "is required";
  // Never echo a secret, even a malformed one: it may be a real key with a typo.
  const shown = field === "token" ? "a value that is not shown" : describeValue(issue.input);
  return `${issue.message} (got ${shown})`;
}

/**
 * Runs `read` over caller input; what it throws (a getter or a `Proxy` that throws as the input
 * is read) is bad input too: `"<subject> could not be read (<why>)"`, before anything is sent.
 * The SDK's own refusals (`CohereError`s) pass as they are.
 */
export function whileReading<T>(subject: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw unreadable(subject, error);
  }
}

export function unreadable(subject: string, error: unknown): CohereError {
  if (CohereError.is(error)) return error;
  return new CohereError(`${subject} could not be read (${describeCause(error)})`, { cause: error });
}

/** The known key an unknown one means when only the case style differs: `inputDatasetId` -> `input_dataset_id`. */
export function suggestSpelling(key: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => name.replace(/[_-]/g, "").toLowerCase();
  return known.find((name) => name !== key && bare(name) === bare(key));
}

/** Where a valibot issue is, as a dotted path (`batches.3.status`); empty at the top level. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join(".") ?? "";
}

/** A short, safe rendering of a bad value: enough to recognise it, never a whole secret. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "string")
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/**
 * True for a usable API key: visible ASCII without spaces. Anything else could not be sent
 * intact (Headers trims spaces, fetch refuses non-Latin-1) or is a paste accident (a trailing
 * newline).
 */
export function isToken(value: unknown): value is string {
  return typeof value === "string" && /^[\x21-\x7E]+$/.test(value);
}
