/**
 * Injectable faults: what can go wrong between a client and Cohere, on demand.
 *
 * @packageDocumentation
 */
import type { Operation } from "./wire.js";

/**
 * Answer with an HTTP status (for example a 429 with `Retry-After`, or a 503).
 *
 * The operation is not performed unless `afterAction` is set, which models "the server did the
 * work but the answer was an error" (the case that makes retrying a create dangerous).
 * @public
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
  /** A `retry-after-ms` header value, in milliseconds: a finite number, 0 or more. */
  readonly retryAfterMs?: number | undefined;
  /** Perform the operation first (e.g. create the batch), then answer with this status. @default false */
  readonly afterAction?: boolean | undefined;
}

/**
 * Wait `ms` of real time (setTimeout, whatever the fake's clock) before handling the request
 * normally. Aborting the request during the wait rejects with the signal's reason and the
 * operation is not performed.
 * @public
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
 * @public
 */
export interface StallBodyFault {
  /** The kind of fault: `"stall-body"`. */
  readonly type: "stall-body";
}

/**
 * Lose the connection without any response. Over HTTP the server destroys the socket; through
 * `fake.fetch` the call rejects with `TypeError("fetch failed")`, as `fetch` does.
 * @public
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
 * @public
 */
export interface ResetMidBodyFault {
  /** The kind of fault: `"reset-mid-body"`. */
  readonly type: "reset-mid-body";
  /** Perform the operation before the partial answer. @default false */
  readonly afterAction?: boolean | undefined;
}

/**
 * Answer 200 with a body that is not JSON. The operation is performed, as the 200 says.
 *
 * @public
 */
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

/**
 * Answer 200 with an empty body. The operation is performed.
 *
 * @public
 */
export interface EmptyBodyFault {
  /** The kind of fault: `"empty-body"`. */
  readonly type: "empty-body";
}

/**
 * Answer 200 with `{}`, which lacks the required `batch` of create and retrieve. The operation is performed.
 *
 * @public
 */
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
 * @public
 */
export interface TruncateFault {
  /** The kind of fault: `"truncate"`. */
  readonly type: "truncate";
  /** How many bytes of the body to send, an integer, 0 or more (more than the body has sends it whole). @default 60% of them */
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
 * @public
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

/**
 * Which requests a fault applies to: one operation, or `"*"` for any request at all.
 *
 * @public
 */
export type FaultTarget = Operation | "*";

/**
 * Options of {@link FakeCohere.inject}.
 *
 * @public
 */
export interface InjectOptions {
  /** How many matching requests get the fault: a positive integer or `Infinity`. @default 1 */
  times?: number | undefined;
  /** How many matching requests go by before the fault applies (3: from the fourth download on). @default 0 */
  skip?: number | undefined;
}
