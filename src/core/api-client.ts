import createClient, { type Client } from "openapi-fetch";
import * as v from "valibot";
import type { paths } from "../generated/openapi.js";
import { CohereAbortError } from "./errors/abort-error.js";
import { CohereParseError } from "./errors/parse-error.js";
import { readRequestId, type HttpResponse } from "./http-response.js";
import { readBodyText } from "./response-body.js";
import { issuePath } from "./input.js";
import type { MiddlewareContext } from "./middleware.js";
import type { MiddlewareDescription, ResolvedPlugin } from "./middleware-plugin.js";
import { createPipeline, type Pipeline } from "./pipeline.js";
import type { ResolvedClientOptions } from "./client-options.js";
import { resolveRequestOptions, type RequestOptions } from "./request-options.js";

/**
 * What a resource hands openapi-fetch for one call: our pipeline as its fetch. `parseAs:
 * "stream"` makes openapi-fetch leave the body alone: the transport has read it already.
 */
export interface CallInit {
  fetch: (request: Request) => Promise<Response>;
  parseAs: "stream";
  signal?: AbortSignal;
}

/** What openapi-fetch resolves with; only the response matters. */
interface CallResult {
  response: Response;
}

/**
 * @internal
 * The core the resources call into: one `call` per SDK method. It resolves the request
 * options, lets openapi-fetch build the URL from the generated `paths`, sends it through the
 * pipeline, and checks the body against a valibot schema.
 */
export class ApiClient {
  #options: ResolvedClientOptions;
  #openapi: Client<paths> | undefined;
  #pipeline: Pipeline;

  constructor(options: ResolvedClientOptions) {
    this.#options = options;
    this.#pipeline = createPipeline(options);
  }

  /** Appends users' plugins; calls already in flight keep the chain they started with. */
  use(plugins: readonly ResolvedPlugin[]): void {
    this.#options = { ...this.#options, plugins: [...this.#options.plugins, ...plugins] };
    this.#pipeline = createPipeline(this.#options);
  }

  /** The layers in the order they run, outermost first. */
  describe(): readonly MiddlewareDescription[] {
    return this.#pipeline.description;
  }

  /**
   * Performs one operation.
   * @param operation - the name middleware see, e.g. `"batches.list"`
   * @param schema - what a 2xx body must look like
   * @param send - the openapi-fetch call, given the init that routes it through the pipeline
   * @param emptyBody - the data an empty 2xx body stands for; without it, an empty body is a parse error
   */
  async call<T>(operation: string, requestOptions: RequestOptions | undefined, schema: v.GenericSchema<unknown, T>, send: (api: Client<paths>, init: CallInit) => Promise<CallResult>, emptyBody?: T): Promise<HttpResponse<T>> {
    const options = resolveRequestOptions(this.#options.defaults, requestOptions);
    const signal = options.abortSignal;
    if (signal?.aborted) throw new CohereAbortError(signal.reason);
    const context: MiddlewareContext = { operation, attempt: 1, options, signal };
    const { send: pipeline } = this.#pipeline;
    const init: CallInit = { fetch: (request) => pipeline(request, context), parseAs: "stream" };
    if (signal !== undefined) init.signal = signal;
    // Made on the first call, not in the constructor: createClient reads globalThis.Request,
    // which makes Node load its fetch (about 40 ms), a cost a client built at start-up need not pay yet.
    this.#openapi ??= createClient<paths>({ baseUrl: this.#options.baseUrl });
    const { response } = await send(this.#openapi, init);
    const text = await readBodyText(response);
    return {
      data: parseBody(response.status, text, schema, emptyBody),
      status: response.status,
      headers: response.headers,
      url: response.url,
      requestId: readRequestId(response.headers),
      rawResponse: response,
    };
  }
}

function parseBody<T>(status: number, text: string, schema: v.GenericSchema<unknown, T>, emptyBody: T | undefined): T {
  if (text.trim() === "") {
    if (emptyBody !== undefined) return emptyBody;
    throw new CohereParseError(status, text, ["the body is empty"]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CohereParseError(status, text, [`the body is not JSON (${(error as Error).message})`]);
  }
  const result = v.safeParse(schema, json);
  if (result.success) return result.output;
  throw new CohereParseError(
    status,
    text,
    result.issues.map((issue) => {
      const path = issuePath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    }),
  );
}
