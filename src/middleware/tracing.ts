import * as v from "valibot";
import { CohereError } from "../core/errors/cohere-error.js";
import { checkInput, describeValue } from "../core/input.js";
import { functionSchema, isHeaderName } from "../core/input-schemas.js";
import type { MiddlewareContext, OperationName } from "../core/middleware.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import { callUserCallback } from "../internal/user-callback.js";

/** Options of `tracingMiddleware`. @public */
export interface TracingOptions {
  /**
   * The header that carries the call's id, the same on every attempt.
   * @defaultValue "X-Client-Request-Id"
   */
  callHeader?: string | undefined;
  /**
   * The header that carries the attempt's id, new for each attempt.
   * @defaultValue "X-Client-Attempt-Id"
   */
  attemptHeader?: string | undefined;
  /** Makes ids. @defaultValue crypto.randomUUID */
  createId?: (() => string) | undefined;
  /** Called for each attempt with the ids, to connect them to your traces. If it throws, the call goes on. */
  onAttempt?:
    | ((ids: { callId: string; attemptId: string; attempt: number; operation: OperationName }) => void)
    | undefined;
}

/**
 * Tags each request with a call id (kept across retries) and an attempt id (new per retry), so
 * a call can be followed through your logs, proxies and Cohere's support.
 *
 * @remarks
 * A caller may choose the call id: `{ context: { callId: "..." } }` in the request options.
 * Runs in the `"attempt"` phase. Downloads of results parts (`datasets.download`, signed URLs on
 * a storage host) are not tagged.
 * @example
 * ```ts
 * const client = new CohereClient({ middleware: [tracingMiddleware({ onAttempt: (ids) => console.log(ids) })] });
 * ```
 * @throws {@link CohereError} for options that are not what `TracingOptions` says (a misspelt key, a header name that is not one); an `onAttempt` that throws is reported with `console.warn` (once per `onAttempt`).
 * @public
 */
export function tracingMiddleware(options: TracingOptions = {}): SinglePhasePlugin {
  // Built here, not at module level: a bundle that never traces must not carry it (bundlers keep
  // a module-level schema whether or not it is used).
  const headerName = v.pipe(
    v.string("must be a string"),
    v.check(isHeaderName, "must be a valid header name"),
    // An id there replaced the token (a 401), the body's type, the caller's Idempotency-Key (a
    // new key per attempt: two batches), the SDK's own headers, or framed the request.
    v.check((name) => !sdkOrFetchHeaders.test(name), "must not be a header the SDK or fetch sets"),
  );
  const schema = v.strictObject(
    {
      callHeader: v.optional(headerName),
      attemptHeader: v.optional(headerName),
      createId: v.optional(functionSchema<() => string>()),
      onAttempt: v.optional(functionSchema<TracingOptions["onAttempt"]>()),
    },
    "must be an object { callHeader?, attemptHeader?, createId?, onAttempt? }",
  );
  checkInput(schema, options, "tracingMiddleware options");
  const callHeader = options.callHeader ?? "X-Client-Request-Id";
  const attemptHeader = options.attemptHeader ?? "X-Client-Attempt-Id";
  if (callHeader.toLowerCase() === attemptHeader.toLowerCase())
    throw new CohereError(
      `Invalid tracingMiddleware options: callHeader and attemptHeader must differ (both ${JSON.stringify(callHeader)})`,
    );
  const given = options.createId;
  // An id that is not text was sent as "123", "undefined" or "[object Promise]".
  const createId =
    given === undefined
      ? () => crypto.randomUUID()
      : () => {
          const id: unknown = given();
          if (typeof id !== "string" || id === "")
            throw new CohereError(`tracingMiddleware: createId must return a non-empty string (got ${describeId(id)})`);
          return id;
        };
  // One id per call: the context object lives exactly as long as the call.
  const callIds = new WeakMap<MiddlewareContext, string>();
  return {
    name: "tracing",
    phase: "attempt",
    handle: async (request, next, context) => {
      // A download goes to a storage host with a signed URL: nothing of the client's is sent there.
      if (context.operation === "datasets.download") return next(request);
      let callId = callIds.get(context);
      if (callId === undefined) {
        const chosen = context.options.context?.callId;
        callId = typeof chosen === "string" && chosen !== "" ? chosen : createId();
        callIds.set(context, callId);
      }
      const attemptId = createId();
      request.headers.set(callHeader, callId);
      request.headers.set(attemptHeader, attemptId);
      callUserCallback("onAttempt", options.onAttempt, {
        callId,
        attemptId,
        attempt: context.attempt,
        operation: context.operation,
      });
      return next(request);
    },
  };
}

/** Headers the SDK, the OpenTelemetry plugin or fetch set, or that fetch refuses from a caller. */
const sdkOrFetchHeaders =
  /^(authorization|content-type|content-length|accept|user-agent|x-client-name|idempotency-key|traceparent|tracestate|host|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect)$/i;

/** What `createId` gave, for its message: `describeValue`, with the two mistakes it makes most. */
function describeId(id: unknown): string {
  if (id === "") return "an empty string";
  return typeof (id as { then?: unknown } | null)?.then === "function" ? "a promise" : describeValue(id);
}
