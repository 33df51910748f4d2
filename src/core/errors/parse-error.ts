import { clipText } from "../../internal/clip-text.js";
import { CohereError, type ErrorGuard } from "./cohere-error.js";

/**
 * A successful (2xx) response whose body is not what Cohere's spec says: not JSON, or missing
 * a required field.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (CohereParseError.is(error)) console.error(error.status, error.issues, error.text.slice(0, 200));
 * }
 * ```
 * @throws Never: the constructor only stores its arguments (each issue clipped to 300 characters).
 * @public
 */
export class CohereParseError extends CohereError {
  /** The name `is` recognises across builds: `"CohereParseError"`. */
  static override readonly errorName: string = "CohereParseError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof CohereParseError>;
  /** Not a field: tells a `CohereParseError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfCohereParseError: never;

  /** The HTTP status of the response. */
  readonly status: number;
  /** The body as received. */
  readonly text: string;
  /**
   * What was wrong, one line each (`batch: Invalid key: Expected "batch" but received undefined`),
   * each at most 300 characters (a line quotes what it received, which may be megabytes).
   */
  readonly issues: readonly string[];

  /**
   * Makes the error of a 2xx response with body `text` that failed the checks for `issues`.
   *
   * @example
   * ```ts
   * const error = new CohereParseError(200, "{}", ['batch: Invalid key: Expected "batch" but received undefined']);
   * ```
   * @throws Never: it clips the issues and stores them.
   */
  constructor(status: number, text: string, issues: readonly string[]) {
    const lines = issues.map((issue) => clipText(issue, 300));
    // The message stays about a screenful: a page of a thousand bad batches has thousands of issues.
    super(`Unexpected response body (status ${status}): ${clipText(lines.join("; "), 3000)}`);
    this.status = status;
    this.text = text;
    this.issues = lines;
  }

  /**
   * A plain object for loggers: `name`, `message`, `status` and `issues` (not the body, which
   * may be megabytes).
   *
   * @example
   * ```ts
   * try {
   *   await client.batches.retrieve(batchId);
   * } catch (error) {
   *   if (CohereParseError.is(error)) console.error(error.toJSON()); // { name: "CohereParseError", message, status, issues }
   * }
   * ```
   * @throws Never: it only copies fields of the error.
   */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, issues: this.issues };
  }
}
