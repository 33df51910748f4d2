/**
 * {@link FakeCohere}: an in-memory stand-in for Cohere's `v2/batches` service, reachable
 * through a `fetch` function in any runtime (and over HTTP in Node, see `index.node.ts`).
 *
 * @packageDocumentation
 */
import { authenticate } from "./auth.js";
import { BatchStore, type PinnedFields } from "./batch-store.js";
import { BatchesService } from "./batches-service.js";
import { type Clock, MAX_TIME_MS, ManualClock } from "./clock.js";
import { type DatasetLifecycleOptions, DatasetStore } from "./dataset-store.js";
import { DatasetsService } from "./datasets-service.js";
import { applyFault } from "./fault-responses.js";
import { type Fault, FaultQueue, type FaultTarget, type InjectOptions, checkFaultTarget } from "./faults.js";
import { ResponseFactory } from "./http-response.js";
import { IdempotencyStore } from "./idempotency.js";
import { type LifecycleOptions, resolveLifecycle } from "./lifecycle.js";
import { PageTokenCodec } from "./page-token.js";
import { readBody } from "./request-body.js";
import { type Route, routeRequest } from "./router.js";
import { SeededRandom, randomSeed } from "./seeded-random.js";
import { type OutputDatasetOptions, OutputDatasets } from "./output-datasets.js";
import { UrlSigner } from "./signed-urls.js";
import { UploadedParts } from "./uploaded-parts.js";
import type { PartLookup } from "./download-origin.js";
import { formatTimestamp, msToMicros, parseTimestamp } from "./timestamp.js";
import type { Operation, WireBatch } from "./wire.js";
import { checkBoolean, checkKnownKeys } from "./option-checks.js";
import { MAX_OUTPUT_RECORDS } from "./output-files.js";

/** Options of {@link FakeCohere}. */
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

/** One request the fake received, as {@link FakeCohere.requests} lists it. */
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

/** Options of {@link FakeCohere.handle}. */
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

const HANDLE_OPTIONS: Readonly<Record<keyof HandleOptions, true>> = { role: true };

/**
 * A `Request` by everything `handle` reads of it (one of another realm or a polyfill passes): its
 * URL and method, headers it can get and walk, a signal it can listen to, a body it can read.
 */
function isRequest(value: unknown): value is Request {
  if (value instanceof Request) return true;
  try {
    const { url, method, headers, signal, arrayBuffer, text, formData } = value as Request;
    return (
      typeof url === "string" &&
      typeof method === "string" &&
      typeof headers?.get === "function" &&
      typeof headers[Symbol.iterator] === "function" &&
      typeof signal?.aborted === "boolean" &&
      typeof signal.addEventListener === "function" &&
      typeof signal.removeEventListener === "function" &&
      [arrayBuffer, text, formData].every((read) => typeof read === "function")
    );
  } catch {
    return false;
  }
}

/** Options of {@link FakeCohere.reset}. */
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
 */
export const DEFAULT_SEEDED_MODEL = "command-a-03-2025";

const PINNABLE = [
  "status",
  "updated_at",
  "num_successful_records",
  "num_failed_records",
  "input_tokens",
  "output_tokens",
  "status_reason",
] as const satisfies readonly (keyof PinnedFields)[];

/** The fields `addBatches` takes: typed as a record so that a new field of a batch cannot be left out. */
const SEEDABLE: Readonly<Record<keyof WireBatch, true>> = {
  id: true,
  name: true,
  creator_id: true,
  org_id: true,
  status: true,
  created_at: true,
  updated_at: true,
  input_dataset_id: true,
  output_dataset_id: true,
  input_tokens: true,
  output_tokens: true,
  model: true,
  num_records: true,
  num_successful_records: true,
  num_failed_records: true,
  status_reason: true,
};

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;

/** The fields the spec requires of a batch (`Batch.required`). */
const REQUIRED_BATCH_FIELDS = new Set<keyof WireBatch>(["name", "input_dataset_id", "model"]);

/** Checks what `addBatches` is given, as the spec types each field (int32 counts, int64 token counts as strings). */
function checkSeedInit(init: Partial<WireBatch>): void {
  checkKnownKeys<WireBatch>("addBatches init", init, SEEDABLE);
  for (const [field, value] of Object.entries(init) as [keyof WireBatch, unknown][]) {
    if (value === undefined) continue;
    if (field === "num_records" || field === "num_successful_records" || field === "num_failed_records") {
      if (!(typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= INT32_MAX))
        throw new RangeError(
          `init.${field} must be an integer from 0 to ${INT32_MAX} (int32), got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
        );
      // Its output is written in memory when first read (see `MAX_OUTPUT_RECORDS`).
      if (field === "num_records" && value > MAX_OUTPUT_RECORDS)
        throw new RangeError(
          `init.num_records must be at most ${MAX_OUTPUT_RECORDS}, got ${value}: the fake writes a batch's output in memory`,
        );
    } else if (typeof value !== "string") {
      throw new TypeError(`init.${field} must be a string, got ${typeof value}`);
    } else if (value === "" && (field === "id" || field === "status" || REQUIRED_BATCH_FIELDS.has(field))) {
      // A status: any other text (one the SDK does not know yet) is served as it is, to test that it
      // passes through. A field the spec requires of a batch: a create never makes one without it,
      // and `omitZeroValues` would leave it out of the JSON.
      throw new TypeError(`init.${field} must be a non-empty string`);
    } else if (
      (field === "input_tokens" || field === "output_tokens") &&
      !(/^\d+$/.test(value) && BigInt(value) <= INT64_MAX)
    ) {
      throw new RangeError(`init.${field} must be an int64 >= 0 as a decimal string, got ${JSON.stringify(value)}`);
    }
    // The times are parsed once, by `addBatches` (`seedTime`), before any batch is added.
  }
}

/**
 * The time of a seeded timestamp, in microseconds: RFC 3339, and within the times whose
 * microseconds a number holds exactly (1684 to 2255, as a `ManualClock`'s), or it would be
 * served as another time (2999-12-31T23:59:59.999999Z came back as 3000-01-01).
 */
function seedTime(field: string, value: string): number {
  const us = parseTimestamp(value);
  if (us === undefined) throw new RangeError(`init.${field} is not RFC 3339: ${value}`);
  if (!Number.isSafeInteger(us))
    throw new RangeError(
      `init.${field} must be a time from 1684 to 2255 (the fake counts time in whole microseconds), got ${value}`,
    );
  return us;
}

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
 */
export class FakeCohere {
  /** The clock the fake reads; advance it (if it is a {@link ManualClock}) to move batches along. */
  readonly clock: Clock;
  /** Every request received, in order (CORS preflights excluded). Cleared by {@link FakeCohere.reset}. */
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
    checkKnownKeys<FakeCohereOptions>("FakeCohere options", options, {
      tokens: true,
      clock: true,
      lifecycle: true,
      datasetLifecycle: true,
      seed: true,
      outputs: true,
      ignoreIdempotencyKeys: true,
      omitZeroValues: true,
    });
    if (options.seed !== undefined && !Number.isFinite(options.seed))
      throw new TypeError(`seed must be a finite number, got ${String(options.seed)}`);
    const tokens = options.tokens ?? ["test-token"];
    if (!Array.isArray(tokens)) throw new TypeError(`tokens must be an array of strings, got ${typeof tokens}`);
    if (tokens.some((t) => typeof t !== "string" || !/^\S+$/.test(t))) {
      throw new TypeError("tokens must be non-empty strings without whitespace");
    }
    this.#tokens = new Set(tokens);
    const clock: unknown = options.clock;
    if (
      clock !== undefined &&
      (clock === null ||
        (typeof clock !== "object" && typeof clock !== "function") ||
        typeof (clock as Partial<Clock>).now !== "function")
    )
      throw new TypeError(
        `clock must be an object with a now() function (a ManualClock, a RealClock), got ${clock === null ? "null" : typeof clock === "object" ? "an object without one" : typeof clock}`,
      );
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
    this.#datasets = new DatasetsService({
      store: this.#datasetStore,
      responses: this.#responses,
      nowUs,
      idempotency: this.#idempotency,
      partUrl: (record, index) => this.#uploaded.url(record, index, this.#now()),
    });
    this.#outputs = new OutputDatasets(
      {
        batches: this.#store,
        datasets: this.#datasetStore,
        responses: this.#responses,
        signer: new UrlSigner(new SeededRandom(this.#seed, "url-signer").hex(16)),
        failEveryNth: lifecycle.failEveryNthRecord,
      },
      options.outputs,
    );
    const { downloads, writeOptions } = this.#outputs;
    this.#uploaded = new UploadedParts({ store: this.#datasetStore, downloads, writeOptions });
    this.#service = new BatchesService({
      store: this.#store,
      idempotency: this.#idempotency,
      responses: this.#responses,
      pageTokens: new PageTokenCodec(this.#salts.hex(16)),
      nowUs,
      inputRecords: (datasetId, atUs) => this.#batchInput(datasetId, atUs),
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
   * See {@link FakeCohereOptions.ignoreIdempotencyKeys}; settable at any time.
   *
   * @example
   * ```ts
   * fake.ignoreIdempotencyKeys = true; // from now on, every create makes a new batch
   * ```
   * @throws `TypeError` when set to anything but `true` or `false`.
   */
  get ignoreIdempotencyKeys(): boolean {
    return this.#ignoreIdempotencyKeys;
  }

  /**
   * Turns the `Idempotency-Key` handling off (`true`) or on (`false`) from the next request on.
   *
   * @example
   * ```ts
   * fake.ignoreIdempotencyKeys = false; // keys are honoured again
   * ```
   * @throws `TypeError` when set to anything but `true` or `false`.
   */
  set ignoreIdempotencyKeys(ignore: boolean) {
    checkBoolean("ignoreIdempotencyKeys", ignore, true);
    this.#ignoreIdempotencyKeys = ignore;
  }

  /**
   * A WHATWG `fetch` served in memory, whatever the URL's origin: pass it as the SDK's `fetch`
   * option. Bound, so it can be passed around.
   *
   * @example
   * ```ts
   * const response = await fake.fetch("https://api.cohere.com/v2/batches", {
   *   headers: { authorization: "Bearer test-token" },
   * });
   * ```
   */
  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const response = await this.handle(request);
    // fetch gives no body for a HEAD, whatever the server sent (the Node server drops it too).
    return request.method === "HEAD" && response.body !== null
      ? new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers })
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
    // A test's own call (a handler of its server, a custom fetch): a misspelt role took every
    // request for the API's, a URL string for a Request failed as "Cannot read properties".
    if (!isRequest(request))
      throw new TypeError(
        `handle(request) takes a Request, got ${request === null ? "null" : typeof request === "object" ? "an object that is not one" : typeof request}`,
      );
    checkKnownKeys<HandleOptions>("handle's options", options, HANDLE_OPTIONS);
    if (options.role !== undefined && options.role !== "api" && options.role !== "download")
      throw new TypeError(`handle's options.role must be "api" or "download", got ${JSON.stringify(options.role)}`);
    if (request.signal.aborted) throw request.signal.reason;
    const url = new URL(request.url);
    const { body, form } = await readBody(request);
    const download =
      options.role === undefined ? url.origin === this.#outputs.downloads.origin : options.role === "download";
    const route: Route = download
      ? { kind: "matched", operation: "datasets.download" }
      : routeRequest(request.method, url.pathname);
    // A clock gone bad is the fake's own fault: a 500 naming it, as one inside an operation is
    // (a rejection here was a dropped socket over HTTP).
    let at: number;
    try {
      at = this.#now();
    } catch (error) {
      return this.#responses.error(500, `FakeCohere internal error: ${String(error)}`);
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
    const perform = async (): Promise<Response> =>
      this.#respond(route, request.method, request.headers, url, body, form);
    const fault = this.#faults.take(route.operation);
    const response = fault
      ? await applyFault(fault, {
          operation: route.operation,
          signal: request.signal,
          responses: this.#responses,
          perform,
        })
      : await perform();
    // Real fetch responses carry the URL they came from; SDKs report it.
    Object.defineProperty(response, "url", { value: request.url, configurable: true });
    return response;
  }

  /**
   * The origin of datasets' download URLs (output datasets, and validated uploads: see
   * uploaded-parts.ts): a second host, as Cohere's are on Google Cloud Storage. `fetch` routes requests to it by origin; the Node server sets it to its second port,
   * and routes by the port that received a request (see {@link HandleOptions.role}).
   * @default "https://storage.fake-cohere.test"
   */
  get downloadOrigin(): string {
    return this.#outputs.downloads.origin;
  }

  /** Moves the download origin to the origin of `origin` (an http(s) URL; anything else is a `TypeError`). */
  set downloadOrigin(origin: string) {
    const url = new URL(origin);
    // A data:, file: or about: URL has no origin to route by: its parts' URLs read "null/...".
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new TypeError(`downloadOrigin must be an http(s) URL, got ${JSON.stringify(url.protocol)}`);
    this.#outputs.downloads.origin = url.origin;
  }

  /** Every `Authorization` header the download origin received and refused: a test of token secrecy wants none. */
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

  /** How many injected fault uses are still pending (`Infinity` if one is unlimited). */
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
   * record count that is not an int32 >= 0 (or a `num_records` over 100,000, whose output the fake
   * could not write in memory), a token count that is not an int64 >= 0 as a decimal string, or an
   * `id` or `output_dataset_id` with `count` above 1, an `output_dataset_id` that is already a
   * dataset's (another batch's output, an upload); TypeError for a field that is not one of a batch's (a misspelt
   * one), a string field given as anything else, or an empty `id` or `status` (any other status
   * is served as it is: one the SDK does not know yet passes through it).
   */
  addBatches(count: number, init: Partial<WireBatch> = {}): WireBatch[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be an integer >= 0, got ${count}`);
    checkSeedInit(init);
    if (init.id !== undefined && count > 1) throw new RangeError("init.id can only be given with count 1");
    // Each batch writes its own output dataset: one id for several served the first one's alone.
    if (init.output_dataset_id !== undefined && count > 1)
      throw new RangeError("init.output_dataset_id can only be given with count 1");
    const nowUs = msToMicros(this.#now());
    // One id for two datasets served the first one alone: a completed batch's results were a 404.
    const outputId = init.output_dataset_id;
    if (
      outputId !== undefined &&
      (this.#store.all().some((record) => record.outputDatasetId === outputId) ||
        this.#batchInput(outputId, nowUs) !== undefined)
    )
      throw new RangeError(`init.output_dataset_id ${JSON.stringify(outputId)} is the id of a dataset already`);
    const createdAtUs = init.created_at === undefined ? nowUs : seedTime("created_at", init.created_at);
    const pinned: PinnedFields = {};
    for (const field of PINNABLE) {
      // A time is served in the fake's one form, as created_at is (not a 9-digit fraction or an offset as given).
      const value =
        field === "updated_at" && init.updated_at !== undefined
          ? formatTimestamp(seedTime("updated_at", init.updated_at))
          : init[field];
      if (value !== undefined) Object.assign(pinned, { [field]: value });
    }
    const firstNumber = this.#store.all().length + 1;
    // All checked before any is added: a seeding that throws leaves the fake as it was.
    const inputs = Array.from({ length: count }, (_, i) => {
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

  /** A part on the download origin: an output dataset's, else a validated upload's. */
  readonly #partBytes: PartLookup = async (datasetId, index, nowMs) =>
    (await this.#outputs.partBytes(datasetId, index, nowMs)) ?? this.#uploaded.partBytes(datasetId, index, nowMs);

  async #respond(
    route: Route,
    method: string,
    headers: Headers,
    url: URL,
    body: string,
    form?: FormData,
  ): Promise<Response> {
    try {
      if (route.kind === "not-found") {
        return this.#responses.error(404, `no route matches ${url.pathname}`);
      }
      if (route.kind === "method-not-allowed") {
        return this.#responses.error(405, `method not allowed on ${url.pathname}`, { allow: route.allow });
      }
      // The download origin is another host: a signed URL is its credential, not the API token.
      if (route.operation === "datasets.download")
        return await this.#outputs.downloads.serve(method, headers, url, this.#now(), this.#partBytes);
      const auth = authenticate(headers, this.#tokens);
      if (!auth.ok) return this.#responses.error(401, auth.message);
      switch (route.operation) {
        case "list":
          return this.#service.list(url.searchParams);
        case "create":
          return this.#service.create(
            body,
            auth.token,
            this.ignoreIdempotencyKeys ? null : headers.get("idempotency-key"),
          );
        case "retrieve":
          return this.#service.retrieve(route.id ?? "");
        case "cancel":
          return this.#service.cancel(route.id ?? "");
        case "datasets.create":
          return await this.#datasets.create(
            url.searchParams,
            form,
            auth.token,
            this.ignoreIdempotencyKeys ? null : headers.get("idempotency-key"),
          );
        case "datasets.retrieve":
          return (await this.#outputs.retrieve(route.id ?? "", this.#now())) ?? this.#datasets.retrieve(route.id ?? "");
        // Output datasets are datasets too: listed, deleted and counted with the uploaded ones.
        case "datasets.list":
          return await this.#datasets.list(url.searchParams, this.#outputs.list(this.#now()));
        case "datasets.delete":
          return this.#outputs.delete(route.id ?? "", this.#now()) ?? this.#datasets.delete(route.id ?? "");
        case "datasets.usage":
          return this.#datasets.usage(await this.#outputs.usageBytes(this.#now()));
      }
    } catch (error) {
      // A bug in the fake should look like a server bug, not crash the client's test oddly.
      return this.#responses.error(500, `FakeCohere internal error: ${String(error)}`);
    }
  }
}
