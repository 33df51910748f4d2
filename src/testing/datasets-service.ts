/**
 * The five operations of Cohere's datasets API, on an in-memory store. Requests reaching this
 * point are routed and authenticated.
 *
 * Choices (where the spec is silent): `list` sorts newest first, and refuses a `limit` or
 * `offset` that is not a non-negative integer, a `before` / `after` that is not RFC 3339 and an
 * unknown `validationStatus` (400), and takes `limit=0` at its word (no datasets: the spec gives
 * `limit` no default, where batches' `page_size=0` is the spec's zero value, a page of the default size); `delete` answers `{}` and a second delete 404;
 * `organization_usage` is the bytes of every stored file. Output datasets (output-datasets.ts)
 * are passed in to `list` and `usage`, so that they count as datasets.
 *
 * @packageDocumentation
 */
import type { DatasetRecord, DatasetStore } from "./dataset-store.js";
import { type DatasetUpload, parseDatasetUpload } from "./dataset-upload.js";
import { validateUpload } from "./dataset-validation.js";
import type {
  WireCreateDatasetResponse,
  WireDataset,
  WireDatasetUsageResponse,
  WireGetDatasetResponse,
  WireListDatasetsResponse,
} from "./dataset-wire.js";
import type { ResponseFactory } from "./http-response.js";
import { IDEMPOTENCY_MISMATCH, IDEMPOTENT_REPLAYED, type IdempotencyStore } from "./idempotency.js";
import { type ListedDataset, parseListFilters } from "./dataset-list-query.js";
import { uploadFingerprint } from "./upload-fingerprint.js";

/** What the service needs from its owner. */
export interface DatasetsServiceParts {
  readonly store: DatasetStore;
  readonly responses: ResponseFactory;
  /** The clock's current time, in µs since the epoch. */
  readonly nowUs: () => number;
  /** Where `Idempotency-Key`s of uploads are kept (the batches' store); without it, keys are ignored. */
  readonly idempotency?: IdempotencyStore;
  /** The download URL of a validated dataset's part, if it has one (see uploaded-parts.ts); without it, none. */
  readonly partUrl?: (record: DatasetRecord, index: number) => string | undefined;
}

/**
 * Answers create, retrieve, list, delete and usage.
 *
 * @example
 * ```ts
 * const response = await service.create(url.searchParams, form);
 * ```
 */
export class DatasetsService {
  readonly #parts: DatasetsServiceParts;
  /** Uploads in flight, by token and `Idempotency-Key`: settles when the upload has answered. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(parts: DatasetsServiceParts) {
    this.#parts = parts;
  }

  /**
   * `POST /v1/datasets`: checks the upload, validates the file now and reveals the outcome on the
   * clock. With an `idempotencyKey` (sent with `token`), a repeat of the same upload answers the
   * first dataset's id, and the key with another upload is a 422, as for batches (see
   * {@link IdempotencyStore}); a key whose upload was refused (400) is not remembered. A second
   * upload with a key whose first is still in flight waits for it, then replays it (or is a 422).
   */
  async create(
    params: URLSearchParams,
    form: FormData | undefined,
    token = "",
    idempotencyKey: string | null = null,
  ): Promise<Response> {
    const { responses, idempotency } = this.#parts;
    if (form === undefined) return responses.error(400, "the body must be multipart/form-data");
    const upload = parseDatasetUpload(params, form);
    if ("error" in upload) return responses.error(400, upload.error);
    const key = idempotency === undefined ? null : idempotencyKey || null;
    if (key === null) return this.#create(params, upload, token, null);
    // The key is reserved before any await: a concurrent request with the same key waits for the
    // one in flight to finish, then is looked up as a retry (a replay of its dataset, or a 422).
    const slot = JSON.stringify([token, key]);
    for (let busy = this.#inFlight.get(slot); busy; busy = this.#inFlight.get(slot)) await busy;
    const done = this.#create(params, upload, token, key);
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.set(slot, settled);
    try {
      return await done;
    } finally {
      if (this.#inFlight.get(slot) === settled) this.#inFlight.delete(slot);
    }
  }

  async #create(params: URLSearchParams, upload: DatasetUpload, token: string, key: string | null): Promise<Response> {
    const { store, responses, nowUs, idempotency } = this.#parts;
    const fingerprint = key === null ? "" : await uploadFingerprint(params, upload);
    if (key !== null && idempotency) {
      const seen = idempotency.lookup("datasets.create", token, key, fingerprint);
      if (seen.kind === "mismatch") return responses.error(422, IDEMPOTENCY_MISMATCH);
      // A replayed dataset deleted since is created anew, as a replayed batch would be.
      if (seen.kind === "replay" && store.get(seen.id)) {
        const body: WireCreateDatasetResponse = { id: seen.id };
        return responses.json(200, body, IDEMPOTENT_REPLAYED);
      }
    }
    const outcome = await validateUpload(upload);
    const record = store.add(upload, outcome, nowUs());
    if (key !== null && idempotency) idempotency.remember("datasets.create", token, key, fingerprint, record.id);
    const body: WireCreateDatasetResponse = { id: record.id };
    return responses.json(200, body);
  }

  /** `GET /v1/datasets/{id}`. */
  retrieve(id: string): Response {
    const { store, responses, nowUs } = this.#parts;
    const record = store.get(id);
    if (!record) return responses.error(404, `dataset ${id} not found`);
    const body: WireGetDatasetResponse = { dataset: this.#snapshot(record, nowUs()) };
    return responses.json(200, body);
  }

  /**
   * `GET /v1/datasets`: the stored datasets and `others` (the output datasets, which batches
   * write and this store does not hold), newest `created_at` first, filtered alike. Filtered and
   * paged first: only the datasets returned are built.
   */
  async list(params: URLSearchParams, others: readonly ListedDataset[] = []): Promise<Response> {
    const { store, responses, nowUs } = this.#parts;
    const query = parseListFilters(params);
    if (typeof query === "string") return responses.error(400, query);
    const atUs = nowUs();
    const stored = store.newestFirst().map((r): ListedDataset => {
      const dataset = this.#snapshot(r, atUs);
      return {
        createdAtUs: r.createdAtUs,
        datasetType: dataset.dataset_type,
        validationStatus: dataset.validation_status,
        dataset: () => dataset,
      };
    });
    // A stable sort: datasets created in the same microsecond keep upload order, newest first.
    const all = [...stored, ...others].sort((a, b) => b.createdAtUs - a.createdAtUs);
    const matching = all.filter((listed) => query.filters.every((keep) => keep(listed)));
    const page = matching.slice(query.offset, query.limit === undefined ? undefined : query.offset + query.limit);
    // One at a time: an output dataset's files are written at its first read, and writing every
    // completed batch's at once held them all in memory together and kept the event loop busy
    // for seconds (a client's timeout fired late).
    const datasets: WireDataset[] = [];
    for (const listed of page) datasets.push(await listed.dataset());
    const body: WireListDatasetsResponse = { datasets };
    return responses.json(200, body);
  }

  /** `DELETE /v1/datasets/{id}`. */
  delete(id: string): Response {
    const { store, responses } = this.#parts;
    if (!store.delete(id)) return responses.error(404, `dataset ${id} not found`);
    return responses.json(200, {});
  }

  /**
   * What a batch reading dataset `id` gets at `atUs`: its record count, a 400 message when the
   * dataset cannot feed a batch (not validated, not a batch input type, or deleted), or
   * `undefined` for an id this fake never stored.
   */
  batchInput(id: string, atUs: number): number | string | undefined {
    const { store } = this.#parts;
    // A deleted id is not one the fake never saw: it must not pass as a seeded dataset.
    if (store.wasDeleted(id)) return `input dataset ${id} not found (it was deleted)`;
    const record = store.get(id);
    if (!record) return undefined;
    const { status } = store.status(record, atUs);
    if (status !== "validated") return `input dataset ${id} is not validated (validation_status: ${status})`;
    if (!/^batch-.+-input$/.test(record.upload.type)) {
      return `input dataset ${id} has type ${record.upload.type}, not a batch input type`;
    }
    return record.outcome.records;
  }

  #snapshot(record: DatasetRecord, atUs: number): WireDataset {
    const { store, partUrl } = this.#parts;
    return store.snapshot(record, atUs, (index) => partUrl?.(record, index));
  }

  /** `GET /v1/datasets/usage`: the stored files' bytes, plus `otherBytes` (the output datasets' files). */
  usage(otherBytes = 0): Response {
    const body: WireDatasetUsageResponse = { organization_usage: this.#parts.store.usageBytes() + otherBytes };
    return this.#parts.responses.json(200, body);
  }
}
