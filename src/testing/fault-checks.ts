/**
 * The checks of what `inject` is given: a fault of a known type with the fields it takes, each
 * in range, and an operation the fake serves. A fault that could not be sent fails the
 * `inject`, not a later request.
 */
import { faultFields, fieldNames } from "./fault-fields.js";
import type { Fault, FaultTarget, StatusFault } from "./faults.js";
import { checkBoolean, checkKnownKeys } from "./option-checks.js";

/** The targets `inject` takes: typed as a record so that a new operation cannot be left out. */
const targets: Readonly<Record<FaultTarget, true>> = {
  "*": true,
  list: true,
  create: true,
  retrieve: true,
  cancel: true,
  "datasets.create": true,
  "datasets.retrieve": true,
  "datasets.list": true,
  "datasets.delete": true,
  "datasets.usage": true,
  "datasets.download": true,
  unknown: true,
};

/**
 * Throws a `TypeError` unless `target` is an operation or `"*"`: what {@link FakeCohere.inject}
 * and {@link FakeCohere.count} take.
 */
export function checkFaultTarget(target: unknown): asserts target is FaultTarget {
  if (typeof target !== "string" || !Object.hasOwn(targets, target))
    throw new TypeError(
      `the operation must be one of ${Object.keys(targets).join(", ")}, got ${JSON.stringify(target)}`,
    );
}

// The longest wait setTimeout takes: a longer one fires at once (with a warning in Node).
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// A field value as an error message shows it.
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? `${value}n` : String(value);
}

/**
 * Checks a header a status fault sends as `fetch` and Node's HTTP server would when the fault
 * fires: a name that is a token, a value without control characters other than tab (a line break
 * would split the header; `Headers` lets other control characters through, Node refuses them).
 */
function checkHeader(field: string, name: string, value: unknown): void {
  if (typeof value !== "string") throw new TypeError(`status fault: ${field} must be a string, got ${shown(value)}`);
  let normalized: string;
  try {
    normalized = new Headers([[name, value]]).get(name) ?? "";
  } catch (error) {
    throw new TypeError(`status fault: ${field}: ${(error as Error).message}`, { cause: error });
  }
  if (/[^\t\x20-\x7e\x80-\xff]/.test(normalized))
    throw new TypeError(
      `status fault: ${field}: ${JSON.stringify(value)} holds a control character (HTTP allows only tab)`,
    );
}

function checkStatusHeaders(fault: StatusFault): void {
  const headers: unknown = fault.headers;
  let entries: [string, unknown][] = [];
  let tag: string | undefined;
  try {
    if (headers !== undefined) {
      // An object of names to values, of any realm: a Headers or a Map keeps its entries where
      // Object.entries does not see them (they were dropped).
      tag = typeof headers === "object" && headers !== null ? Object.prototype.toString.call(headers) : undefined;
      if (tag === "[object Object]") entries = Object.entries(headers as object);
    }
  } catch (error) {
    throw new TypeError(`status fault: headers could not be read (${String(error)})`);
  }
  if (headers !== undefined && tag !== "[object Object]")
    throw new TypeError(
      `status fault: headers must be an object of header names to values, got ${Array.isArray(headers) ? "an array" : tag ? `a ${tag.slice(8, -1)}` : shown(headers)}`,
    );
  for (const [name, value] of entries) checkHeader(`headers[${JSON.stringify(name)}]`, name, value);
  if (fault.retryAfter !== undefined) checkHeader("retryAfter", "retry-after", fault.retryAfter);
}

// Serialised once here, so that a body JSON cannot write (a BigInt, a cycle) is refused now and
// not when a request takes the fault.
function checkStatusBody(body: unknown): void {
  if (body === undefined || typeof body === "string") return;
  const what = "status fault: body must be a string or a JSON-serialisable object";
  let json: string | undefined;
  try {
    json = typeof body === "object" && body !== null ? JSON.stringify(body) : undefined;
  } catch (error) {
    throw new TypeError(`${what}: ${(error as Error).message}`, { cause: error });
  }
  if (json === undefined) throw new TypeError(`${what}, got ${shown(body)}`);
}

export function checkFault(fault: Fault): void {
  checkFaultFields(fault);
  if (fault.type === "status") {
    checkStatusFault(fault);
  } else if (fault.type === "delay") {
    if (!Number.isFinite(fault.ms) || fault.ms < 0 || fault.ms > MAX_TIMEOUT_MS) {
      throw new RangeError(
        `delay fault: ms must be a finite number from 0 to ${MAX_TIMEOUT_MS} (setTimeout's limit), got ${shown(fault.ms)}`,
      );
    }
  } else if (fault.type === "truncate") {
    if (fault.bytes !== undefined && !(Number.isSafeInteger(fault.bytes) && fault.bytes >= 0)) {
      throw new RangeError(`truncate fault: bytes must be an integer >= 0, got ${shown(fault.bytes)}`);
    }
  } else if (fault.type === "malformed-body") {
    if (fault.body !== undefined && typeof fault.body !== "string") {
      throw new TypeError(`malformed-body fault: body must be a string, got ${shown(fault.body)}`);
    }
  } else if (fault.type === "drop" || fault.type === "reset-mid-body") {
    checkBoolean(`${fault.type} fault: afterAction`, fault.afterAction);
  }
}

/** Refuses a fault of no known type, or with a field its type does not take (own or inherited). */
function checkFaultFields(fault: Fault): void {
  const type: unknown = typeof fault === "object" && fault !== null ? fault.type : undefined;
  if (typeof type !== "string" || !Object.hasOwn(faultFields, type))
    throw new TypeError(
      `fault must be an object whose type is one of ${Object.keys(faultFields).join(", ")}, got ${typeof fault === "object" && fault !== null ? JSON.stringify(type) : String(fault)}`,
    );
  checkKnownKeys<Fault>(`${type} fault`, fault, faultFields[type as Fault["type"]]);
  // A field a class or a prototype gives is read as an own one is (see `keptCopy`): one misspelt
  // there was ignored where an own one was refused.
  const known = faultFields[type as Fault["type"]];
  for (const key of fieldNames(fault))
    if (!Object.hasOwn(known, key))
      throw new TypeError(`${type} fault.${key} is not an option (misspelt?); known: ${Object.keys(known).join(", ")}`);
}

function checkStatusFault(fault: StatusFault): void {
  if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
    throw new RangeError(`status fault: status must be an integer from 200 to 599, got ${String(fault.status)}`);
  }
  if (
    fault.retryAfterMs !== undefined &&
    !(typeof fault.retryAfterMs === "number" && Number.isFinite(fault.retryAfterMs) && fault.retryAfterMs >= 0)
  ) {
    throw new RangeError(`status fault: retryAfterMs must be a finite number >= 0, got ${shown(fault.retryAfterMs)}`);
  }
  checkStatusHeaders(fault);
  checkStatusBody(fault.body);
  checkBoolean(`${fault.type} fault: afterAction`, fault.afterAction);
}
