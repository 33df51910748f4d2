/** {@link OutputDatasetOptions} checked, with the defaults filled in. */
import type { OutputDatasetOptions } from "./output-datasets.js";
import { checkKnownKeys } from "./option-checks.js";

/** Every output option, given or defaulted. */
export type ResolvedOutputOptions = {
  [K in keyof OutputDatasetOptions]-?: Exclude<OutputDatasetOptions[K], undefined>;
};

/** Checks `options` (a `TypeError` for an unknown key, a `RangeError` for a value out of range). */
export function resolveOutputOptions(options: OutputDatasetOptions): ResolvedOutputOptions {
  checkKnownKeys<OutputDatasetOptions>("outputs", options, {
    parts: true,
    codec: true,
    blockRecords: true,
    urlTtlMs: true,
  });
  const count = options.parts ?? 3;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`outputs.parts must be an integer >= 1, got ${count}`);
  if (options.codec !== undefined && options.codec !== "deflate" && options.codec !== "null")
    throw new RangeError(`outputs.codec must be "deflate" or "null", got ${JSON.stringify(options.codec)}`);
  const blockRecords = options.blockRecords ?? 100;
  if (!Number.isInteger(blockRecords) || blockRecords < 1)
    throw new RangeError(`outputs.blockRecords must be an integer >= 1, got ${blockRecords}`);
  const urlTtlMs = options.urlTtlMs ?? 4 * 60 * 60 * 1000;
  if (!(urlTtlMs > 0 && Number.isFinite(urlTtlMs)))
    throw new RangeError(`outputs.urlTtlMs must be a finite number > 0, got ${urlTtlMs}`);
  return {
    parts: count,
    codec: options.codec ?? "deflate",
    blockRecords,
    urlTtlMs,
  };
}
