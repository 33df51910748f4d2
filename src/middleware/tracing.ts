import type { MiddlewareContext, OperationName } from "../core/middleware.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import { callUserCallback } from "../internal/user-callback.js";
import { boundedId, checkedTracingOptions } from "./tracing-options.js";

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
  /**
   * Makes ids: each a non-empty string of at most 256 characters, with no space or tab at either
   * end (fetch trims those from a header), or the call fails with a `CohereError` before sending.
   * @defaultValue crypto.randomUUID
   */
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
 * A caller may choose the call id: `{ context: { callId: "..." } }` in the request options (at
 * most 256 characters, with no space or tab at either end, as `createId`'s).
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
  const { callHeader, attemptHeader, createId, onAttempt } = checkedTracingOptions(options);
  // One id per call, kept by the call's `state`: the one object every attempt of the call
  // shares (a hedge's second send has a context object of its own, with the same `state`).
  const callIds = new WeakMap<object, string>();
  return {
    name: "tracing",
    phase: "attempt",
    handle: async (request, next, context) => {
      // A download goes to a storage host with a signed URL: nothing of the client's is sent there.
      if (context.operation === "datasets.download") return await next(request);
      const callId = callIdOf(callIds, context, createId);
      const attemptId = createId();
      request.headers.set(callHeader, callId);
      request.headers.set(attemptHeader, attemptId);
      callUserCallback("onAttempt", onAttempt, {
        callId,
        attemptId,
        attempt: context.attempt,
        operation: context.operation,
      });
      return await next(request);
    },
  };
}

/** The call's id: chosen by the caller, else made on its first attempt, and kept for its retries. */
function callIdOf(callIds: WeakMap<object, string>, context: MiddlewareContext, createId: () => string): string {
  // A context built by hand (a test with a stub `next`) may have no state: then its own object.
  const call: object = context.state ?? context;
  let callId = callIds.get(call);
  if (callId === undefined) {
    const chosen = context.options.context?.callId;
    callId = typeof chosen === "string" && chosen !== "" ? boundedId(chosen, "a callId must be") : createId();
    callIds.set(call, callId);
  }
  return callId;
}
