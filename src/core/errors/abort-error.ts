import { CohereError, type ErrorGuard } from "./cohere-error.js";

/**
 * The caller's `abortSignal` fired: during an attempt, while waiting between attempts, or
 * while polling.
 *
 * @remarks `cause` is the signal's `reason`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * try {
 *   await client.batches.waitUntilDone(batchId, { abortSignal: controller.signal });
 * } catch (error) {
 *   if (CohereAbortError.is(error)) console.log("stopped:", error.cause); // the signal's reason
 * }
 * ```
 * @throws Never: the constructor only stores the reason.
 * @public
 */
export class CohereAbortError extends CohereError {
  /** The name `is` recognises across builds: `"CohereAbortError"`. */
  static override readonly errorName: string = "CohereAbortError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof CohereAbortError>;
  /** Not a field: tells a `CohereAbortError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfCohereAbortError: never;

  /**
   * Makes the error of an abort; the signal's `reason` becomes its `cause`.
   *
   * @example
   * ```ts
   * const stopEarly: Middleware = async (request, next, context) => {
   *   if (context.signal?.aborted) throw new CohereAbortError(context.signal.reason);
   *   return next(request);
   * };
   * ```
   * @throws Never: it only stores the reason.
   */
  constructor(reason: unknown) {
    super("The request was aborted", { cause: reason });
  }
}
