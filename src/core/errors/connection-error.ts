import { CohereError } from "./cohere-error.js";

/**
 * The network failed before a response arrived: connection refused or reset, DNS failure,
 * TLS failure, or a body cut off mid-stream.
 *
 * @remarks `cause` is what the `fetch` implementation threw.
 * @public
 */
export class CohereConnectionError extends CohereError {
  static override readonly errorName: string = "CohereConnectionError";

  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
  }
}
