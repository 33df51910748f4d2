import { runtime } from "#platform";
import { ApiClient } from "./core/api-client.js";
import { resolveClientOptions, type CohereClientOptions } from "./core/client-options.js";
import type { Middleware } from "./core/middleware.js";
import { toPlugin, type MiddlewareDescription, type MiddlewarePlugin } from "./core/middleware-plugin.js";
import { createPipeline } from "./pipeline/create-pipeline.js";
import { BatchesClient } from "./resources/batches/batches-client.js";
import { DatasetsClient } from "./resources/datasets/datasets-client.js";
import { bindMethods } from "./internal/bind-methods.js";

/**
 * The Cohere client. Options are checked here, so a missing token or a bad `baseUrl` fails at
 * construction, before anything is sent. Every method of the client and of its resources is
 * bound to it, so one can be passed around alone (`const { retrieve } = client.batches`).
 *
 * @example
 * ```ts
 * import { CohereClient } from "cohere-batches";
 *
 * const client = new CohereClient({ token: process.env.CO_API_KEY, clientName: "my-app" });
 * const page = await client.batches.list({ page_size: 10 });
 * ```
 * @throws {@link CohereError} from the constructor, for bad options (see the constructor); each
 * method lists what its calls throw.
 * @public
 */
export class CohereClient {
  /** The batches API (`v2/batches`). */
  readonly batches: BatchesClient;
  /** The datasets API (`v1/datasets`), which feeds batches. */
  readonly datasets: DatasetsClient;
  readonly #api: ApiClient;

  /**
   * Checks the options and builds the client. Nothing is sent until the first call.
   *
   * @example
   * ```ts
   * const client = new CohereClient({ clientName: "nightly-jobs", logLevel: "info" });
   * ```
   * @throws {@link CohereError} for an unknown or invalid option (the message names it and, for a
   * misspelling, the known name), a missing token, a `baseUrl` that is not an absolute http(s)
   * URL or ends in `/v2`, or, in a web page, a missing `dangerouslyAllowBrowser: true`.
   */
  constructor(options: CohereClientOptions = {}) {
    this.#api = new ApiClient(resolveClientOptions(options, runtime), {
      calls: createPipeline,
      // Only programs that read results load the download pipeline.
      downloads: async (options) => (await import("./pipeline/download-pipeline.js")).createDownloadPipeline(options),
    });
    this.batches = new BatchesClient(this.#api);
    this.datasets = new DatasetsClient(this.#api);
    // What users hold, tied to them; the SDK's own inner clients (a run's, a walk's) need not be.
    [this, this.batches, this.batches.withRawResponse, this.datasets, this.datasets.withRawResponse].forEach(
      bindMethods,
    );
  }

  /**
   * Adds middleware after the ones already in the same phase, and returns the client, so calls
   * chain. A function runs per attempt, after auth; a plugin runs in the phase it declares.
   * Calls already in flight keep the chain they started with.
   *
   * @example
   * ```ts
   * client.use(tracingMiddleware(), rateLimitMiddleware({ requestsPerMinute: 500 }));
   * ```
   * @throws {@link CohereError} for an entry that is neither a function nor `{ name, phase?, handle }`.
   */
  use(...middleware: (Middleware | MiddlewarePlugin)[]): this {
    this.#api.use(middleware.flatMap(toPlugin));
    return this;
  }

  /**
   * The pipeline's layers in the order a request meets them, outermost first: the SDK's own
   * and yours, each with its phase. For debugging the order of plugins.
   *
   * @example
   * ```ts
   * console.table(client.describeMiddleware());
   * ```
   * @throws Never.
   */
  describeMiddleware(): readonly MiddlewareDescription[] {
    return this.#api.describe();
  }
}
