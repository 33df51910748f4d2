import type { RequestOptions } from "../core/request-options.js";
import type { BatchResult } from "../internal/decoders/batch-result.js";
import type { TerminalBatchStatus } from "../resources/batches/status.js";
import type { Batch } from "../resources/batches/types.js";
import type { Dataset, DatasetData, DatasetType } from "../resources/datasets/types.js";

/**
 * Where a `batches.run` is: `uploading` the requests, `validating` the dataset, the batch
 * `queued`, `running` (`BATCH_STATUS_IN_PROGRESS`), `done` (completed, failed or canceled).
 * @public
 */
export type RunPhase = "uploading" | "validating" | "queued" | "running" | "done";

/** What `onProgress` of `batches.run` receives: the phase, with the latest dataset or batch. @public */
export interface RunProgress {
  /** Where the run is. */
  readonly phase: RunPhase;
  /** The input dataset, while it is validated. */
  readonly dataset?: Dataset;
  /** The batch, from `queued` on. */
  readonly batch?: Batch;
}

/** The request of `batches.run`. @public */
export interface RunRequest {
  /** The name of the dataset and of the batch. */
  name: string;
  /** The model the batch runs, e.g. `"embed-v4.0"`. */
  model: string;
  /**
   * The dataset type of `requests`, one a batch reads: `"batch-embed-v2-input"` or
   * `"batch-chat-v2-input"` (or the spec's older `"batch-chat-input"` and
   * `"batch-openai-chat-input"`). A type not of the form `batch-...-input` (`"embed-input"`) is
   * refused before anything is uploaded. Typed with every string allowed, as `DatasetType` is
   * (a request built in a variable has a `string` type), the batch types offered.
   */
  type: Extract<DatasetType, `batch-${string}-input`> | (string & {});
  /** The requests: anything `datasets.create` takes as `data` (objects are written as JSONL). */
  requests: DatasetData;
  /** Called at each phase and after each poll; it cannot fail the run. */
  onProgress?: ((progress: RunProgress) => unknown) | undefined;
  /** Between polls of the dataset and of the batch. @defaultValue 5 */
  pollIntervalInSeconds?: number | undefined;
  /** Bounds the whole run, every phase and call included. @defaultValue no limit */
  timeoutInSeconds?: number | undefined;
  /** Ends the run (each call in flight, each wait). */
  abortSignal?: AbortSignal | undefined;
  /**
   * Cancel the batch when `abortSignal` fires after it was created (or while its create was in
   * flight: the run then looks it up). The run rejects at once; the cancel goes on in the
   * background with the call's `options` and 60 s of its own, a failure reported with
   * `console.warn`.
   * @defaultValue false
   */
  cancelOnAbort?: boolean | undefined;
}

/** What `batches.run` resolves with. @public */
export interface RunResult {
  /**
   * The batch in its terminal status: read `status` (`FAILED` and `CANCELED` resolve too). As
   * with `waitUntilDone`, comparing it with a status that is not terminal is a compile error.
   */
  readonly batch: Batch & { readonly status: TerminalBatchStatus };
  /** The uploaded and validated input dataset. */
  readonly inputDataset: Dataset;
  /**
   * The batch's results, as `batches.results(batch.id)`, with the run's `options` (and these on
   * top; their `headers` added to the run's); the run's `abortSignal` (in its request or its
   * options) ends the downloads too, as does one in these options.
   */
  results(options?: RequestOptions): AsyncIterable<BatchResult>;
}
