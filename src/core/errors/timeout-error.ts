import { CohereError } from "./cohere-error.js";

/**
 * An attempt, or a `waitUntilDone`, ran out of time.
 *
 * @remarks
 * A per-attempt timeout covers the response headers and the body. It is retried like a
 * connection failure (except for a `create` without an idempotency key), so when it reaches
 * the caller every allowed attempt has timed out.
 * @public
 */
export class CohereTimeoutError extends CohereError {
  static override readonly errorName: string = "CohereTimeoutError";

  /** The limit that was exceeded, in seconds. */
  readonly timeoutInSeconds: number;

  /**
   * @param cause - for a wait, the last transient failure of a poll before the deadline passed
   */
  constructor(
    timeoutInSeconds: number,
    message = `Timed out after ${timeoutInSeconds} s`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.timeoutInSeconds = timeoutInSeconds;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutInSeconds: this.timeoutInSeconds };
  }
}
