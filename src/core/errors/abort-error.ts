import { CohereError } from "./cohere-error.js";

/**
 * The caller's `abortSignal` fired: during an attempt, while waiting between attempts, or
 * while polling.
 *
 * @remarks `cause` is the signal's `reason`.
 * @public
 */
export class CohereAbortError extends CohereError {
  static override readonly errorName: string = "CohereAbortError";

  constructor(reason: unknown) {
    super("The request was aborted", { cause: reason });
  }
}
