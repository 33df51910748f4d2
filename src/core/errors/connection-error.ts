import { CohereError, type ErrorGuard } from "./cohere-error.js";

/**
 * The network failed before a response arrived: connection refused or reset, DNS failure,
 * TLS failure, or a body cut off mid-stream.
 *
 * @remarks `cause` is what the `fetch` implementation threw.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (CohereConnectionError.is(error)) console.error("network:", error.message, error.cause);
 * }
 * ```
 * @throws Never: the constructor only stores its arguments.
 * @public
 */
export class CohereConnectionError extends CohereError {
  /** The name `is` recognises across builds: `"CohereConnectionError"`. */
  static override readonly errorName: string = "CohereConnectionError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof CohereConnectionError>;
  /** Not a field: tells a `CohereConnectionError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfCohereConnectionError: never;

  /**
   * Makes the error of a request the network failed; `cause` is what `fetch` threw.
   *
   * @example
   * ```ts
   * async function send(request: Request): Promise<Response> {
   *   try {
   *     return await fetch(request);
   *   } catch (error) {
   *     throw new CohereConnectionError(`${request.method} ${request.url} failed`, { cause: error });
   *   }
   * }
   * ```
   * @throws Never: it only stores its arguments.
   */
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
  }
}
