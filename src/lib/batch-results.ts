// `batches.results(id)`: the output dataset of a completed batch, read as `datasets.records`.
import type { ApiClient } from "../core/api-client.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { RequestOptions } from "../core/request-options.js";
import type { BatchResult } from "../internal/decoders/batch-result.js";
import { withSignalAlso } from "../internal/deadline.js";
import { loadChunk } from "../internal/load-chunk.js";
import { RawBatchesClient } from "../resources/batches/raw-batches-client.js";
import { isAddressable, unaddressableId } from "./server-ids.js";

/**
 * The records of batch `id`'s output. A batch that is not `BATCH_STATUS_COMPLETED` (even with
 * an `output_dataset_id`), or has no output dataset, is a `CohereError` naming its status, and
 * nothing is downloaded.
 */
export async function openBatchResults(
  api: ApiClient,
  id: string,
  options?: RequestOptions,
  closing?: AbortSignal,
): Promise<AsyncIterator<BatchResult>> {
  // Every call of the workflow goes through this one `api`: where `context.via = "results"` is set.
  // The retrieve ends with the iterator, if it is closed first (see `lazyAsyncIterable`).
  // Checked first, as the call would (a typed refusal, nothing sent), then bound to the closing.
  const checked = options === undefined ? undefined : (api.resolveOptions(options) as RequestOptions);
  const retrieve = (during: RequestOptions | undefined) => new RawBatchesClient(api).retrieve(id, during);
  const answer = await withSignalAlso(checked, closing, retrieve);
  const { batch } = answer.data;
  // The id may be a server's (`run`'s results): cleaned of the token, which a server may echo there.
  if (batch.status !== "BATCH_STATUS_COMPLETED")
    throw new CohereError(
      `results: batch ${api.redact(id, options)} has no results to read: its status is ${describeStatus(batch.status)}`,
    );
  const output = batch.output_dataset_id;
  if (output === undefined || output === "")
    throw new CohereError(
      `results: batch ${api.redact(id, options)} is BATCH_STATUS_COMPLETED but has no output_dataset_id`,
    );
  if (!isAddressable("dataset", output))
    throw unaddressableId(
      { status: answer.status, text: api.redact(JSON.stringify(answer.data), options) },
      `results: batch ${api.redact(id, options)}`,
      "dataset",
      api.redact(output, options),
      " as its output_dataset_id",
    );
  // Loaded, not imported: a static import of a lazy chunk makes the bundler split shared chunks.
  const { openDatasetRecords } = await loadChunk(
    () => import("./dataset-records.js"),
    "the records reader",
    options,
    "results",
  );
  return openDatasetRecords(api, output, options, closing, "results");
}

/**
 * A status quoted only in a status's shape: it is 2xx data, which the SDK does not clean of an
 * echoed token, and a status of any other shape (a proxy's echo) is not one to show.
 */
function describeStatus(status: string | undefined): string {
  if (status === undefined) return "unknown";
  return /^BATCH_STATUS_[A-Z_]{1,40}$/.test(status) ? status : "unrecognised";
}
