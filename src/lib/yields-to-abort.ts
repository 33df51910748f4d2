import { CohereAbortError } from "../core/errors/abort-error.js";
import { isTransientFailure } from "../middleware/retry-decision.js";

/**
 * True for a failure that gives way to the caller's abort once it has fired: an abort, or a
 * transient failure (one a retry, or a wait riding it out, would have gone past: a `shouldRetry`
 * that aborted on a 503). A wait's or a workflow's decided outcome (a failed validation) does not.
 */
export function yieldsToAbort(error: unknown): boolean {
  return CohereAbortError.is(error) || isTransientFailure(error);
}
