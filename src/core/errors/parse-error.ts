import { clipText } from "../../internal/clip-text.js";
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
  /**
   * What was wrong, one line each (`batch: Invalid key: Expected "batch" but received undefined`),
   * each at most 300 characters (a line quotes what it received, which may be megabytes).
   */
  readonly issues: readonly string[];

  constructor(status: number, text: string, issues: readonly string[]) {
    const lines = issues.map((issue) => clipText(issue, 300));
    // The message stays about a screenful: a page of a thousand bad batches has thousands of issues.
    super(`Unexpected response body (status ${status}): ${clipText(lines.join("; "), 3000)}`);
    this.status = status;
    this.text = text;
    this.issues = lines;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, issues: this.issues };
  }
}
