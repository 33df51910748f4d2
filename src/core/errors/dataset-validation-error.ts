import type { Dataset } from "../../resources/datasets/types.js";
import { clipText } from "../../internal/clip-text.js";
import { CohereError, type ErrorGuard } from "./cohere-error.js";

/**
 * A dataset failed Cohere's validation (`validation_status: "failed"`), as `waitUntilValidated`
 * found it.
 *
 * @example
 * ```ts
 * try {
 *   await client.datasets.waitUntilValidated(datasetId);
 * } catch (error) {
 *   if (CohereDatasetValidationError.is(error)) console.error(error.validationError, error.warnings);
 * }
 * ```
 * @throws Never: the constructor only reads the dataset's validation fields.
 * @public
 */
export class CohereDatasetValidationError extends CohereError {
  /** The name `is` recognises across builds: `"CohereDatasetValidationError"`. */
  static override readonly errorName: string = "CohereDatasetValidationError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof CohereDatasetValidationError>;
  /** Not a field: tells a `CohereDatasetValidationError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfCohereDatasetValidationError: never;

  /** The dataset as the last poll returned it. */
  readonly dataset: Dataset;
  /** The server's `validation_error` (for example the line that is malformed), if it sent one. */
  readonly validationError: string | undefined;
  /** The server's `validation_warnings`. */
  readonly warnings: readonly string[];

  /**
   * Makes the error of `dataset`, which failed validation; the message quotes its
   * `validation_error`.
   *
   * @example
   * ```ts
   * const { dataset } = await client.datasets.retrieve(datasetId);
   * if (dataset.validation_status === "failed") throw new CohereDatasetValidationError(dataset);
   * ```
   * @throws Never: it only reads the dataset's `id` and validation fields.
   */
  constructor(dataset: Dataset) {
    // Clipped as an ApiError's server message is; the whole of it stays on `validationError`.
    super(`Dataset ${dataset.id} failed validation: ${clipText(dataset.validation_error ?? "no reason given", 500)}`);
    this.dataset = dataset;
    this.validationError = dataset.validation_error;
    this.warnings = dataset.validation_warnings ?? [];
  }
}
