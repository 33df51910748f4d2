import { isNotBlank } from "./idempotency-key-sent.js";
import type { OperationName } from "./middleware.js";
import * as v from "valibot";
import { abortSignalSchema } from "./caller-signal.js";
import { checkInput } from "./input.js";
import {
  byteCountSchema,
  functionSchema,
  isWellFormed,
  plainObjectSchema,
  headersSchema,
  headerValueSchema,
  nonEmptyStringSchema,
  retryCountSchema,
  secondsSchema,
} from "./input-schemas.js";

/**
 * What `shouldRetry` is told about a failed attempt, before the SDK decides whether to retry.
 * @public
 */
export interface RetryInfo {
  /** The SDK operation, e.g. `"batches.retrieve"`. */
  readonly operation: OperationName;
  /** The attempt that failed: 1 for the first. */
  readonly attempt: number;
  /** The HTTP status, when the server answered. */
  readonly status?: number;
  /** The typed error of the failed attempt (`ApiError`, `CohereTimeoutError`, `CohereConnectionError`, ...). */
  readonly error: unknown;
  /**
   * How long the SDK waits before the retry: the server's `Retry-After`, else the backoff. A
   * `Retry-After` longer than 60 s is given in full, and is not waited: the error is thrown,
   * whatever `shouldRetry` says.
   */
  readonly delayInSeconds: number;
}

/**
 * Decides a retry: `true` retries (within `maxRetries`), `false` stops (the error is thrown),
 * `undefined` (or no `return`: a `shouldRetry` that only watches) leaves it to the SDK's rule.
 * It can never make the SDK send again a request that is not idempotent (a `create` without an
 * `Idempotency-Key`) where the server may have acted on it, nor a one-shot stream body, nor a
 * request refused before sending, nor wait out a `Retry-After` longer than 60 s (the error is
 * thrown at once). It answers at once: a `shouldRetry` that throws, or returns anything else (a
 * promise included), is reported with `console.warn` and the SDK's rule applies.
 * @public
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a function with no `return` is typed as returning `void`
export type ShouldRetry = (info: RetryInfo) => boolean | undefined | void;

/**
 * Options for one call, given as the last argument of every method.
 *
 * @example
 * ```ts
 * await client.batches.create(
 *   { name: "nightly", input_dataset_id: "ds-1", model: "command-r" },
 *   { idempotencyKey: "nightly-2026-11-29", timeoutInSeconds: 30 },
 * );
 * ```
 * @public
 */
export interface RequestOptions {
  /**
   * Time limit for each attempt, covering the response headers and the body.
   * @defaultValue the client's `timeoutInSeconds` (300)
   */
  timeoutInSeconds?: number | undefined;
  /**
   * How many times a failed attempt is retried; 0 disables retries.
   * @defaultValue the client's `maxRetries` (2)
   */
  maxRetries?: number | undefined;
  /**
   * The largest response body read, in bytes; a larger one is a `CohereParseError` and is not
   * read further.
   * @defaultValue the client's `maxResponseBytes` (64 MiB)
   */
  maxResponseBytes?: number | undefined;
  /** Cancels the call: the attempt in flight and any wait between attempts. */
  abortSignal?: AbortSignal | undefined;
  /**
   * Headers added to this call's requests (after the client's `headers`); not `Authorization`
   * or `Content-Type`, which the SDK sets. An entry set to `undefined` is left out.
   */
  headers?: Record<string, string | undefined> | undefined;
  /**
   * Extra query parameters, for fields this SDK does not know yet. An entry set to `undefined`
   * is left out; one that names a field the request sets (`page_size` with `list({ page_size })`)
   * is refused with a `CohereError`, before sending: it would send what the checks never saw.
   */
  queryParams?: Record<string, string | number | boolean | undefined> | undefined;
  /**
   * Extra JSON body fields, for fields this SDK does not know yet. A `GET` (`list`, `retrieve`,
   * `datasets.usage`) has no body and an upload (`datasets.create`) sends a file: both refuse
   * them with a `CohereError`, before sending. An entry set to `undefined` is left out, as JSON
   * leaves it out; one that names a field the request sets (`name` on a `create`) is refused.
   */
  bodyParams?: Record<string, unknown> | undefined;
  /**
   * Sent as `Idempotency-Key`. The same key goes with every attempt, which lets the SDK retry a
   * `create` after failures where the server may have acted (a 500, a timeout).
   *
   * The rule follows what is sent: a `create` is retried like the others when its request
   * carries an `Idempotency-Key` header, whether from this option, the `headers` option, or a
   * call-phase plugin that sets it; without one, only where the server certainly did not act.
   */
  idempotencyKey?: string | undefined;
  /**
   * Steers retries: called before each retry decision with the failed attempt and the delay
   * the SDK plans. See `ShouldRetry`.
   * @defaultValue the client's `shouldRetry`
   * @example
   * ```ts
   * // Also retry a 501 from a flaky proxy; never wait more than 2 s.
   * await client.batches.retrieve(batchId, {
   *   shouldRetry: ({ status, delayInSeconds }) => (delayInSeconds > 2 ? false : status === 501 ? true : undefined),
   * });
   * ```
   */
  shouldRetry?: ShouldRetry | undefined;
  /**
   * Your own data for this call, passed untouched to middleware as `context.options.context`
   * (a trace id, a tenant, a cache policy). Never sent.
   */
  context?: Record<string, unknown> | undefined;
}

/**
 * A call's options with the client's defaults filled in, as middleware see them in
 * `context.options`.
 * @public
 */
export interface ResolvedRequestOptions
  // Read-only: the object is frozen (a plugin's write would change later calls, or fail this one).
  extends Readonly<
    Omit<
      RequestOptions,
      "timeoutInSeconds" | "maxRetries" | "maxResponseBytes" | "headers" | "queryParams" | "bodyParams"
    >
  > {
  /** The call's extra headers: a frozen copy, taken when they were checked. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The call's extra query parameters: a frozen copy, taken when they were checked. */
  readonly queryParams?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The call's extra body fields: a frozen copy (of the top level), taken when they were checked. */
  readonly bodyParams?: Readonly<Record<string, unknown>> | undefined;
  /** Time limit for each attempt, in seconds. */
  readonly timeoutInSeconds: number;
  /** How many times a failed attempt may be retried. */
  readonly maxRetries: number;
  /** The largest response body read, in bytes. */
  readonly maxResponseBytes: number;
}

/** A `shouldRetry` option: a function (what it returns is checked when it is called). */
export const shouldRetrySchema = functionSchema<ShouldRetry>();

export const requestOptionsSchema = v.strictObject(
  {
    timeoutInSeconds: v.optional(secondsSchema),
    maxRetries: v.optional(retryCountSchema),
    maxResponseBytes: v.optional(byteCountSchema),
    abortSignal: v.optional(abortSignalSchema),
    headers: v.optional(headersSchema),
    queryParams: v.optional(
      plainObjectSchema<Record<string, string | number | boolean>>(
        (name, value) =>
          name !== "" &&
          isWellFormed(name) &&
          ((typeof value === "string" && isWellFormed(value)) ||
            typeof value === "boolean" ||
            (typeof value === "number" && Number.isFinite(value))),
        "must be an object of strings, finite numbers or booleans, without lone UTF-16 surrogates",
      ),
    ),
    bodyParams: v.optional(plainObjectSchema<Record<string, unknown>>(() => true, "must be a plain object")),
    // A blank key is none: fetch trims it to nothing.
    idempotencyKey: v.optional(
      v.pipe(nonEmptyStringSchema, headerValueSchema, v.check(isNotBlank, "must not be blank")),
    ),
    shouldRetry: v.optional(shouldRetrySchema),
    // Passed on as the caller's own object, so middleware can also write to it.
    context: v.optional(
      v.custom<Record<string, unknown>>(
        (value) => typeof value === "object" && value !== null && !Array.isArray(value),
        "must be an object",
      ),
    ),
  },
  "must be an object of request options",
);

/** The defaults a client gives every call. */
export interface RequestDefaults {
  readonly timeoutInSeconds: number;
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  readonly shouldRetry?: ShouldRetry | undefined;
}

/** Checks a call's options and fills in the client's defaults. Throws `CohereError` naming the bad field. */
export function resolveRequestOptions(
  defaults: RequestDefaults,
  options: RequestOptions | undefined,
): ResolvedRequestOptions {
  // The common call has no options: skip the schema walk on the hot path.
  if (options === undefined) return defaults;
  const checked = checkInput(requestOptionsSchema, options, "request options");
  // Frozen, as the client's defaults are: `context.options` is read-only for plugins either way.
  return Object.freeze({
    ...checked,
    timeoutInSeconds: checked.timeoutInSeconds ?? defaults.timeoutInSeconds,
    maxRetries: checked.maxRetries ?? defaults.maxRetries,
    maxResponseBytes: checked.maxResponseBytes ?? defaults.maxResponseBytes,
    shouldRetry: checked.shouldRetry ?? defaults.shouldRetry,
  });
}
