/**
 * The fake's datasets: what was uploaded, its validation outcome (worked out at upload time)
 * and the validation life cycle, evaluated lazily from the clock like the batch life cycle.
 *
 * @packageDocumentation
 */
import type { DatasetUpload } from "./dataset-upload.js";
import type { ValidationOutcome } from "./dataset-validation.js";
import type { WireDataset, WireDatasetValidationStatus } from "./dataset-wire.js";
import { datasetSlug } from "./dataset-slug.js";
import type { SeededRandom } from "./seeded-random.js";
import { formatTimestamp } from "./timestamp.js";
import { checkKnownKeys } from "./option-checks.js";

/**
 * Timing of the dataset validation life cycle, in milliseconds of the fake's clock: `queued`,
 * then `processing`, then `validated` or `failed`.
 *
 * @example
 * ```ts
 * new FakeCohere({ datasetLifecycle: { queuedForMs: 0, processingForMs: 100 } });
 * ```
 * @public
 */
export interface DatasetLifecycleOptions {
  /** How long a new dataset stays `queued`. @default 500 */
  queuedForMs?: number | undefined;
  /** How long it then stays `processing`. @default 1000 */
  processingForMs?: number | undefined;
}

/** One stored dataset. */
export interface DatasetRecord {
  readonly seq: number;
  readonly id: string;
  readonly upload: DatasetUpload;
  readonly createdAtUs: number;
  readonly outcome: ValidationOutcome;
}

function checkedUs(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`datasetLifecycle.${name} must be >= 0, got ${ms}`);
  return Math.round(ms * 1000);
}

/**
 * The datasets of one fake, in upload order.
 *
 * @example
 * ```ts
 * const record = store.add(upload, outcome, nowUs);
 * store.snapshot(record, nowUs).validation_status; // "queued"
 * ```
 */
export class DatasetStore {
  readonly #byId = new Map<string, DatasetRecord>();
  // Ids deleted since the last clear: forgotten, a deleted id would read as one the fake never
  // stored, which a batch takes as a seeded dataset; Cohere refuses a batch on a deleted dataset.
  readonly #deleted = new Set<string>();
  // What a deleted dataset held: a batch that read it before the delete still writes its output
  // from it (its output is the same whenever it is first read).
  readonly #deletedRecords = new Map<string, DatasetRecord>();
  readonly #ids: SeededRandom;
  readonly #queuedUs: number;
  readonly #processingUs: number;
  #nextSeq = 0;

  constructor(options: DatasetLifecycleOptions, ids: SeededRandom) {
    checkKnownKeys<DatasetLifecycleOptions>("datasetLifecycle", options, { queuedForMs: true, processingForMs: true });
    this.#queuedUs = checkedUs("queuedForMs", options.queuedForMs ?? 500);
    this.#processingUs = checkedUs("processingForMs", options.processingForMs ?? 1000);
    this.#ids = ids;
  }

  /** Stores an upload; its id is the name's slug and six random characters, as Cohere's are. */
  add(upload: DatasetUpload, outcome: ValidationOutcome, createdAtUs: number): DatasetRecord {
    const slug = datasetSlug(upload.name);
    let id = `${slug}-${this.#ids.base36(6)}`;
    while (this.#byId.has(id) || this.#deleted.has(id)) id = `${slug}-${this.#ids.base36(6)}`;
    const record: DatasetRecord = { seq: this.#nextSeq++, id, upload, createdAtUs, outcome };
    this.#byId.set(id, record);
    return record;
  }

  get(id: string): DatasetRecord | undefined {
    return this.#byId.get(id);
  }

  /** Every dataset, newest upload first. */
  newestFirst(): DatasetRecord[] {
    return [...this.#byId.values()].reverse();
  }

  delete(id: string): boolean {
    const record = this.#byId.get(id);
    if (record === undefined) return false;
    this.#byId.delete(id);
    this.#deleted.add(id);
    this.#deletedRecords.set(id, record);
    return true;
  }

  /** The dataset a batch that read `id` saw: stored, or deleted since (`undefined` if never stored). */
  readBy(id: string): DatasetRecord | undefined {
    return this.#byId.get(id) ?? this.#deletedRecords.get(id);
  }

  /** Records that `id` (an output dataset, which this store does not hold) was deleted. */
  markDeleted(id: string): void {
    this.#deleted.add(id);
  }

  /** Whether `id` was deleted (and not stored again since). */
  wasDeleted(id: string): boolean {
    return this.#deleted.has(id);
  }

  clear(): void {
    this.#byId.clear();
    this.#deleted.clear();
    this.#deletedRecords.clear();
  }

  /** Bytes of every stored file, `data` and `eval_data`. */
  usageBytes(): number {
    let bytes = 0;
    for (const { upload } of this.#byId.values()) bytes += upload.data.size + (upload.evalData?.size ?? 0);
    return bytes;
  }

  /** The validation status at `atUs`, and when it last changed. */
  status(record: DatasetRecord, atUs: number): { status: WireDatasetValidationStatus; sinceUs: number } {
    const processingAt = record.createdAtUs + this.#queuedUs;
    const doneAt = processingAt + this.#processingUs;
    if (atUs < processingAt) return { status: "queued", sinceUs: record.createdAtUs };
    if (atUs < doneAt) return { status: "processing", sinceUs: processingAt };
    return { status: record.outcome.error === undefined ? "validated" : "failed", sinceUs: doneAt };
  }

  /** The dataset as the wire shows it at `atUs`; once validated, a part has the URL `urlOf` gives it, if any. */
  snapshot(
    record: DatasetRecord,
    atUs: number,
    urlOf: (index: number) => string | undefined = () => undefined,
  ): WireDataset {
    const { status, sinceUs } = this.status(record, atUs);
    const { upload, outcome } = record;
    const done = status === "validated" || status === "failed";
    const files = upload.evalData === undefined ? [upload.data] : [upload.data, upload.evalData];
    const dataset: WireDataset = {
      id: record.id,
      name: upload.name,
      created_at: formatTimestamp(record.createdAtUs),
      updated_at: formatTimestamp(sinceUs),
      dataset_type: upload.type,
      validation_status: status,
      validation_warnings: done ? [...outcome.warnings] : [],
      required_fields: [...upload.keepFields],
      preserve_fields: [...upload.optionalFields],
      dataset_parts: files.map((file, index) => {
        const url = status === "validated" ? urlOf(index) : undefined;
        return {
          id: `${record.id}-part-${index}`,
          name: file.name,
          index,
          size_bytes: file.size,
          num_rows: status === "validated" ? ((index === 0 ? outcome.records : outcome.evalRecords) ?? 0) : 0,
          ...(url === undefined ? {} : { url }),
        };
      }),
    };
    if (status === "failed" && outcome.error !== undefined) dataset.validation_error = outcome.error;
    return dataset;
  }
}
