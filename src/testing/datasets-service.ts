/**
 * The five operations of Cohere's datasets API, on an in-memory store. Requests reaching this
 * point are routed and authenticated.
 *
 * Choices (where the spec is silent): `list` sorts newest first, and refuses a `limit` or
 * `offset` that is not a non-negative integer, a `before` / `after` that is not RFC 3339 and an
 * unknown `validationStatus` (400); `delete` answers `{}` and a second delete 404;
 * `organization_usage` is the bytes of every stored file.
 *
 * @packageDocumentation
 */
import type { DatasetRecord, DatasetStore } from "./dataset-store.js";
import { parseDatasetUpload } from "./dataset-upload.js";
import { validateDatasetFile } from "./dataset-validation.js";
import type {
  WireCreateDatasetResponse,
  WireDatasetUsageResponse,
  WireGetDatasetResponse,
  WireListDatasetsResponse,
} from "./dataset-wire.js";
import type { ResponseFactory } from "./http-response.js";
import { parseTimestamp } from "./timestamp.js";

/** What the service needs from its owner. */
export interface DatasetsServiceParts {
  readonly store: DatasetStore;
  readonly responses: ResponseFactory;
  /** The clock's current time, in µs since the epoch. */
  readonly nowUs: () => number;
}

const STATUSES = new Set(["unknown", "queued", "processing", "failed", "validated", "skipped"]);

type Filter = (record: DatasetRecord, atUs: number) => boolean;

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

  constructor(parts: DatasetsServiceParts) {
    this.#parts = parts;
  }

  /** `POST /v1/datasets`: checks the upload, validates the file now and reveals the outcome on the clock. */
  async create(params: URLSearchParams, form: FormData | undefined): Promise<Response> {
    const { store, responses, nowUs } = this.#parts;
    if (form === undefined) return responses.error(400, "the body must be multipart/form-data");
    const upload = parseDatasetUpload(params, form);
    if ("error" in upload) return responses.error(400, upload.error);
    const outcome = await validateDatasetFile(upload.data, upload.type, upload.data.name, upload.skipMalformed);
    const record = store.add(upload, outcome, nowUs());
    const body: WireCreateDatasetResponse = { id: record.id };
    return responses.json(200, body);
  }

  /** `GET /v1/datasets/{id}`. */
  retrieve(id: string): Response {
    const { store, responses, nowUs } = this.#parts;
    const record = store.get(id);
    if (!record) return responses.error(404, `dataset ${id} not found`);
    const body: WireGetDatasetResponse = { dataset: store.snapshot(record, nowUs()) };
    return responses.json(200, body);
  }

  /** `GET /v1/datasets`. */
  list(params: URLSearchParams): Response {
    const { store, responses, nowUs } = this.#parts;
    const query = parseListFilters(params, store);
    if (typeof query === "string") return responses.error(400, query);
    const atUs = nowUs();
    const matching = store.newestFirst().filter((record) => query.filters.every((keep) => keep(record, atUs)));
    const page = matching.slice(query.offset, query.limit === undefined ? undefined : query.offset + query.limit);
    const body: WireListDatasetsResponse = { datasets: page.map((record) => store.snapshot(record, atUs)) };
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
    if (!/^batch-.*-input$/.test(record.upload.type)) {
      return `input dataset ${id} has type ${record.upload.type}, not a batch input type`;
    }
    return record.outcome.records;
  }

  /** `GET /v1/datasets/usage`. */
  usage(): Response {
    const body: WireDatasetUsageResponse = { organization_usage: this.#parts.store.usageBytes() };
    return this.#parts.responses.json(200, body);
  }
}

function count(params: URLSearchParams, name: string): number | string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : `${name} must be a non-negative integer, got ${JSON.stringify(raw)}`;
}

function timeFilter(params: URLSearchParams, name: "before" | "after"): Filter | string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const us = parseTimestamp(raw);
  if (us === undefined) return `${name} must be an RFC 3339 date-time, got ${JSON.stringify(raw)}`;
  return name === "before" ? (r) => r.createdAtUs < us : (r) => r.createdAtUs > us;
}

function parseListFilters(
  params: URLSearchParams,
  store: DatasetStore,
): { filters: Filter[]; limit: number | undefined; offset: number } | string {
  const limit = count(params, "limit");
  const offset = count(params, "offset");
  if (typeof limit === "string") return limit;
  if (typeof offset === "string") return offset;
  const filters: Filter[] = [];
  for (const name of ["before", "after"] as const) {
    const filter = timeFilter(params, name);
    if (typeof filter === "string") return filter;
    if (filter) filters.push(filter);
  }
  const type = params.get("datasetType");
  if (type) filters.push((r) => r.upload.type === type);
  const status = params.get("validationStatus");
  if (status && !STATUSES.has(status)) return `validationStatus ${JSON.stringify(status)} is not a validation status`;
  if (status) filters.push((r, atUs) => store.status(r, atUs).status === status);
  return { filters, limit, offset: offset ?? 0 };
}
