import type { Pipeline } from "../core/middleware-plugin.js";
import { signedUrlGuardMiddleware } from "../middleware/signed-url-guard.js";
import { assemble, type Layer, layers, type PipelineConfig } from "./create-pipeline.js";

/**
 * The layers of a download from a signed URL on another host (a results part), outermost first:
 * the call pipeline's (`layers`), users' plugins and the `logLevel` logging included, in the same
 * phases and order, without the two that add the client's headers (request options: client and
 * call headers, `X-Client-Name`, `Idempotency-Key`; auth). The signed URL is the credential, and
 * nothing of the client's reaches the storage host: a request that a plugin gave a credential or
 * a header of the client's, or sent to another origin, is refused just above the transport,
 * before sending (`signedUrlGuardMiddleware`).
 *
 * ```
 * users' "call" phase  once per call (context.operation "datasets.download", route "{signed-url}")
 * retry                attempts, backoff, Retry-After
 *   timeout            per attempt, until the headers; the body is read by the caller
 *   error mapping      non-2xx -> typed ApiError (400, 403: an expired or refused URL)
 *   logging            per attempt, when `logLevel` is on (query values redacted)
 *   users' "attempt"   per attempt
 *   signed-url-guard   a credential, a header of the client's or another origin fails here
 *                      (CohereError, not retried)
 *   transport          fetch, a 2xx body handed on as a stream
 * ```
 */
function downloadLayers(config: PipelineConfig): Layer[] {
  return [
    ...layers(config).filter((layer) => !layer.addsHeaders),
    { name: "signed-url-guard", phase: "attempt", builtIn: true, handle: signedUrlGuardMiddleware(config) },
  ];
}

// One pipeline per client configuration: `use()` makes a new one (with its plugins), and calls
// in flight keep theirs.
const built = new WeakMap<PipelineConfig, Pipeline>();

/**
 * The pipeline of downloads from signed URLs (see `downloadLayers`): the client's fetch, retry
 * timing and plugins, no header of its own. Built once per `config`.
 */
export function createDownloadPipeline(config: PipelineConfig): Pipeline {
  let pipeline = built.get(config);
  if (pipeline === undefined) {
    pipeline = assemble(downloadLayers(config), config.fetch, config.plugins.length > 0);
    built.set(config, pipeline);
  }
  return pipeline;
}
