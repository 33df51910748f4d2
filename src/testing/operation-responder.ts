/**
 * The answer of the operation a request was routed to, once no fault took it: route errors,
 * the download origin (a signed URL is its credential), auth, then the batches or datasets
 * service. What `FakeCohere.handle` performs.
 */
import { authenticate } from "./auth.js";
import type { BatchesService } from "./batches-service.js";
import type { DatasetsService } from "./datasets-service.js";
import type { PartLookup } from "./download-origin.js";
import type { ResponseFactory } from "./http-response.js";
import type { OutputDatasets } from "./output-datasets.js";
import type { Route, RouteMethodNotAllowed, RouteNotFound } from "./router.js";
import type { UploadedParts } from "./uploaded-parts.js";
import type { Operation } from "./wire.js";

/** The operations of `v1/datasets` but the download, which the datasets and outputs serve. */
type DatasetsOperation = Exclude<
  Operation,
  "list" | "create" | "retrieve" | "cancel" | "datasets.download" | "unknown"
>;

/** What the operations are served by: the fake's parts, and what it may change later, read at each request. */
export interface OperationParts {
  readonly tokens: ReadonlySet<string>;
  readonly responses: ResponseFactory;
  readonly batches: BatchesService;
  readonly datasets: DatasetsService;
  readonly outputs: OutputDatasets;
  readonly uploaded: UploadedParts;
  /** The fake's clock, checked (see `FakeCohere`'s `#now`). */
  readonly now: () => number;
  /** `FakeCohere.ignoreIdempotencyKeys`, which a test may set at any time. */
  readonly ignoreIdempotencyKeys: () => boolean;
}

/** Answers routed requests with the fake's services. */
export class OperationResponder {
  readonly #parts: OperationParts;

  constructor(parts: OperationParts) {
    this.#parts = parts;
  }

  /** A part on the download origin: an output dataset's, else a validated upload's. */
  readonly #partBytes: PartLookup = async (datasetId, index, nowMs) =>
    (await this.#parts.outputs.partBytes(datasetId, index, nowMs)) ??
    this.#parts.uploaded.partBytes(datasetId, index, nowMs);

  async respond(
    route: Route,
    method: string,
    headers: Headers,
    url: URL,
    body: string,
    form?: FormData,
  ): Promise<Response> {
    const { responses, outputs, now } = this.#parts;
    try {
      if (route.kind !== "matched") return this.#routeError(route, url);
      // The download origin is another host: a signed URL is its credential, not the API token.
      if (route.operation === "datasets.download")
        return await outputs.downloads.serve(method, headers, url, now(), this.#partBytes);
      const auth = authenticate(headers, this.#parts.tokens);
      if (!auth.ok) return responses.error(401, auth.message);
      const id = route.id ?? "";
      // The batches service is synchronous: its answer goes with no await before it.
      switch (route.operation) {
        case "list":
          return this.#parts.batches.list(url.searchParams);
        case "create":
          return this.#parts.batches.create(body, auth.token, this.#idempotencyKey(headers));
        case "retrieve":
          return this.#parts.batches.retrieve(id);
        case "cancel":
          return this.#parts.batches.cancel(id);
        default:
          return await this.#datasetsOperation(route.operation, id, auth.token, headers, url, form);
      }
    } catch (error) {
      // A bug in the fake should look like a server bug, not crash the client's test oddly.
      return responses.error(500, `FakeCohere internal error: ${String(error)}`);
    }
  }

  /** A request no operation takes: 404 for an unknown path, 405 (with `Allow`) for another method. */
  #routeError(route: RouteNotFound | RouteMethodNotAllowed, url: URL): Response {
    if (route.kind === "not-found") {
      return this.#parts.responses.error(404, `no route matches ${url.pathname}`);
    }
    return this.#parts.responses.error(405, `method not allowed on ${url.pathname}`, { allow: route.allow });
  }

  /** One of the datasets operations (the download aside). */
  async #datasetsOperation(
    operation: DatasetsOperation,
    id: string,
    token: string,
    headers: Headers,
    url: URL,
    form: FormData | undefined,
  ): Promise<Response> {
    const { datasets, outputs, now } = this.#parts;
    switch (operation) {
      case "datasets.create":
        return await datasets.create(url.searchParams, form, token, this.#idempotencyKey(headers));
      case "datasets.retrieve":
        return (await outputs.retrieve(id, now())) ?? datasets.retrieve(id);
      // Output datasets are datasets too: listed, deleted and counted with the uploaded ones.
      case "datasets.list":
        return await datasets.list(url.searchParams, outputs.list(now()));
      case "datasets.delete":
        return outputs.delete(id, now()) ?? datasets.delete(id);
      case "datasets.usage":
        return datasets.usage(await outputs.usageBytes(now()));
    }
  }

  /** The create's `Idempotency-Key`, or `null` when there is none or keys are ignored (read at each create). */
  #idempotencyKey(headers: Headers): string | null {
    return this.#parts.ignoreIdempotencyKeys() ? null : headers.get("idempotency-key");
  }
}
