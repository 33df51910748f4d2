// The call a download makes: its context, as the pipeline's layers see it, and the names of its failures.
import { watchCallEnd } from "./call-end.js";
import { recordDownloadAttempts } from "./attempts-of-failed-downloads.js";
import { attemptsMade, carryCallName, nameTheCall, typedFailure } from "./errors/call-failure.js";
import type { CallOrigin, MiddlewareContext, OperationName } from "./middleware.js";
import type { Pipeline } from "./middleware-plugin.js";
import type { RequestOptions, ResolvedRequestOptions } from "./request-options.js";

/** The context of a download's call; `signal` ends the wait for its answer. */
export function downloadContext(
  operation: OperationName,
  via: CallOrigin | undefined,
  options: ResolvedRequestOptions,
  signal: AbortSignal | undefined,
): MiddlewareContext {
  return {
    operation,
    // The URL is signed and secret until it expires: plugins see no template of it.
    route: "{signed-url}",
    params: {},
    via,
    state: {},
    idempotent: true,
    attempt: 1,
    options,
    signal,
    responseKind: "stream",
  };
}

/**
 * What names the failures of `context`'s download of `target`. Where users' plugins run (a
 * pipeline that does not own its responses), the name is carried on the context for their guard
 * and the call's end is watched.
 */
export function namingFailures(
  pipeline: Pipeline,
  context: MiddlewareContext,
  { operation, label, target }: { operation: OperationName; label: string | undefined; target: URL },
  requestOptions: RequestOptions | undefined,
): (error: unknown) => unknown {
  // Named like an API call's failure, by its label: the signed URL's query is a credential. The
  // count is kept for the records reader, which counts a refused download's attempts.
  const call = { operation, method: "get", route: label ?? "{signed-url}", url: `${target.origin}${target.pathname}` };
  if (!pipeline.ownsResponses) {
    carryCallName(context, call, requestOptions);
    watchCallEnd(context);
  }
  return (error: unknown) => {
    const attempts = attemptsMade(context.attempt, requestOptions);
    const failure = nameTheCall(typedFailure(context, error), { ...call, attempts }, context);
    recordDownloadAttempts(failure, attempts);
    return failure;
  };
}
