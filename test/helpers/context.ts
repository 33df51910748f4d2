import type { MiddlewareContext, OperationName, ResolvedRequestOptions } from "../../src/index.js";

/** A middleware context for one layer under test; `batches.create` is the one non-idempotent operation. */
export function makeContext(
  options: Partial<ResolvedRequestOptions> = {},
  operation: OperationName = "batches.list",
): MiddlewareContext {
  return {
    operation,
    route: operation === "batches.retrieve" ? "/v2/batches/{id}" : "/v2/batches",
    params: {},
    via: undefined,
    state: {},
    idempotent: operation !== "batches.create",
    attempt: 1,
    options: { timeoutInSeconds: 300, maxRetries: 2, maxResponseBytes: 64 * 1024 * 1024, ...options },
    signal: options.abortSignal,
  };
}

/** A JSON response, as the transport hands it up. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
