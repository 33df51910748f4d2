import type { BackoffOptions } from "../core/client-options.js";
import type { Pipeline } from "../core/middleware-plugin.js";
import { errorMappingMiddleware } from "../middleware/error-mapping.js";
import { retryMiddleware } from "../middleware/retry.js";
import { timeoutMiddleware } from "../middleware/timeout.js";
import { assemble, type Layer, type PipelineConfig } from "./create-pipeline.js";

/**
 * The layers of a download from a signed URL on another host (a results part), outermost first:
 * the same retry, per-attempt timeout and error mapping as every call, and nothing that adds a
 * header. No request options layer (client and call headers, `X-Client-Name`,
 * `Idempotency-Key`), no auth, no users' middleware (a plugin written for Cohere's API may add
 * a header of its own): the signed URL is the credential, and nothing of the client's reaches
 * the storage host.
 *
 * ```
 * retry                attempts, backoff, Retry-After
 *   timeout            per attempt, until the headers; the body is read by the caller
 *   error mapping      non-2xx -> typed ApiError (400, 403: an expired or refused URL)
 *   transport          fetch, the body handed on as a stream
 * ```
 */
function downloadLayers(backoff: BackoffOptions): Layer[] {
  return [
    { name: "retry", phase: "call", builtIn: true, handle: retryMiddleware(backoff) },
    { name: "timeout", phase: "attempt", builtIn: true, handle: timeoutMiddleware() },
    { name: "error-mapping", phase: "attempt", builtIn: true, handle: errorMappingMiddleware() },
  ];
}

/**
 * The pipeline of downloads from signed URLs (see `downloadLayers`): the client's fetch and
 * retry timing, no header of its own.
 */
export function createDownloadPipeline(config: PipelineConfig): Pipeline {
  return assemble(downloadLayers(config.backoff), config.fetch, false);
}
