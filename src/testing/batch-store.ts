/**
 * The fake's in-memory table of batches.
 *
 * It stores what a batch was created with (and when it was canceled); the status, counters and
 * `updated_at` are computed from the life cycle each time a snapshot is taken.
 *
 * @packageDocumentation
 */
import { datasetSlug } from "./dataset-slug.js";
import { batchState, wireBatch } from "./batch-snapshot.js";
import type { LifecycleInput } from "./lifecycle.js";
import type { LifecycleSettings } from "./lifecycle-settings.js";
import type { SeededRandom } from "./seeded-random.js";
import { TERMINAL_STATUSES, type WireBatch, type WireBatchStatus } from "./wire.js";

/**
 * Fields of a seeded batch that the life cycle would otherwise compute. When given (through
 * {@link FakeCohere.addBatches}), they are fixed: the life cycle no longer moves them.
 */
export type PinnedFields = Partial<
  Pick<
    WireBatch,
    | "status"
    | "updated_at"
    | "num_successful_records"
    | "num_failed_records"
    | "input_tokens"
    | "output_tokens"
    | "status_reason"
  >
>;

/** One stored batch. */
export interface BatchRecord extends LifecycleInput {
  /** Insertion order, the tie-breaker between batches with equal timestamps. */
  readonly seq: number;
  readonly id: string;
  readonly name: string;
  readonly model: string;
  readonly creatorId: string;
  readonly orgId: string;
  readonly outputDatasetId: string;
  canceledAtUs?: number | undefined;
  pinned: PinnedFields;
}

/** What it takes to add a batch; everything else is generated. */
export interface NewBatch {
  readonly name: string;
  readonly inputDatasetId: string;
  readonly model: string;
  readonly createdAtUs: number;
  readonly id?: string | undefined;
  readonly numRecords?: number | undefined;
  readonly creatorId?: string | undefined;
  readonly orgId?: string | undefined;
  readonly outputDatasetId?: string | undefined;
  readonly pinned?: PinnedFields | undefined;
  /** True when the input dataset is one the fake holds an upload of (see `failWhen`). */
  readonly uploaded?: boolean | undefined;
}

/** The outcome of a cancel request against one batch. */
export type CancelOutcome =
  | { readonly kind: "accepted" }
  | { readonly kind: "already-canceling" }
  | { readonly kind: "terminal"; readonly status: WireBatchStatus };

/** Where new batches get their generated values. */
export interface BatchStoreSources {
  /** Generates batch ids. */
  readonly ids: SeededRandom;
  /** Generates output-dataset suffixes. */
  readonly suffixes: SeededRandom;
  /** The creator of every batch (one user per fake). */
  readonly creatorId: string;
  /** The organization of every batch. */
  readonly orgId: string;
}

/**
 * The batches of one fake, in insertion order.
 *
 * @example
 * ```ts
 * const record = store.add({ name: "n", inputDatasetId: "d", model: "m", createdAtUs });
 * store.snapshot(record, nowUs).status; // "BATCH_STATUS_QUEUED"
 * ```
 */
export class BatchStore {
  readonly #byId = new Map<string, BatchRecord>();
  readonly #settings: LifecycleSettings;
  readonly #sources: BatchStoreSources;
  #nextSeq = 0;

  constructor(settings: LifecycleSettings, sources: BatchStoreSources) {
    this.#settings = settings;
    this.#sources = sources;
  }

  /**
   * Stores a new batch.
   *
   * @throws RangeError if `input.id` is already taken (`addBatches` checks `init.id` before it gets here).
   */
  add(input: NewBatch): BatchRecord {
    const id = input.id ?? this.#freshId();
    if (this.#byId.has(id)) throw new RangeError(`${JSON.stringify(id)} is the id of a batch already`);
    const record: BatchRecord = {
      seq: this.#nextSeq++,
      id,
      name: input.name,
      model: input.model,
      inputDatasetId: input.inputDatasetId,
      creatorId: input.creatorId ?? this.#sources.creatorId,
      orgId: input.orgId ?? this.#sources.orgId,
      outputDatasetId: input.outputDatasetId ?? `${datasetSlug(input.name)}-output-${this.#sources.suffixes.base36(6)}`,
      createdAtUs: input.createdAtUs,
      numRecords: input.numRecords ?? this.#settings.numRecords(input.inputDatasetId),
      fails: this.#settings.failWhen(input.inputDatasetId, input.uploaded === true),
      pinned: { ...input.pinned },
    };
    this.#byId.set(id, record);
    return record;
  }

  /** Forgets the batch with this id (a seeding that failed part-way takes back what it added). */
  remove(id: string): void {
    this.#byId.delete(id);
  }

  /** The batch with this id, if any. */
  get(id: string): BatchRecord | undefined {
    return this.#byId.get(id);
  }

  /** Every batch, oldest insertion first. */
  all(): BatchRecord[] {
    return [...this.#byId.values()];
  }

  /** Forgets every batch. */
  clear(): void {
    this.#byId.clear();
  }

  /** The batch as the wire shows it at `atUs` (µs since the epoch). */
  snapshot(record: BatchRecord, atUs: number): WireBatch {
    return wireBatch(record, batchState(record, atUs, this.#settings));
  }

  /**
   * Applies a cancel at `atUs`: a queued or in-progress batch starts canceling; a canceling one
   * is left alone; a finished one is refused.
   */
  cancel(record: BatchRecord, atUs: number): CancelOutcome {
    const { status } = this.snapshot(record, atUs);
    if (status === "BATCH_STATUS_CANCELING") return { kind: "already-canceling" };
    if (TERMINAL_STATUSES.has(status)) return { kind: "terminal", status };
    record.canceledAtUs = atUs;
    // A cancel takes over the status of a seeded batch, so that it is visible.
    const { status: _status, updated_at: _updatedAt, status_reason: _reason, ...rest } = record.pinned;
    record.pinned = rest;
    return { kind: "accepted" };
  }

  #freshId(): string {
    let id = this.#sources.ids.uuid();
    while (this.#byId.has(id)) id = this.#sources.ids.uuid();
    return id;
  }
}
