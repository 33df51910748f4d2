/**
 * The four operations of Cohere's batches API, on an in-memory store. Requests reaching this
 * point are routed and authenticated; everything here is about batches.
 *
 * Choices (where the spec is silent):
 * - list sorts newest first (descending `created_at`, or `updated_at` with `order_by`), ties
 *   broken by the most recently inserted first;
 * - cancel of a canceling batch is 200 `{}` (idempotent); of a completed, failed or canceled
 *   batch it is 400 ("already in a terminal state"), as Cohere's API refuses invalid state
 *   transitions with a bad-request status;
 * - `Idempotency-Key` on create: see {@link IdempotencyStore}.
 *
 * @packageDocumentation
 */
import type { BatchRecord, BatchStore } from "./batch-store.js";
import { parseCreateRequest } from "./create-request.js";
import type { ResponseFactory } from "./http-response.js";
import { IDEMPOTENCY_MISMATCH, IDEMPOTENT_REPLAYED, type IdempotencyStore } from "./idempotency.js";
import { parseListQuery } from "./list-query.js";
import type { OrderBy, PageTokenCodec } from "./page-token.js";
import { parseTimestamp } from "./timestamp.js";
import type {
  WireCancelBatchResponse,
  WireCreateBatchResponse,
  WireGetBatchResponse,
  WireListBatchesResponse,
} from "./wire.js";

/** What the service needs from its owner. */
export interface BatchesServiceParts {
  readonly store: BatchStore;
  readonly idempotency: IdempotencyStore;
  readonly responses: ResponseFactory;
  readonly pageTokens: PageTokenCodec;
  /** The clock's current time, in µs since the epoch. */
  readonly nowUs: () => number;
  /**
   * What an input dataset holds at `atUs`: its record count, a refusal message (a dataset that
   * is not validated, or was deleted), or `undefined` for an id the fake never saw, which is taken as a seeded
   * dataset so that batch tests need no upload.
   */
  readonly inputRecords?: (datasetId: string, atUs: number) => number | string | undefined;
}

/**
 * Answers list, create, retrieve and cancel.
 *
 * @example
 * ```ts
 * const response = service.retrieve("9439e0e3-49a4-4336-93e3-485fc420bc18");
 * ```
 */
export class BatchesService {
  readonly #parts: BatchesServiceParts;
  #pageTokens: PageTokenCodec;

  constructor(parts: BatchesServiceParts) {
    this.#parts = parts;
    this.#pageTokens = parts.pageTokens;
  }

  /** Replaces the page-token codec, so that tokens issued before a store reset are refused. */
  replacePageTokens(codec: PageTokenCodec): void {
    this.#pageTokens = codec;
  }

  /** `GET /v2/batches`. */
  list(params: URLSearchParams): Response {
    const { store, responses, nowUs } = this.#parts;
    const query = parseListQuery(params);
    if ("error" in query) return responses.error(400, query.error);
    const cursor = query.pageToken === undefined ? undefined : this.#pageTokens.decode(query.pageToken);
    if (query.pageToken !== undefined && cursor === undefined) {
      return responses.error(400, "page_token is invalid or expired");
    }
    if (cursor && cursor.orderBy !== query.orderBy) {
      return responses.error(400, `page_token was issued for order_by=${cursor.orderBy}, not ${query.orderBy}`);
    }
    const atUs = nowUs();
    const keyed = store
      .all()
      .map((record) => ({ record, key: this.#sortKey(record, query.orderBy, atUs) }))
      .filter(({ record, key }) => !cursor || key < cursor.keyUs || (key === cursor.keyUs && record.seq < cursor.seq))
      .sort((a, b) => b.key - a.key || b.record.seq - a.record.seq);
    const page = keyed.slice(0, query.pageSize);
    const body: WireListBatchesResponse = { batches: page.map(({ record }) => store.snapshot(record, atUs)) };
    const last = page[page.length - 1];
    if (last && keyed.length > page.length) {
      body.next_page_token = this.#pageTokens.encode({ orderBy: query.orderBy, keyUs: last.key, seq: last.record.seq });
    }
    return responses.json(200, body);
  }

  /** `POST /v2/batches`. */
  create(bodyText: string, token: string, idempotencyKey: string | null): Response {
    const { store, idempotency, responses, nowUs } = this.#parts;
    const request = parseCreateRequest(bodyText);
    if ("error" in request) return responses.error(400, request.error);
    const atUs = nowUs();
    const numRecords = this.#parts.inputRecords?.(request.inputDatasetId, atUs);
    if (typeof numRecords === "string") return responses.error(400, numRecords);
    if (idempotencyKey) {
      const seen = idempotency.lookup("create", token, idempotencyKey, request.fingerprint);
      if (seen.kind === "mismatch") return responses.error(422, IDEMPOTENCY_MISMATCH);
      const replayed = seen.kind === "replay" ? store.get(seen.id) : undefined;
      if (replayed) {
        const body: WireCreateBatchResponse = { batch: store.snapshot(replayed, atUs) };
        return responses.json(200, body, IDEMPOTENT_REPLAYED);
      }
    }
    const record = store.add({
      name: request.name,
      inputDatasetId: request.inputDatasetId,
      model: request.model,
      createdAtUs: atUs,
      numRecords,
      uploaded: numRecords !== undefined,
    });
    if (idempotencyKey) idempotency.remember("create", token, idempotencyKey, request.fingerprint, record.id);
    const body: WireCreateBatchResponse = { batch: store.snapshot(record, atUs) };
    return responses.json(200, body);
  }

  /** `GET /v2/batches/{id}`. */
  retrieve(id: string): Response {
    const { store, responses, nowUs } = this.#parts;
    const record = store.get(id);
    if (!record) return responses.error(404, `batch ${id} not found`);
    const body: WireGetBatchResponse = { batch: store.snapshot(record, nowUs()) };
    return responses.json(200, body);
  }

  /** `POST /v2/batches/{id}:cancel`. */
  cancel(id: string): Response {
    const { store, responses, nowUs } = this.#parts;
    const record = store.get(id);
    if (!record) return responses.error(404, `batch ${id} not found`);
    const outcome = store.cancel(record, nowUs());
    if (outcome.kind === "terminal") {
      return responses.error(400, `batch ${id} is already in a terminal state (${outcome.status})`);
    }
    const body: WireCancelBatchResponse = {};
    return responses.json(200, body);
  }

  #sortKey(record: BatchRecord, orderBy: OrderBy, atUs: number): number {
    if (orderBy === "created_at") return record.createdAtUs;
    const { updated_at } = this.#parts.store.snapshot(record, atUs);
    return parseTimestamp(updated_at) ?? record.createdAtUs;
  }
}
