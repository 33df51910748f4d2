import { CohereError } from "./cohere-error.js";

/**
 * A successful (2xx) response whose body is not what Cohere's spec says: not JSON, or missing
 * a required field.
 * @public
 */
export class CohereParseError extends CohereError {
  static override readonly errorName: string = "CohereParseError";

  /** The HTTP status of the response. */
  readonly status: number;
  /** The body as received. */
  readonly text: string;
  /** What was wrong, one line each (`batch: Invalid key: Expected "batch" but received undefined`). */
  readonly issues: readonly string[];

  constructor(status: number, text: string, issues: readonly string[]) {
    super(`Unexpected response body (status ${status}): ${issues.join("; ")}`);
    this.status = status;
    this.text = text;
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, issues: this.issues };
  }
}
