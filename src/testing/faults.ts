/**
 * Injectable faults: what can go wrong between a client and Cohere, on demand.
 *
 * @packageDocumentation
 */
import { checkBoolean, checkKnownKeys } from "./option-checks.js";
import type { Operation } from "./wire.js";

/**
 * Answer with an HTTP status (for example a 429 with `Retry-After`, or a 503).
 *
 * The operation is not performed unless `afterAction` is set, which models "the server did the
 * work but the answer was an error" (the case that makes retrying a create dangerous).
 */
export interface StatusFault {
  /** The kind of fault: `"status"`. */
  readonly type: "status";
  /** The HTTP status, 200 to 599. */
  readonly status: number;
  /**
   * The body: an object is sent as JSON (it must be serialisable), a string as is (it may be HTML
   * or plain text), labelled as a server would label it: `application/json` if it parses as JSON,
   * `text/html; charset=utf-8` if it starts with `<`, else `text/plain; charset=utf-8` (a
   * `content-type` in `headers` wins).
   * @default `{ "message": "<reason phrase>" }`
   */
  readonly body?: string | object | undefined;
  /** Extra or overriding response headers (valid names; values without control characters but tab). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A `Retry-After` header value: seconds (`"2"`) or an HTTP date. */
  readonly retryAfter?: string | undefined;
  /** A `retry-after-ms` header value, in milliseconds: a finite number >= 0. */
  readonly retryAfterMs?: number | undefined;
  /** Perform the operation first (e.g. create the batch), then answer with this status. @default false */
  readonly afterAction?: boolean | undefined;
}

/**
 * Wait `ms` of real time (setTimeout, whatever the fake's clock) before handling the request
 * normally. Aborting the request during the wait rejects with the signal's reason and the
 * operation is not performed.
 */
export interface DelayFault {
  /** The kind of fault: `"delay"`. */
  readonly type: "delay";
  /** Real milliseconds to wait before the response headers: 0 to 2^31-1 (setTimeout's limit). */
  readonly ms: number;
}

/**
 * Send the response headers and the first half of the body, then nothing more: the body never
 * ends until the request is aborted (or, over HTTP, the socket closes). The operation is
 * performed. Tests a client's body timeout.
 */
export interface StallBodyFault {
  /** The kind of fault: `"stall-body"`. */
  readonly type: "stall-body";
}

/**
 * Lose the connection without any response. Over HTTP the server destroys the socket; through
 * `fake.fetch` the call rejects with `TypeError("fetch failed")`, as `fetch` does.
 */
export interface DropFault {
  /** The kind of fault: `"drop"`. */
  readonly type: "drop";
  /** Perform the operation before dropping the connection. @default false */
  readonly afterAction?: boolean | undefined;
}

/**
 * Send the response headers and part of the body, then reset the connection. Over HTTP the
 * server destroys the socket; through `fake.fetch` reading the body rejects with
 * `TypeError("terminated")`, as `fetch` does.
 *
 * With `afterAction` the operation is performed and the partial body is the first half of the
 * real one; without it, nothing is performed and the partial body is a bare JSON prefix. A
 * `datasets.download` acts on nothing: its partial body is always the first half of the part.
 */
export interface ResetMidBodyFault {
  /** The kind of fault: `"reset-mid-body"`. */
  readonly type: "reset-mid-body";
  /** Perform the operation before the partial answer. @default false */
  readonly afterAction?: boolean | undefined;
}

/** Answer 200 with a body that is not JSON. The operation is performed, as the 200 says. */
export interface MalformedBodyFault {
  /** The kind of fault: `"malformed-body"`. */
  readonly type: "malformed-body";
  /**
   * The body text: labelled `application/json` (broken JSON), or `text/html; charset=utf-8` if it
   * starts with `<` (a proxy's page).
   * @default "{not json"
   */
  readonly body?: string | undefined;
}

/** Answer 200 with an empty body. The operation is performed. */
export interface EmptyBodyFault {
  /** The kind of fault: `"empty-body"`. */
  readonly type: "empty-body";
}

/** Answer 200 with `{}`, which lacks the required `batch` of create and retrieve. The operation is performed. */
export interface MissingFieldFault {
  /** The kind of fault: `"missing-field"`. */
  readonly type: "missing-field";
}

/**
 * Answer with the start of the real body only, its `Content-Length` saying that is all: a file
 * cut short at the source. The operation is performed. On a download of an output part, a cut
 * inside a block is a corrupt file to the SDK (a `CohereParseError`, not read again); a cut
 * between two blocks ends the part short of its `num_rows` (read again, then an error if it
 * ends short at the same count).
 */
export interface TruncateFault {
  /** The kind of fault: `"truncate"`. */
  readonly type: "truncate";
  /** How many bytes of the body to send, an integer >= 0 (more than the body has sends it whole). @default 60% of them */
  readonly bytes?: number | undefined;
}

/**
 * Everything {@link FakeCohere.inject} can make go wrong.
 *
 * @example
 * ```ts
 * fake.inject("create", { type: "status", status: 429, retryAfter: "1" }, { times: 2 });
 * fake.inject("*", { type: "drop" });
 * ```
 */
export type Fault =
  | StatusFault
  | DelayFault
  | StallBodyFault
  | DropFault
  | ResetMidBodyFault
  | MalformedBodyFault
  | EmptyBodyFault
  | MissingFieldFault
  | TruncateFault;

/** Which requests a fault applies to: one operation, or `"*"` for any request at all. */
export type FaultTarget = Operation | "*";

/** Options of {@link FakeCohere.inject}. */
export interface InjectOptions {
  /** How many matching requests get the fault: a positive integer or `Infinity`. @default 1 */
  times?: number | undefined;
  /** How many matching requests go by before the fault applies (3: from the fourth download on). @default 0 */
  skip?: number | undefined;
}

interface PendingFault {
  readonly target: FaultTarget;
  readonly fault: Fault;
  remaining: number;
  skip: number;
}

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

/** Each fault type with the fields it takes: typed by the fault interfaces, so none is left out. */
const faultFields: { readonly [K in Fault["type"]]: Readonly<Record<keyof Extract<Fault, { type: K }>, true>> } = {
  status: {
    type: true,
    status: true,
    body: true,
    headers: true,
    retryAfter: true,
    retryAfterMs: true,
    afterAction: true,
  },
  delay: { type: true, ms: true },
  "stall-body": { type: true },
  drop: { type: true, afterAction: true },
  "reset-mid-body": { type: true, afterAction: true },
  "malformed-body": { type: true, body: true },
  "empty-body": { type: true },
  "missing-field": { type: true },
  truncate: { type: true, bytes: true },
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

/**
 * The fault as it was checked: a test that changes its object after `inject` (a `status` of
 * 999) made a later request fail with a raw `RangeError` from `new Response`.
 */
function keptCopy(fault: Fault): Fault {
  // The fields the check read, inherited ones too (a class's getter, `Object.create(fault)`),
  // each read once: the type first, whose fields are then read (a getter that answers another
  // type the second time is checked as it answered, by the check of the copy).
  const type: unknown = fault.type;
  const copy: Record<string, unknown> = { type };
  if (typeof type !== "string" || !Object.hasOwn(faultFields, type)) return copy as unknown as Fault;
  for (const key of Object.keys(faultFields[type as Fault["type"]])) {
    if (key === "type") continue;
    const value = (fault as unknown as Record<string, unknown>)[key];
    if (value !== undefined) copy[key] = value;
  }
  if (typeof copy.headers === "object" && copy.headers !== null) copy.headers = { ...copy.headers };
  // Checked to be JSON already: a copy through JSON is the body that will be sent.
  if (typeof copy.body === "object" && copy.body !== null) copy.body = JSON.parse(JSON.stringify(copy.body));
  return Object.freeze(copy) as unknown as Fault;
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

/**
 * Every name a fault has, own (enumerable or not) and given by its prototypes (a class's,
 * `Object.create`'s) below `Object.prototype`.
 */
function fieldNames(fault: object): string[] {
  const names: string[] = [];
  for (let at: object | null = fault; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at))
    for (const name of Object.getOwnPropertyNames(at)) if (name !== "constructor") names.push(name);
  return names;
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

function checkFault(fault: Fault): void {
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
  if (fault.type === "status") {
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

/**
 * The pending faults, first injected first served.
 *
 * A request takes the oldest pending fault whose target is its operation or `"*"`; each use
 * counts down that fault's `times`.
 */
export class FaultQueue {
  readonly #pending: PendingFault[] = [];

  /**
   * Queues a fault.
   *
   * @throws RangeError for an invalid `times` or `skip`, or a fault field out of range (status,
   * `retryAfterMs`, delay `ms`, truncate `bytes`); TypeError for an unknown operation, fault type
   * or field, or a field of the wrong type (a body JSON cannot serialise, an invalid header).
   */
  add(target: FaultTarget, fault: Fault, options: InjectOptions = {}): void {
    checkFaultTarget(target);
    checkKnownKeys<InjectOptions>("inject options", options, { times: true, skip: true });
    const times = options.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${String(times)}`);
    }
    const skip = options.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be an integer >= 0, got ${String(skip)}`);
    checkFault(fault);
    // Kept as read now, and checked as kept: a getter may answer differently the second time.
    const kept = keptCopy(fault);
    checkFault(kept);
    this.#pending.push({ target, fault: kept, remaining: times, skip });
  }

  /** Takes the fault for a request of `operation`, if one is pending. */
  take(operation: Operation): Fault | undefined {
    const matching = this.#pending.filter((p) => p.target === "*" || p.target === operation);
    // Faults still skipping count this request (whatever answers it) and let it through.
    const pending = matching.find((p) => p.skip === 0);
    for (const waiting of matching) if (waiting.skip > 0) waiting.skip--;
    if (!pending) return undefined;
    const index = this.#pending.indexOf(pending);
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.#pending.splice(index, 1);
    return pending.fault;
  }

  /** How many fault uses are still pending (Infinity if any fault is unlimited). */
  get size(): number {
    return this.#pending.reduce((sum, p) => sum + p.remaining, 0);
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#pending.length = 0;
  }
}
