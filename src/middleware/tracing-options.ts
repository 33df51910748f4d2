import * as v from "valibot";
import { CohereError } from "../core/errors/cohere-error.js";
import { checkInput, describeValue } from "../core/input.js";
import { functionSchema, isHeaderName } from "../core/input-schemas.js";
import { ignore } from "../internal/ignore.js";
import { isThenable } from "../internal/user-callback.js";
import type { TracingOptions } from "./tracing.js";

/** `tracingMiddleware`'s options, checked and with their defaults. */
export interface TracingSettings {
  readonly callHeader: string;
  readonly attemptHeader: string;
  /** The caller's `createId`, whose every id is checked, or `crypto.randomUUID`. */
  readonly createId: () => string;
  /** The caller's `onAttempt`, read once with the others (a getter is not run per attempt). */
  readonly onAttempt: TracingOptions["onAttempt"];
}

/** The options, or a `CohereError` saying which is wrong. */
export function checkedTracingOptions(options: TracingOptions): TracingSettings {
  // Each option read once, as checked: a getter is not run again, a later change is not seen.
  const checked = checkInput(tracingOptionsSchema(), options, "tracingMiddleware options");
  const callHeader = checked.callHeader ?? "X-Client-Request-Id";
  const attemptHeader = checked.attemptHeader ?? "X-Client-Attempt-Id";
  if (callHeader.toLowerCase() === attemptHeader.toLowerCase())
    throw new CohereError(
      `Invalid tracingMiddleware options: callHeader and attemptHeader must differ (both ${JSON.stringify(callHeader)})`,
    );
  return { callHeader, attemptHeader, createId: checkedIdMaker(checked.createId), onAttempt: checked.onAttempt };
}

function tracingOptionsSchema() {
  // Built when called, not at module level: a bundle that never traces must not carry it
  // (bundlers keep a module-level schema whether or not it is used).
  const headerName = v.pipe(
    v.string("must be a string"),
    v.check(isHeaderName, "must be a valid header name"),
    // An id there replaced the token (a 401), the body's type, the caller's Idempotency-Key (a
    // new key per attempt: two batches), the SDK's own headers, or framed the request.
    v.check((name) => !sdkOrFetchHeaders.test(name), "must not be a header the SDK or fetch sets"),
  );
  return v.strictObject(
    {
      callHeader: v.optional(headerName),
      attemptHeader: v.optional(headerName),
      createId: v.optional(functionSchema<() => string>()),
      onAttempt: v.optional(functionSchema<TracingOptions["onAttempt"]>()),
    },
    "must be an object { callHeader?, attemptHeader?, createId?, onAttempt? }",
  );
}

/** Headers the SDK, the OpenTelemetry plugin or fetch set, or that fetch refuses from a caller. */
const sdkOrFetchHeaders =
  /^(authorization|content-type|content-length|accept|user-agent|x-client-name|idempotency-key|traceparent|tracestate|host|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect)$/i;

function checkedIdMaker(given: (() => string) | undefined): () => string {
  // An id that is not text was sent as "123", "undefined" or "[object Promise]".
  return given === undefined
    ? () => crypto.randomUUID()
    : () => {
        const id: unknown = given();
        if (typeof id !== "string" || id === "") {
          // A promise refused is let go: its rejection was left unhandled (a crash in Node).
          if (isThenable(id)) settle(id);
          throw new CohereError(`tracingMiddleware: createId must return a non-empty string (got ${describeId(id)})`);
        }
        return boundedId(id, "createId must return");
      };
}

/**
 * `id`, or a `CohereError` past 256 characters (an id is sent in a header of every attempt, and
 * megabytes of it were megabytes of headers on every request) or with a space or tab at an end.
 */
export function boundedId(id: string, what: string): string {
  if (id.length > 256) throw new CohereError(`tracingMiddleware: ${what} at most 256 characters (got ${id.length})`);
  // fetch trims a header value's spaces and tabs: the id sent would not be the one `onAttempt`
  // and the caller's logs hold.
  if (/^[ \t]|[ \t]$/.test(id))
    throw new CohereError(
      `tracingMiddleware: ${what} without spaces or tabs at either end (got ${JSON.stringify(id)})`,
    );
  return id;
}

function settle(promise: PromiseLike<unknown>): void {
  try {
    promise.then(undefined, ignore);
  } catch {
    // A thenable whose `then` throws has no rejection to leave unhandled.
  }
}

/** What `createId` gave, for its message: `describeValue`, with the two mistakes it makes most. */
function describeId(id: unknown): string {
  if (id === "") return "an empty string";
  return isThenable(id) ? "a promise" : describeValue(id);
}
