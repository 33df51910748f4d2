/**
 * Output datasets: what a batch writes when it completes, as Avro object container files served
 * by the download origin (download-origin.ts), behind signed URLs that expire on the fake's clock.
 *
 * @packageDocumentation
 */
import type { BatchStore } from "./batch-store.js";
import type { DatasetStore } from "./dataset-store.js";
import type { WireDataset, WireGetDatasetResponse } from "./dataset-wire.js";
import type { ResponseFactory } from "./http-response.js";
import type { ListedDataset } from "./dataset-list-query.js";
import { type OutputFile, writeOutputFiles } from "./output-files.js";
import type { UrlSigner } from "./signed-urls.js";
import { DownloadOrigin } from "./download-origin.js";
import { msToMicros, parseTimestamp } from "./timestamp.js";
import type { WireBatch } from "./wire.js";
import { outputDatasetWire, outputType } from "./output-dataset-wire.js";
import { type ResolvedOutputOptions, resolveOutputOptions } from "./output-options.js";

/**
 * How the fake writes output datasets (and, for `codec`, `blockRecords` and `urlTtlMs`, a
 * validated upload's parts: see uploaded-parts.ts).
 *
 * @example
 * ```ts
 * new FakeCohere({ outputs: { parts: 4, codec: "null", urlTtlMs: 60_000 } });
 * ```
 * @public
 */
export interface OutputDatasetOptions {
  /** Files per output dataset (fewer when there are fewer records). @default 3 */
  parts?: number | undefined;
  /** Avro codec of the files. @default "deflate" */
  codec?: "deflate" | "null" | undefined;
  /** Records per Avro block. @default 100 */
  blockRecords?: number | undefined;
  /** How long a signed URL stays valid, in ms of the fake's clock. @default 4 hours */
  urlTtlMs?: number | undefined;
}

export { DEFAULT_DOWNLOAD_ORIGIN } from "./download-origin.js";

/** What the output datasets need from their fake. */
export interface OutputDatasetParts {
  readonly batches: BatchStore;
  readonly datasets: DatasetStore;
  readonly responses: ResponseFactory;
  readonly signer: UrlSigner;
  readonly failEveryNth: number;
}

export class OutputDatasets {
  /** The download origin, with the URL lifetime of these options: uploaded datasets' parts are served by it too. */
  readonly downloads: DownloadOrigin;
  readonly #files = new Map<string, Promise<OutputFile[]>>();
  readonly #parts: OutputDatasetParts;
  readonly #options: ResolvedOutputOptions;

  constructor(parts: OutputDatasetParts, options: OutputDatasetOptions = {}) {
    this.#parts = parts;
    this.#options = resolveOutputOptions(options);
    this.downloads = new DownloadOrigin({
      signer: parts.signer,
      responses: parts.responses,
      urlTtlMs: this.#options.urlTtlMs,
    });
  }

  /** How the files are written (for uploaded datasets' parts, written alike). */
  get writeOptions(): { codec: "deflate" | "null"; blockRecords: number } {
    return { codec: this.#options.codec, blockRecords: this.#options.blockRecords };
  }

  /** `GET /v1/datasets/{id}` of an output dataset, or `undefined` when no completed batch wrote `id`. */
  async retrieve(id: string, nowMs: number): Promise<Response | undefined> {
    const batch = this.#completedBatchWriting(id, nowMs);
    if (batch === undefined) return undefined;
    const body: WireGetDatasetResponse = { dataset: await this.#snapshot(batch, nowMs) };
    return this.#parts.responses.json(200, body);
  }

  /**
   * The `dataset_type` of output dataset `id` at `nowMs` (written by a completed batch, not
   * deleted), or `undefined` when there is no such output dataset. A batch cannot read one: its
   * type is not a batch input type.
   */
  typeOf(id: string, nowMs: number): string | undefined {
    const batch = this.#completedBatchWriting(id, nowMs);
    return batch === undefined ? undefined : outputType(batch);
  }

  /**
   * Every output dataset at `nowMs` (of a completed batch, not deleted), for `GET /v1/datasets`.
   * Its files are written only when its wire form is asked for (for the datasets a page returns).
   */
  list(nowMs: number): ListedDataset[] {
    return this.#completedBatches(nowMs).map((batch) => ({
      createdAtUs: parseTimestamp(batch.updated_at) ?? msToMicros(nowMs),
      datasetType: outputType(batch),
      validationStatus: "validated",
      dataset: () => this.#snapshot(batch, nowMs),
    }));
  }

  /**
   * `DELETE /v1/datasets/{id}` of an output dataset: `undefined` when no completed batch wrote
   * `id` (or it was deleted already). The files go, so the part URLs already handed out stop
   * serving (404 `NoSuchKey`, as a storage host answers for a removed object).
   */
  delete(id: string, nowMs: number): Response | undefined {
    if (this.#completedBatchWriting(id, nowMs) === undefined) return undefined;
    this.#parts.datasets.markDeleted(id);
    this.#files.delete(id);
    return this.#parts.responses.json(200, {});
  }

  /**
   * Bytes of every output dataset's files at `nowMs`, for `GET /v1/datasets/usage`. Each batch's
   * files are written once (at its first read) and kept, so a later `usage` does not rewrite them.
   */
  async usageBytes(nowMs: number): Promise<number> {
    let total = 0;
    // One batch at a time, as `GET /v1/datasets` does (see there).
    for (const batch of this.#completedBatches(nowMs))
      for (const file of await this.#filesOf(batch)) total += file.bytes.byteLength;
    return total;
  }

  async #snapshot(batch: WireBatch, nowMs: number): Promise<WireDataset> {
    const files = await this.#filesOf(batch);
    return outputDatasetWire(batch, files, (index) => this.downloads.url(batch.output_dataset_id, index, nowMs));
  }

  /** The bytes of part `index` of output dataset `datasetId` at `nowMs`, or `undefined` when there is none. */
  async partBytes(datasetId: string, index: number, nowMs: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const batch = this.#completedBatchWriting(datasetId, nowMs);
    return batch === undefined ? undefined : (await this.#filesOf(batch))[index]?.bytes;
  }

  /** Forgets the written files (and the download origin's log). */
  clear(): void {
    this.#files.clear();
    this.downloads.clearLog();
  }

  // A deleted output dataset is gone for good, though its batch still names it.
  #completedBatchWriting(datasetId: string, nowMs: number): WireBatch | undefined {
    const { batches, datasets } = this.#parts;
    if (datasets.wasDeleted(datasetId)) return undefined;
    const record = batches.all().find((r) => r.outputDatasetId === datasetId);
    const batch = record === undefined ? undefined : batches.snapshot(record, msToMicros(nowMs));
    return batch?.status === "BATCH_STATUS_COMPLETED" ? batch : undefined;
  }

  #completedBatches(nowMs: number): WireBatch[] {
    const { batches, datasets } = this.#parts;
    const atUs = msToMicros(nowMs);
    return batches
      .all()
      .filter((r) => !datasets.wasDeleted(r.outputDatasetId))
      .map((r) => batches.snapshot(r, atUs))
      .filter((batch) => batch.status === "BATCH_STATUS_COMPLETED");
  }

  #filesOf(batch: WireBatch): Promise<OutputFile[]> {
    let files = this.#files.get(batch.output_dataset_id);
    if (files === undefined) {
      const { codec, blockRecords, parts } = this.#options;
      // The input as the batch read it, even if it was deleted since this output's first read.
      const input = this.#parts.datasets.readBy(batch.input_dataset_id);
      files = writeOutputFiles(batch, input, { codec, blockRecords, parts, failEveryNth: this.#parts.failEveryNth });
      this.#files.set(batch.output_dataset_id, files);
    }
    return files;
  }
}
