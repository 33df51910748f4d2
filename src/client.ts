import { runtime } from "#platform";
import { ApiClient } from "./core/api-client.js";
import { resolveClientOptions, type CohereClientOptions } from "./core/client-options.js";
import type { Middleware } from "./core/middleware.js";
import { BatchesClient } from "./resources/batches/batches-client.js";

/**
 * The Cohere client. Options are checked here, so a missing token or a bad `baseUrl` fails at
 * construction, before anything is sent.
 *
 * @example
 * ```ts
 * import { CohereClient } from "cohere-batches";
 *
 * const client = new CohereClient({ token: process.env.CO_API_KEY, clientName: "my-app" });
 * const page = await client.batches.list({ page_size: 10 });
 * ```
 * @public
 */
export class CohereClient {
  /** The batches API (`v2/batches`). */
  readonly batches: BatchesClient;
  readonly #api: ApiClient;

  constructor(options: CohereClientOptions = {}) {
    this.#api = new ApiClient(resolveClientOptions(options, runtime));
    this.batches = new BatchesClient(this.#api);
  }

  /**
   * Adds middleware after the ones already there (per attempt, after auth), and returns the
   * client, so calls chain.
   */
  use(...middleware: Middleware[]): this {
    for (const layer of middleware) {
      if (typeof layer !== "function") throw new TypeError("use: each middleware must be a function");
    }
    this.#api.use(middleware);
    return this;
  }
}
