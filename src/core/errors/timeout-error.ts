import { CohereError, type ErrorGuard } from "./cohere-error.js";

/**
 * An attempt, or a `waitUntilDone`, ran out of time.
 *
 * @remarks
 * A per-attempt timeout covers the response headers and the body. It is retried like a
 * connection failure (except for a `create` without an idempotency key), so when it reaches
 * the caller every allowed attempt has timed out.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.waitUntilDone(batchId, { timeoutInSeconds: 600 });
 * } catch (error) {
 *   if (CohereTimeoutError.is(error)) console.error(`gave up after ${error.timeoutInSeconds} s`, error.cause);
 * }
 * ```
 * @throws Never: the constructor only stores its arguments.
 * @public
 */
export class CohereTimeoutError extends CohereError {
  /** The name `is` recognises across builds: `"CohereTimeoutError"`. */
  static override readonly errorName: string = "CohereTimeoutError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof CohereTimeoutError>;
  /** Not a field: tells a `CohereTimeoutError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfCohereTimeoutError: never;

  /** The limit that was exceeded, in seconds. */
  readonly timeoutInSeconds: number;

  /**
   * Makes the error of a limit of `timeoutInSeconds` that ran out; the message says so unless
   * one is given.
   *
   * @example
   * ```ts
   * new CohereTimeoutError(30).message; // "Timed out after 30 s"
   * new CohereTimeoutError(30, "The upload timed out after 30 s", { cause: new Error("socket hang up") });
   * ```
   * @param options - `cause`: for a wait, the last transient failure of a poll before the deadline passed
   * @throws Never: it only stores its arguments.
   */
  constructor(
    timeoutInSeconds: number,
    message = `Timed out after ${timeoutInSeconds} s`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.timeoutInSeconds = timeoutInSeconds;
  }

  /**
   * A plain object for loggers: `name`, `message` and `timeoutInSeconds`.
   *
   * @example
   * ```ts
   * JSON.stringify(new CohereTimeoutError(30)); // '{"name":"CohereTimeoutError","message":"Timed out after 30 s","timeoutInSeconds":30}'
   * ```
   * @throws Never: it only copies fields of the error.
   */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutInSeconds: this.timeoutInSeconds };
  }
}
