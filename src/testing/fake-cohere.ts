/**
 * {@link FakeCohere}: an in-memory stand-in for Cohere's `v2/batches` service, reachable
 * through a `fetch` function in any runtime (and over HTTP in Node, see `index.node.ts`).
 *
 * @packageDocumentation
 */
import { checkSeedRequest, pinnedFields, seedTime } from "./batch-seeding.js";
import { BatchStore, type PinnedFields } from "./batch-store.js";
import { BatchesService } from "./batches-service.js";
import { type Clock, MAX_TIME_MS, ManualClock } from "./clock.js";
import { type DatasetLifecycleOptions, DatasetStore } from "./dataset-store.js";
import { DatasetsService } from "./datasets-service.js";
import { acceptedTokens, checkClock, checkFakeCohereOptions } from "./fake-cohere-option-checks.js";
import { applyFault } from "./fault-responses.js";
import { checkFaultTarget } from "./fault-checks.js";
import { FaultQueue } from "./fault-queue.js";
import type { Fault, FaultTarget, InjectOptions } from "./faults.js";
import { checkHandleArguments } from "./handle-arguments.js";
import { ResponseFactory } from "./http-response.js";
import { IdempotencyStore } from "./idempotency.js";
import { OperationResponder } from "./operation-responder.js";
import type { LifecycleOptions } from "./lifecycle.js";
import { type LifecycleSettings, resolveLifecycle } from "./lifecycle-settings.js";
import { PageTokenCodec } from "./page-token.js";
import { readBody } from "./request-body.js";
import { answering } from "./response-url.js";
import { type Route, routeRequest } from "./router.js";
import { SeededRandom, randomSeed } from "./seeded-random.js";
import { type OutputDatasetOptions, OutputDatasets } from "./output-datasets.js";
import { UrlSigner } from "./signed-urls.js";
import { UploadedParts } from "./uploaded-parts.js";
import { msToMicros } from "./timestamp.js";
import type { Operation, WireBatch } from "./wire.js";
import { checkBoolean, checkKnownKeys } from "./option-checks.js";

/**
 * Options of {@link FakeCohere}.
 *
 * @public
 */
export interface FakeCohereOptions {
  /**
   * The API tokens the fake accepts. A request without `Authorization: Bearer <token>` gets
   * 401 with a `message` that starts with Cohere's words, `"no api key supplied"`; a wrong token
   * 401 `"invalid api token"`, each followed by how to pass a token the fake accepts.
   * @default ["test-token"]
   */
  tokens?: readonly string[] | undefined;
  /**
   * The clock that drives the life cycle and the timestamps.
   * @default a new {@link ManualClock} at 2026-01-01T00:00:00Z
   */
  clock?: Clock | undefined;
  /** Life-cycle timing and outcomes, see {@link LifecycleOptions}. */
  lifecycle?: LifecycleOptions | undefined;
  /** Timing of dataset validation, see {@link DatasetLifecycleOptions}. */
  datasetLifecycle?: DatasetLifecycleOptions | undefined;
  /**
   * Seed for batch ids, creator and org ids, output dataset ids, `x-request-id` values and page
   * tokens: the same seed and the same requests give the same values.
   * @default a random seed (from `crypto.getRandomValues`)
   */
  seed?: number | undefined;
  /**
   * How completed batches write their output datasets (parts, codec, URL lifetime). A validated
   * upload's parts are written with the same codec and block size, behind URLs of the same lifetime.
   */
  outputs?: OutputDatasetOptions | undefined;
  /**
   * Ignore `Idempotency-Key` on create (of batches and of datasets), as a server that does not
   * implement it would (Cohere does not document it): every create makes a new batch or dataset.
   * Also settable later. @default false
   */
  ignoreIdempotencyKeys?: boolean | undefined;
  /**
   * Leave out of JSON answers every field that holds its zero value (`""`, `0`, `false`, `[]`,
   * `"0"` in an int64 field such as `input_tokens`), as proto3's JSON mapping does by default: a
   * new batch without its record and token counts, an empty page as `{}` (no `batches`). Cohere's API speaks through a gRPC
   * gateway (its `page_size=0` means "unset"), and its spec marks these fields optional without
   * saying whether they are sent when zero: test code that reads them both ways.
   * @default false (every field the spec lists is sent, zero or not; a batch's `status_reason`
   * and a dataset's `validation_error` only where there is a reason, as a failed batch or
   * validation has; see the README for the dataset fields the fake never fills)
   * @example
   * ```ts
   * const fake = new FakeCohere({ omitZeroValues: true });
   * ```
   */
  omitZeroValues?: boolean | undefined;
}

/**
 * One request the fake received, as {@link FakeCohere.requests} lists it.
 *
 * @public
 */
export interface RecordedRequest {
  /** The operation the request addressed, `"unknown"` if none. */
  readonly operation: Operation;
  /** The HTTP method, e.g. `"POST"`. */
  readonly method: string;
  /** The full URL, as sent (percent-encoding kept). */
  readonly url: string;
  /** The request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text (`""` when none, and for a multipart body: see `form`). */
  readonly body: string;
  /** The parsed parts of a `multipart/form-data` body (file names and bytes as received). */
  readonly form?: FormData;
  /** When it arrived, in ms of the fake's clock. */
  readonly at: number;
}

/**
 * Options of {@link FakeCohere.handle}.
 *
 * @public
 */
export interface HandleOptions {
  /**
   * Which origin received the request: `"api"` (the four batch and five dataset endpoints) or
   * `"download"` (datasets' signed part URLs). A server listening on one port per origin says
   * so, since the URL's host is only what the client's Host header said (`localhost:<port>`, a
   * proxy's name). Without it, the request's origin decides: the download origin if it is
   * {@link FakeCohere.downloadOrigin}, else the API.
   */
  readonly role?: "api" | "download" | undefined;
}

/**
 * Options of {@link FakeCohere.reset}.
 *
 * @public
 */
export interface ResetOptions {
  /** Also forget every batch, dataset and idempotency key (old page tokens then get 400). @default false */
  batches?: boolean | undefined;
}

/**
 * The model of batches seeded by {@link FakeCohere.addBatches} when `init` names none.
 *
 * @example
 * ```ts
 * const [batch] = fake.addBatches(1);
 * batch?.model === DEFAULT_SEEDED_MODEL; // true
 * ```
 * @public
 */
export const DEFAULT_SEEDED_MODEL = "command-a-03-2025";

/**
 * A faithful in-memory fake of Cohere's batches service: the four endpoints, the batch life
 * cycle on a clock the test controls, real page tokens, `Idempotency-Key`, the spec's error
 * bodies and statuses, and injectable faults.
 *
 * Universal: it uses only WHATWG APIs, so it runs in Node, browsers and workers.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const fake = new FakeCohere({ clock, seed: 1 });
 * const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
 * const { batch } = await client.batches.create({ name: "n", input_dataset_id: "d", model: "m" });
 * clock.advance(60_000);
 * (await client.batches.retrieve(batch.id)).batch.status; // "BATCH_STATUS_COMPLETED"
 * fake.inject("retrieve", { type: "status", status: 503, retryAfter: "1" });
 * ```
 * @throws `TypeError` from the constructor, for an unknown option, a `seed` that is not finite,
 * `tokens` that is not an array or a token that is empty or holds whitespace, a `clock` without a
 * `now()` function, a flag that is not a boolean or a `lifecycle.failWhen` that is not a function;
 * `RangeError` for bad `lifecycle`, `datasetLifecycle` or `outputs` values.
 * @public
 */
export class FakeCohere {
  /**
   * The clock the fake reads; advance it (if it is a {@link ManualClock}) to move batches along.
   *
   * @example
   * ```ts
   * const fake = new FakeCohere({ clock: new ManualClock() });
   * (fake.clock as ManualClock).advance(60_000); // a minute later, for every batch
   * ```
   */
  readonly clock: Clock;
  /**
   * Every request received, in order (CORS preflights excluded). Cleared by {@link FakeCohere.reset}.
   *
   * @example
   * ```ts
   * import { expect } from "vitest";
   * await client.batches.list({ page_size: 10 });
   * expect(fake.requests.at(-1)).toMatchObject({ operation: "list", method: "GET" });
   * ```
   */
  readonly requests: RecordedRequest[] = [];

  #ignoreIdempotencyKeys: boolean;
  readonly #tokens: ReadonlySet<string>;
  readonly #seed: number;
  readonly #faults = new FaultQueue();
  readonly #responses: ResponseFactory;
  readonly #store: BatchStore;
  readonly #idempotency = new IdempotencyStore();
  readonly #service: BatchesService;
  readonly #datasetStore: DatasetStore;
  readonly #datasets: DatasetsService;
  readonly #salts: SeededRandom;
  readonly #outputs: OutputDatasets;
  readonly #uploaded: UploadedParts;
  readonly #operations: OperationResponder;

  /**
   * Makes a fake with no batches or datasets, on `options.clock` (a new {@link ManualClock} by default).
   *
   * @example
   * ```ts
   * const fake = new FakeCohere({ tokens: ["test-token"], seed: 42, lifecycle: { failEveryNthRecord: 10 } });
   * ```
   * @param options - See {@link FakeCohereOptions}.
   * @throws `TypeError` for an unknown option, a `seed` that is not finite, `tokens` that is not
   * an array or a token that is empty or holds whitespace, a `clock` that is not an object with a
   * `now()` function, an `ignoreIdempotencyKeys` or `omitZeroValues` that is not a boolean, or a
   * `lifecycle.failWhen` that is not a function; `RangeError` for bad `lifecycle`,
   * `datasetLifecycle` or `outputs` values.
   */
  constructor(options: FakeCohereOptions = {}) {
    checkFakeCohereOptions(options);
    this.#tokens = acceptedTokens(options.tokens);
    checkClock(options.clock);
    this.clock = options.clock ?? new ManualClock();
    // Read once here, and checked at every read (`#now`): a clock whose time is no date failed
    // every create later as a bare RangeError ("Invalid time value"), served as a 500.
    this.#now();
    this.#seed = options.seed ?? randomSeed();
    const identity = new SeededRandom(this.#seed, "identity");
    const lifecycle = resolveLifecycle(options.lifecycle);
    checkBoolean("ignoreIdempotencyKeys", options.ignoreIdempotencyKeys);
    this.#ignoreIdempotencyKeys = options.ignoreIdempotencyKeys ?? false;
    this.#store = new BatchStore(lifecycle, {
      ids: new SeededRandom(this.#seed, "batch-id"),
      suffixes: new SeededRandom(this.#seed, "output-dataset"),
      creatorId: identity.uuid(),
      orgId: identity.uuid(),
    });
    checkBoolean("omitZeroValues", options.omitZeroValues);
    this.#responses = new ResponseFactory(new SeededRandom(this.#seed, "request-id"), options.omitZeroValues ?? false);
    this.#salts = new SeededRandom(this.#seed, "page-token-salt");
    const nowUs = () => msToMicros(this.#now());
    this.#datasetStore = new DatasetStore(options.datasetLifecycle ?? {}, new SeededRandom(this.#seed, "dataset-id"));
    this.#datasets = this.#newDatasetsService(nowUs);
    this.#outputs = this.#newOutputDatasets(lifecycle, options.outputs);
    const { downloads, writeOptions } = this.#outputs;
    this.#uploaded = new UploadedParts({ store: this.#datasetStore, downloads, writeOptions });
    this.#service = this.#newBatchesService(nowUs);
    this.#operations = this.#newOperationResponder();
  }

  /** The datasets endpoints, on the fake's dataset store; an upload's part URLs are on the download origin. */
  #newDatasetsService(nowUs: () => number): DatasetsService {
    return new DatasetsService({
      store: this.#datasetStore,
      responses: this.#responses,
      nowUs,
      idempotency: this.#idempotency,
      partUrl: (record, index) => this.#uploaded.url(record, index, this.#now()),
    });
  }

  /** The output datasets completed batches write, failing the records `lifecycle` fails. */
  #newOutputDatasets(lifecycle: LifecycleSettings, options: OutputDatasetOptions | undefined): OutputDatasets {
    return new OutputDatasets(
      {
        batches: this.#store,
        datasets: this.#datasetStore,
        responses: this.#responses,
        signer: new UrlSigner(new SeededRandom(this.#seed, "url-signer").hex(16)),
        failEveryNth: lifecycle.failEveryNthRecord,
      },
      options,
    );
  }

  /** The batches endpoints; a create reads its input dataset through `#batchInput`. */
  #newBatchesService(nowUs: () => number): BatchesService {
    return new BatchesService({
      store: this.#store,
      idempotency: this.#idempotency,
      responses: this.#responses,
      pageTokens: new PageTokenCodec(this.#salts.hex(16)),
      nowUs,
      inputRecords: (datasetId, atUs) => this.#batchInput(datasetId, atUs),
    });
  }

  /** What answers a request no fault took; it reads `ignoreIdempotencyKeys` at each create, as a test may set it. */
  #newOperationResponder(): OperationResponder {
    return new OperationResponder({
      tokens: this.#tokens,
      responses: this.#responses,
      batches: this.#service,
      datasets: this.#datasets,
      outputs: this.#outputs,
      uploaded: this.#uploaded,
      now: () => this.#now(),
      ignoreIdempotencyKeys: () => this.ignoreIdempotencyKeys,
    });
  }

  /**
   * What a batch would read from `datasetId`: its record count when it is an upload of the fake's,
   * why a create would be refused on it, or `undefined` for an id the fake made up. For creates
   * and for seeded batches alike.
   */
  #batchInput(datasetId: string, atUs: number): number | string | undefined {
    // An output dataset is a dataset, but not one a batch reads: refused as an uploaded one of
    // a type that is not a batch input type would be.
    const outputType = this.#outputs.typeOf(datasetId, this.#now());
    if (outputType !== undefined) return `input dataset ${datasetId} has type ${outputType}, not a batch input type`;
    return this.#datasets.batchInput(datasetId, atUs);
  }

  /**
   * See {@link FakeCohereOptions.ignoreIdempotencyKeys}; settable at any time: `true` turns the
   * `Idempotency-Key` handling off, `false` on again, from the next request on.
   *
   * @example
   * ```ts
   * fake.ignoreIdempotencyKeys = true; // from now on, every create makes a new batch
   * fake.ignoreIdempotencyKeys = false; // keys are honoured again
   * ```
   * @throws `TypeError` when set to anything but `true` or `false`.
   */
  get ignoreIdempotencyKeys(): boolean {
    return this.#ignoreIdempotencyKeys;
  }

  // Documented on the getter (one doc comment per property).
  set ignoreIdempotencyKeys(ignore: boolean) {
    checkBoolean("ignoreIdempotencyKeys", ignore, true);
    this.#ignoreIdempotencyKeys = ignore;
  }

  /**
   * A WHATWG `fetch` served in memory, whatever the URL's origin: pass it as the SDK's `fetch`
   * option. Bound, so it can be passed around. Every response carries the request's URL (without
   * its fragment) as a real fetch's does, also on its clones: an operation's, a fault's, the
   * bodiless answer to a `HEAD`, and the 500 of a clock gone bad.
   *
   * @example
   * ```ts
   * const response = await fake.fetch("https://api.cohere.com/v2/batches", {
   *   headers: { authorization: "Bearer test-token" },
   * });
   * response.url; // "https://api.cohere.com/v2/batches"
   * ```
   * @throws What `fetch` throws, as the promise's rejection: a `TypeError` for an input and init
   * that make no `Request` (an invalid URL, a body on a `GET`), `TypeError("fetch failed")` for an
   * injected dropped connection, the signal's `reason` when `init.signal` is or becomes aborted.
   * Errors of the API are responses, not rejections.
   */
  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const response = await this.handle(request);
    // fetch gives no body for a HEAD, whatever the server sent (the Node server drops it too).
    return request.method === "HEAD" && response.body !== null
      ? answering(
          new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers }),
          request.url,
        )
      : response;
  };

  /**
   * The clock's time, checked: a `TypeError` naming the clock, not an "Invalid time value" later.
   * Within the years `ManualClock` allows (1684 to 2255): the fake counts time in whole
   * microseconds, and a custom clock past 2255 made page tokens the fake itself then refused.
   */
  #now(): number {
    const now: unknown = this.clock.now();
    if (typeof now !== "number" || !(Math.abs(now) <= MAX_TIME_MS))
      throw new TypeError(
        `clock.now() must return milliseconds since the epoch within ±${MAX_TIME_MS} (years 1684 to 2255), got ${typeof now === "number" ? now : typeof now}`,
      );
    return now;
  }

  /**
   * Handles one request: what {@link FakeCohere.fetch} and the Node HTTP server both call (the
   * server with the {@link HandleOptions.role} of the port that received it).
   *
   * Order: route (404 / 405), then injected faults, then auth (401), then the operation.
   * Rejects only as `fetch` would: `TypeError("fetch failed")` for a dropped connection, the
   * signal's reason for an aborted request.
   *
   * @example
   * ```ts
   * const response = await fake.handle(new Request("https://api.cohere.com/v2/batches", { headers: { authorization: "Bearer test-token" } }));
   * ```
   * @throws `TypeError` ("fetch failed") for an injected dropped connection; the signal's `reason`
   * when `request.signal` is or becomes aborted; a `TypeError` naming it for a `request` that is
   * no `Request`, or options that are not `{ role?: "api" | "download" }`. Errors of the API are
   * responses, not rejections.
   */
  async handle(request: Request, options: HandleOptions = {}): Promise<Response> {
    checkHandleArguments(request, options);
    if (request.signal.aborted) throw request.signal.reason;
    const url = new URL(request.url);
    const { body, form } = await readBody(request);
    const route = this.#route(request.method, url, options.role);
    // A clock gone bad is the fake's own fault: a 500 naming it, as one inside an operation is
    // (a rejection here was a dropped socket over HTTP).
    let at: number;
    try {
      at = this.#now();
    } catch (error) {
      return answering(this.#responses.error(500, `FakeCohere internal error: ${String(error)}`), request.url);
    }
    this.requests.push({
      operation: route.operation,
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body,
      ...(form === undefined ? {} : { form }),
      at,
    });
    // Real fetch responses carry the URL they came from; SDKs report it.
    return answering(await this.#answer(route, request, url, body, form), request.url);
  }

  /** The route of a request: by the origin that received it (`role`, else its URL's), then by method and path. */
  #route(method: string, url: URL, role: HandleOptions["role"]): Route {
    const download = role === undefined ? url.origin === this.#outputs.downloads.origin : role === "download";
    return download ? { kind: "matched", operation: "datasets.download" } : routeRequest(method, url.pathname);
  }

  /** The answer to a recorded request: the oldest pending fault that matches it, else the operation's. */
  #answer(route: Route, request: Request, url: URL, body: string, form: FormData | undefined): Promise<Response> {
    const perform = async (): Promise<Response> =>
      this.#operations.respond(route, request.method, request.headers, url, body, form);
    const fault = this.#faults.take(route.operation);
    // Returned, not awaited: `handle` awaits this very promise, so no microtask is added before it.
    return fault
      ? applyFault(fault, { operation: route.operation, signal: request.signal, responses: this.#responses, perform })
      : perform();
  }

  /**
   * The origin of datasets' download URLs (output datasets, and validated uploads: see
   * uploaded-parts.ts): a second host, as Cohere's are on Google Cloud Storage. `fetch` routes requests to it by origin; the Node server sets it to its second port,
   * and routes by the port that received a request (see {@link HandleOptions.role}). Setting it
   * moves the download origin to the origin of the URL given (an http(s) URL).
   *
   * @example
   * ```ts
   * fake.downloadOrigin = "http://127.0.0.1:9999/anything";
   * fake.downloadOrigin; // "http://127.0.0.1:9999"
   * ```
   * @throws `TypeError` when set to a string that is no URL, or a URL that is not http(s) (a
   * `data:`, `file:` or `about:` URL has no origin to route by).
   * @defaultValue `"https://storage.fake-cohere.test"`
   */
  get downloadOrigin(): string {
    return this.#outputs.downloads.origin;
  }

  // Documented on the getter: moves the download origin to the origin of `origin`.
  set downloadOrigin(origin: string) {
    const url = new URL(origin);
    // A data:, file: or about: URL has no origin to route by: its parts' URLs read "null/...".
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new TypeError(`downloadOrigin must be an http(s) URL, got ${JSON.stringify(url.protocol)}`);
    this.#outputs.downloads.origin = url.origin;
  }

  /**
   * Every `Authorization` header the download origin received and refused: a test of token
   * secrecy wants none.
   *
   * @example
   * ```ts
   * import { expect } from "vitest";
   * for await (const record of client.batches.results(batchId)) console.log(record.custom_id);
   * expect(fake.downloadAuthorizations).toEqual([]); // the key never went to the storage host
   * ```
   */
  get downloadAuthorizations(): readonly string[] {
    return this.#outputs.downloads.authorizations;
  }

  /**
   * How many requests were received for `operation`, or in all without an argument or with `"*"`
   * (the operations and `"*"` are those {@link FakeCohere.inject} takes). Every request counts,
   * those answered with an injected fault too.
   *
   * @example
   * ```ts
   * import { expect } from "vitest";
   * fake.inject("create", { type: "status", status: 503 });
   * await client.batches.create({ name: "nightly", input_dataset_id: datasetId, model: "embed-v4.0" });
   * expect(fake.count("create")).toBe(2); // the 503, then its retry
   * expect(fake.listBatches()).toHaveLength(1); // one batch
   * ```
   * @throws `TypeError` for an unknown operation (a misspelt one would always count 0).
   */
  count(operation?: FaultTarget): number {
    if (operation === undefined) return this.requests.length;
    checkFaultTarget(operation);
    return operation === "*" ? this.requests.length : this.requests.filter((r) => r.operation === operation).length;
  }

  /**
   * Injects a fault into the next `times` requests of `operation` (`"*"`: any request).
   * Faults queue up: a request takes the oldest pending fault that matches it.
   *
   * @throws RangeError for an invalid `times` or `skip`, or a fault field out of range (status,
   * `retryAfterMs`, delay `ms` above setTimeout's 2^31-1, truncate `bytes`); TypeError for an unknown
   * operation, fault type or field, or a field of the wrong type (a status `body` JSON cannot
   * serialise, an invalid header name or value, a non-boolean `afterAction`, a non-string
   * malformed `body`).
   * @example
   * ```ts
   * fake
   *   .inject("create", { type: "status", status: 503, retryAfter: "0" }, { times: 2 })
   *   .inject("create", { type: "drop", afterAction: true });
   * ```
   */
  inject(operation: FaultTarget, fault: Fault, options?: InjectOptions): this {
    this.#faults.add(operation, fault, options);
    return this;
  }

  /**
   * How many injected fault uses are still pending (`Infinity` if one is unlimited).
   *
   * @example
   * ```ts
   * import { expect } from "vitest";
   * fake.inject("list", { type: "status", status: 503 }, { times: 2 });
   * await client.batches.list();
   * expect(fake.pendingFaults).toBe(0); // both used: the first attempt's 503 and its retry's
   * ```
   */
  get pendingFaults(): number {
    return this.#faults.size;
  }

  /**
   * Stores `count` batches directly, without requests (e.g. 2,500 of them for pagination tests),
   * created at the clock's current time unless `init.created_at` says otherwise.
   *
   * `init` fields apply to every batch. `name`, `input_dataset_id` and `model` default to
   * `batch-<n>`, `dataset-<n>` and {@link DEFAULT_SEEDED_MODEL}. Life-cycle fields given in
   * `init` (`status`, `updated_at`, the counters, the token counts, `status_reason`) are fixed:
   * the life cycle no longer moves them (a cancel still takes over `status`). A batch seeded
   * with a terminal status is at its end from the start (its counts those of that end, its
   * `updated_at` its `created_at`). On a dataset uploaded to the fake, a batch has its records;
   * one a create would be refused on (not validated yet, deleted, not a batch input) is a
   * `RangeError`.
   *
   * @example
   * ```ts
   * fake.addBatches(2_500, { status: "BATCH_STATUS_COMPLETED" });
   * let seen = 0;
   * for await (const _ of client.batches.listAll({ page_size: 1000 })) seen++; // 2,500, in three pages
   * ```
   * @returns The new batches, in insertion order.
   * @throws RangeError for a bad count, a `created_at` or `updated_at` that is not RFC 3339, a
   * record count that is not an int32 of 0 or more (or a `num_records` over 100,000, whose output
   * the fake could not write in memory), a token count that is not an int64 of 0 or more as a decimal string, or an
   * `id` or `output_dataset_id` with `count` above 1, an `id` that is already a batch's, an
   * `output_dataset_id` that is already a dataset's (another batch's output, an upload); TypeError for a field that is not one of a batch's (a misspelt
   * one), a string field given as anything else, or an empty `id` or `status` (any other status
   * is served as it is: one the SDK does not know yet passes through it).
   */
  addBatches(count: number, init: Partial<WireBatch> = {}): WireBatch[] {
    checkSeedRequest(count, init);
    const nowUs = msToMicros(this.#now());
    this.#checkIdsFree(init, nowUs);
    const createdAtUs = init.created_at === undefined ? nowUs : seedTime("created_at", init.created_at);
    const pinned = pinnedFields(init);
    const firstNumber = this.#store.all().length + 1;
    // All checked before any is added: a seeding that throws leaves the fake as it was.
    const inputs = this.#seedInputs(count, init, firstNumber, nowUs);
    const before = new Set(this.#store.all().map((record) => record.id));
    const added: WireBatch[] = [];
    try {
      for (const [i, { inputDatasetId, uploaded }] of inputs.entries())
        added.push(this.#seedOne(firstNumber + i, init, inputDatasetId, uploaded, createdAtUs, pinned, nowUs));
    } catch (error) {
      for (const record of this.#store.all()) if (!before.has(record.id)) this.#store.remove(record.id);
      throw error;
    }
    return added;
  }

  /** Refuses a seeded `id` that is a batch's already, and an `output_dataset_id` that is a dataset's. */
  #checkIdsFree(init: Partial<WireBatch>, nowUs: number): void {
    if (init.id !== undefined && this.#store.get(init.id) !== undefined)
      throw new RangeError(`init.id ${JSON.stringify(init.id)} is the id of a batch already`);
    const outputId = init.output_dataset_id;
    // One id for two datasets served the first one alone: a completed batch's results were a 404.
    if (
      outputId !== undefined &&
      (this.#store.all().some((record) => record.outputDatasetId === outputId) ||
        this.#batchInput(outputId, nowUs) !== undefined)
    )
      throw new RangeError(`init.output_dataset_id ${JSON.stringify(outputId)} is the id of a dataset already`);
  }

  /** The input dataset of each of `count` seeded batches, and what a batch would read from it. */
  #seedInputs(
    count: number,
    init: Partial<WireBatch>,
    firstNumber: number,
    nowUs: number,
  ): { inputDatasetId: string; uploaded: number | undefined }[] {
    return Array.from({ length: count }, (_, i) => {
      const inputDatasetId = init.input_dataset_id ?? `dataset-${firstNumber + i}`;
      // On a dataset uploaded to the fake: its records, and `failWhen` told it is an upload. One a
      // create would be refused on (not validated yet, deleted, not a batch input) is refused.
      const uploaded = this.#batchInput(inputDatasetId, nowUs);
      if (typeof uploaded === "string")
        throw new RangeError(
          `${init.input_dataset_id === undefined ? `the seeded batch's own input dataset (dataset-<n> when init.input_dataset_id is not given)` : "init.input_dataset_id"}: ${uploaded} (a batch create would be refused)`,
        );
      return { inputDatasetId, uploaded };
    });
  }

  /** One batch of `addBatches`, its input checked. */
  #seedOne(
    n: number,
    init: Partial<WireBatch>,
    inputDatasetId: string,
    uploaded: number | string | undefined,
    createdAtUs: number,
    pinned: PinnedFields,
    nowUs: number,
  ): WireBatch {
    const record = this.#store.add({
      id: init.id,
      name: init.name ?? `batch-${n}`,
      inputDatasetId,
      model: init.model ?? DEFAULT_SEEDED_MODEL,
      createdAtUs,
      numRecords: init.num_records ?? (typeof uploaded === "number" ? uploaded : undefined),
      uploaded: uploaded !== undefined,
      creatorId: init.creator_id,
      orgId: init.org_id,
      outputDatasetId: init.output_dataset_id,
      pinned,
    });
    return this.#store.snapshot(record, nowUs);
  }

  /**
   * Every stored batch in its current life-cycle state, in insertion order (a snapshot).
   *
   * @example
   * ```ts
   * const clock = new ManualClock();
   * const fake = new FakeCohere({ clock });
   * fake.addBatches(3);
   * clock.advance(60_000);
   * console.log(fake.listBatches().map((batch) => batch.status));
   * ```
   * @throws Never: it reads the store at the clock's time.
   */
  listBatches(): WireBatch[] {
    const nowUs = msToMicros(this.#now());
    return this.#store.all().map((record) => this.#store.snapshot(record, nowUs));
  }

  /**
   * Drops pending faults and the request log (and the download origin's log); with `{ batches: true }` also every batch.
   *
   * @example
   * ```ts
   * import { afterEach } from "vitest";
   * afterEach(() => fake.reset({ batches: true }));
   * ```
   * @throws `TypeError` for an unknown option (a misspelt `batches`) or a `batches` that is not a boolean.
   */
  reset(options: ResetOptions = {}): void {
    checkKnownKeys<ResetOptions>("reset options", options, { batches: true });
    checkBoolean("reset options.batches", options.batches);
    this.#faults.clear();
    this.requests.length = 0;
    this.#outputs.downloads.clearLog();
    if (options.batches) {
      this.#store.clear();
      this.#datasetStore.clear();
      this.#idempotency.clear();
      this.#outputs.clear();
      this.#service.replacePageTokens(new PageTokenCodec(this.#salts.hex(16)));
    }
  }
}
