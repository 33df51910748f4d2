/**
 * Reads and checks the body of `POST /v2/batches`.
 *
 * The spec's request body is a whole `Batch`: only `name`, `input_dataset_id` and `model` are
 * used; output-only fields (`id`, `status`, ...) are ignored, and so are unknown fields, as
 * Cohere's API does for forward compatibility.
 *
 * @packageDocumentation
 */

/** The fields of a create request that matter. */
export interface CreateRequest {
  readonly name: string;
  readonly inputDatasetId: string;
  readonly model: string;
  /**
   * The body in a canonical form (keys sorted, whitespace dropped), so that an
   * `Idempotency-Key` replay can tell "same body" from "different body" without being fooled
   * by formatting.
   */
  readonly fingerprint: string;
}

/** Why a create request was refused (a 400 message naming the field). */
export interface CreateRequestError {
  readonly error: string;
}

const REQUIRED_FIELDS = ["name", "input_dataset_id", "model"] as const;

/**
 * `value` (parsed JSON) as JSON with every object's keys sorted. Iterative, with a stack of its
 * own: JSON.parse takes bodies nested deeper than a recursive walk could go (10,000 arrays deep
 * overflows the call stack), and such a body must get the answer any other body gets.
 */
function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Values still to write (boxed, since a value may itself be a string) and literal text.
  const stack: ({ readonly value: unknown } | string)[] = [{ value }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const current = item.value;
    if (Array.isArray(current)) {
      out.push("[");
      stack.push("]");
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i] });
        if (i > 0) stack.push(",");
      }
    } else if (current !== null && typeof current === "object") {
      out.push("{");
      stack.push("}");
      pushSortedEntries(current, stack);
    } else {
      out.push(JSON.stringify(current));
    }
  }
  return out.join("");
}

/** Pushes an object's members onto `canonicalJson`'s stack, keys sorted, so that they pop in order. */
function pushSortedEntries(object: object, stack: ({ readonly value: unknown } | string)[]): void {
  const entries = Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = entries.length - 1; i >= 0; i--) {
    const [key, child] = entries[i] as [string, unknown];
    stack.push({ value: child }, `${JSON.stringify(key)}:`);
    if (i > 0) stack.push(",");
  }
}

/**
 * Parses a create body.
 *
 * @example
 * ```ts
 * parseCreateRequest('{"name":"n","input_dataset_id":"d","model":"m"}'); // { name: "n", ... }
 * parseCreateRequest('{"name":"n"}'); // { error: "input_dataset_id is required" }
 * ```
 */
export function parseCreateRequest(text: string): CreateRequest | CreateRequestError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: "request body must be valid JSON" };
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { error: "request body must be a JSON object (a Batch)" };
  }
  const fields = body as Record<string, unknown>;
  for (const field of REQUIRED_FIELDS) {
    const value = fields[field];
    if (value === undefined || value === null || value === "") return { error: `${field} is required` };
    if (typeof value !== "string") return { error: `${field} must be a string` };
    if (value.trim() === "") return { error: `${field} must not be blank` };
  }
  return {
    name: fields["name"] as string,
    inputDatasetId: fields["input_dataset_id"] as string,
    model: fields["model"] as string,
    fingerprint: canonicalJson(body),
  };
}
