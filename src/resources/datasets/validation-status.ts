import type { components } from "../../generated/datasets-openapi.js";

/**
 * Where a dataset is in validation, as constants: `DatasetValidationStatus.Validated` is
 * `"validated"`. A dataset goes `Queued`, `Processing`, then `Validated` (or `Skipped`) or
 * `Failed` (see {@link isTerminalValidationStatus}).
 *
 * @example
 * ```ts
 * const { dataset } = await client.datasets.retrieve(datasetId);
 * if (dataset.validation_status === DatasetValidationStatus.Failed) console.error(dataset.validation_error);
 * ```
 * @public
 */
export const DatasetValidationStatus = {
  Unknown: "unknown",
  Queued: "queued",
  Processing: "processing",
  Failed: "failed",
  Validated: "validated",
  Skipped: "skipped",
} as const;

/**
 * A validation stage, as the spec lists them. A dataset's `validation_status` is typed
 * `DatasetValidationStatus | (string & {})`: a stage Cohere adds later passes through.
 * @public
 */
export type DatasetValidationStatus = (typeof DatasetValidationStatus)[keyof typeof DatasetValidationStatus];

const terminal: ReadonlySet<string> = new Set([
  DatasetValidationStatus.Validated,
  DatasetValidationStatus.Skipped,
  DatasetValidationStatus.Failed,
]);

/**
 * True for a validation status a dataset never leaves: validated, skipped (usable by a batch)
 * or failed. `waitUntilValidated` ends on these. An unknown status or `undefined` is not
 * terminal.
 *
 * @example
 * ```ts
 * const { dataset } = await client.datasets.retrieve(datasetId);
 * if (isTerminalValidationStatus(dataset.validation_status)) console.log(dataset.validation_status);
 * ```
 * @throws Never.
 * @public
 */
export function isTerminalValidationStatus(status: string | undefined): status is "validated" | "skipped" | "failed" {
  return status !== undefined && terminal.has(status);
}

type SpecStatus = components["schemas"]["DatasetValidationStatus"];
const constantsMatchSpec: [SpecStatus, DatasetValidationStatus] extends [DatasetValidationStatus, SpecStatus]
  ? true
  : never = true;
void constantsMatchSpec;
