import {
  createFinalURL,
  createQuerySerializer,
  defaultPathSerializer,
  type Client,
  type ClientPathsWithMethod,
  type ParamsOption,
  type RequestBodyOption,
} from "openapi-fetch";
import type { paths as datasetsPaths } from "../generated/datasets-openapi.js";
import type { paths as batchesPaths } from "../generated/openapi.js";
import { endCall, watchCallEnd } from "./call-end.js";
import { describeThrownValue } from "../internal/thrown-text.js";
import { loadChunk } from "../internal/load-chunk.js";
import {
  recordCarriedTokens,
  redactTokens,
  rememberCarriedTokens,
  rememberKnownTokens,
  withCarriedTokens,
} from "../internal/secrets.js";
import { CohereAbortError } from "./errors/abort-error.js";
import { CohereError } from "./errors/cohere-error.js";
import { attemptsMade, carryCallName, downloadCallName, nameTheCall, typedFailure } from "./errors/call-failure.js";
import { readRequestId, type HttpResponse } from "./http-response.js";
import { checkResponse, expectResponse, type ResponseDescription, takeCheckedData } from "./checked-response.js";
import { setBodyFailure } from "./body-failure.js";
import { countSends, noteCallSends } from "./idempotency-key-sent.js";
import type { CallOrigin, MiddlewareContext, OperationName } from "./middleware.js";
import type { MiddlewareDescription, Pipeline, ResolvedPlugin } from "./middleware-plugin.js";
import type { Download, DownloadDescription } from "./download.js";
import type { BackoffOptions, ResolvedClientOptions } from "./client-options.js";
import { WireRequest, withoutSignal } from "./wire-request.js";
import { resolveRequestOptions, type RequestOptions, type ResolvedRequestOptions } from "./request-options.js";
import { sentAsGiven } from "./json-as-sent.js";

/** Every path of the API the SDK speaks, from the generated specs. */
type paths = batchesPaths & datasetsPaths;

/** The HTTP methods an operation may use (`delete` is for resources that have one). */
export type HttpMethod = "get" | "post" | "delete";

/**
 * One request as the generated `paths` describe it: the method, the path template, and the
 * parameters and body that operation takes. A path the spec lacks, a missing path parameter or
 * a wrong body does not compile.
 */
export type OperationRequest<M extends HttpMethod, P extends ClientPathsWithMethod<Client<paths>, M>> = {
  method: M;
  path: P;
} & ParamsOption<paths[P][M]> &
  RequestBodyOption<paths[P][M]>;

export type { ResponseDescription };

/**
 * Everything the core needs to know about one operation, in one object: its name, the wire
 * request (typed by the spec), what its answer must be, and whether sending it twice is safe.
 * Resources describe their operations with it; the core has no special case for any of them.
 */
export type RequestDescription<
  T,
  M extends HttpMethod,
  P extends ClientPathsWithMethod<Client<paths>, M>,
> = OperationRequest<M, P> & {
  /** The name middleware see, e.g. `"batches.list"`. */
  readonly operation: OperationName;
  /**
   * True when sending the request again cannot do the work twice. A non-idempotent request
   * (a `create`) is retried only where the server certainly did not act, or with an
   * `idempotencyKey`.
   */
  readonly idempotent: boolean;
  readonly response: ResponseDescription<T>;
  /**
   * A body the resource encoded itself (multipart), sent as it is with its content type,
   * instead of a JSON `body`.
   */
  readonly encodedBody?: EncodedBody;
  /**
   * Called with the call's context once it has its answer: for code that builds an error from
   * the answer later (a waiter), to clean it of what the call sent (`redactError`).
   */
  readonly answered?: ((context: MiddlewareContext) => void) | undefined;
};

/**
 * A body that is not JSON: a `Blob` is sent again as it is on a retry, without copying; a
 * stream is read once, so the call is never retried (`context.bodySource` is `"one-shot"`).
 */
export interface EncodedBody {
  readonly contentType: string;
  readonly body: Blob | ReadableStream<Uint8Array>;
  /**
   * How fetch treats a redirect. An upload says `"error"` where the runtime allows it: to be
   * able to follow one, fetch clones the request (the Fetch standard's HTTP-network-or-cache
   * fetch), and the branch of the body it never reads keeps every byte sent.
   */
  readonly redirect: RequestRedirect;
  /**
   * For a stream: fires when the stream's own source fails as it is read, with that failure as
   * its reason. The attempt then ends with it (the body is not errored: see `internal/uploads.ts`).
   */
  readonly failure?: AbortSignal;
}

/** What every `OperationRequest` holds, seen loosely for building the wire request. */
interface WireParts {
  method: HttpMethod;
  path: string;
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown> };
  body?: unknown;
  encodedBody?: EncodedBody;
}

/** What every view of one client shares: its options and the pipeline built from them. */
interface SharedPipeline {
  options: ResolvedClientOptions;
  pipeline: Pipeline;
  /** Builds the pipelines from the options (`src/pipeline`, which orders the layers). */
  readonly assemble: PipelineAssembler;
}

/** How the client's pipelines are built: `src/pipeline` orders the layers, the core runs them. */
export interface PipelineAssembler {
  /** The pipeline of API calls, from the client's options (rebuilt by `use`). */
  readonly calls: (options: ResolvedClientOptions) => Pipeline;
  /**
   * The pipeline of downloads from signed URLs (users' plugins, no auth, no client headers), with
   * the client's fetch and retry timing: built once per `options` (a `use()` makes new ones).
   */
  readonly downloads: (options: ResolvedClientOptions) => Promise<Pipeline>;
}

// openapi-fetch's serializers: form style for the query, simple style (encoded) for the path.
const querySerializer = /* @__PURE__ */ createQuerySerializer();

/**
 * @internal
 * The core the resources call into: one `call` per SDK method, given a `RequestDescription`.
 * It resolves the request options, builds the request with openapi-fetch's URL and query
 * serializers, sends it through the pipeline, and checks the body against the described schema.
 */
export class ApiClient {
  // Shared by every view `startedBy` makes, so that `use()` reaches the workflows' calls too.
  readonly #shared: SharedPipeline;
  readonly #via: CallOrigin | undefined;

  /** `assemble` builds the pipelines: the core runs them, and does not choose their layers. */
  constructor(options: ResolvedClientOptions, assemble: PipelineAssembler, shared?: SharedPipeline, via?: CallOrigin) {
    this.#shared = shared ?? {
      options,
      pipeline: assemble.calls(options),
      assemble,
    };
    this.#via = via;
  }

  /**
   * The same client, whose calls carry `context.via = via`: how a workflow (`listAll`, a
   * waiter, `results`, `run`) tells plugins that it started the call. The outermost workflow
   * wins: `run` polling through `waitUntilDone` stays `"run"`.
   *
   * @example
   * ```ts
   * new RawBatchesClient(api.startedBy("listAll")).list(request, options);
   * ```
   */
  startedBy(via: CallOrigin): ApiClient {
    return this.#via === undefined
      ? new ApiClient(this.#shared.options, this.#shared.assemble, this.#shared, via)
      : this;
  }

  /** The client's retry timing (`backoff`): `run`'s create decides its retries by the same rule. */
  get backoff(): BackoffOptions {
    return this.#shared.options.backoff;
  }

  /**
   * `text` cleaned of the tokens this client is known to send, and of those `requestOptions`
   * carry (see `carryTokens`): for a workflow's own message that quotes what a server answered
   * (a batch id a server may have made of an echoed token).
   */
  redact(text: string, requestOptions?: object): string {
    return redactTokens(this.knownTokens(requestOptions), text);
  }

  /** A context that knows the tokens `redact` cleans: for `redactError` of a workflow's error. */
  knownTokens(requestOptions?: object): MiddlewareContext {
    const known = {} as MiddlewareContext;
    rememberKnownTokens(known, this.#shared.options.token);
    rememberCarriedTokens(known, requestOptions);
    return known;
  }

  /** The call's options with the client's defaults filled in (workflows read `maxRetries`). */
  resolveOptions(requestOptions?: RequestOptions): ResolvedRequestOptions {
    // The tokens a workflow's options carry stay with them (see `carryTokens`).
    return withCarriedTokens(requestOptions, resolveRequestOptions(this.#shared.options.defaults, requestOptions));
  }

  /**
   * Downloads from a URL that is its own credential (a signed URL on another host), with the
   * client's fetch, timeout, retries and abort, and none of its headers; the body is handed on.
   */
  async download(request: DownloadDescription, requestOptions?: RequestOptions): Promise<Download> {
    // Only programs that read results load the streamed-body reader.
    // An abort while its code loads is named as the download's own would be.
    const caller = downloadCallName(request.operation, request.label);
    const { sendDownload } = await loadChunk(
      () => import("./download.js"),
      "the download code",
      requestOptions,
      caller,
    );
    const { options, assemble } = this.#shared;
    // A build that failed, its chunk not loaded, is tried again by the next download.
    const pipeline = await loadChunk(
      () => assemble.downloads(options),
      "the download pipeline",
      requestOptions,
      caller,
    );
    return sendDownload(pipeline, options.defaults, request, this.#via, requestOptions, options.token);
  }

  /** Appends users' plugins; calls already in flight keep the chain they started with. */
  use(plugins: readonly ResolvedPlugin[]): void {
    const options = { ...this.#shared.options, plugins: [...this.#shared.options.plugins, ...plugins] };
    this.#shared.options = options;
    this.#shared.pipeline = this.#shared.assemble.calls(options);
  }

  /** The layers in the order they run, outermost first. */
  describe(): readonly MiddlewareDescription[] {
    return this.#shared.pipeline.description;
  }

  /** Performs one operation, as `request` describes it, with the caller's options. */
  async call<T, M extends HttpMethod, P extends ClientPathsWithMethod<Client<paths>, M>>(
    request: RequestDescription<T, M, P>,
    requestOptions?: RequestOptions,
  ): Promise<HttpResponse<T>> {
    const { options: clientOptions, pipeline } = this.#shared;
    const options = resolveRequestOptions(clientOptions.defaults, requestOptions);
    const signal = options.abortSignal;
    const { operation, idempotent, path: route } = request;
    const context = callContext(request, options, this.#via);
    // Known before any attempt: a call-phase plugin may answer itself (a cache) with what a
    // server echoed to an earlier call.
    rememberKnownTokens(context, clientOptions.token);
    const carried = rememberCarriedTokens(context, requestOptions);
    expectResponse(context, request.response);
    const wire = buildRequest(clientOptions.baseUrl, request as unknown as WireParts, options);
    const call = { operation, method: request.method, route, url: wire.url };
    if (!pipeline.ownsResponses) {
      carryCallName(context, call, requestOptions);
      watchCallEnd(context);
    }
    let response: Response;
    try {
      // Named below like an abort during the call.
      if (signal?.aborted) throw new CohereAbortError(signal.reason);
      response = await pipeline.send(wire, context);
      // Checked already when call-phase plugins exist (see the pipeline); else checked here, at
      // once when the transport has read the body (no promise to wait for).
      const checked = checkResponse(response, context);
      if (checked !== response) await checked;
    } catch (error) {
      recordCarriedTokens(context, carried);
      const attempts = attemptsMade(context.attempt, requestOptions);
      throw nameTheCall(typedFailure(context, error), { ...call, attempts }, context);
    } finally {
      if (!idempotent) noteCallSends(context, requestOptions);
      endCall(context);
    }
    request.answered?.(context);
    recordCarriedTokens(context, carried);
    return {
      data: takeCheckedData<T>(response, pipeline.ownsResponses),
      status: response.status,
      headers: response.headers,
      // A Response a custom fetch made itself (a mock, a cache) has no url of its own.
      url: response.url || wire.url,
      requestId: readRequestId(response.headers),
      rawResponse: response,
    };
  }
}

/** The context of a call of `request`, as its layers and plugins see it. */
function callContext(
  request: {
    readonly operation: OperationName;
    readonly idempotent: boolean;
    readonly path: string;
    readonly encodedBody?: EncodedBody | undefined;
  },
  options: ResolvedRequestOptions,
  via: MiddlewareContext["via"],
): MiddlewareContext {
  const { operation, idempotent, path: route } = request;
  const context: { -readonly [K in keyof MiddlewareContext]: MiddlewareContext[K] } = {
    operation,
    route,
    params: (request as unknown as WireParts).params ?? {},
    via,
    state: {},
    idempotent,
    attempt: 1,
    options,
    signal: options.abortSignal,
  };
  // What keeps a request that may have been acted on from going twice is fixed for the call: a
  // plugin's write (`context.idempotent = true`, which TypeScript refuses) throws, in a module,
  // and is lost elsewhere, rather than letting the retry layer send a `create` again.
  if (!idempotent) {
    Object.defineProperty(context, "idempotent", { writable: false, configurable: false });
    countSends(context);
  }
  // Set apart (not spread into the literal above): a JSON call keeps the literal's one shape.
  const encoded = request.encodedBody?.body;
  if (encoded !== undefined) {
    Object.defineProperty(context, "bodySource", {
      value: encoded instanceof Blob ? encoded : "one-shot",
      enumerable: true,
    });
    const failure = request.encodedBody?.failure;
    if (failure !== undefined) setBodyFailure(context, failure);
  }
  return context;
}

/** The wire request, with the call's extra query parameters and body fields merged in. */
function buildRequest(
  baseUrl: string,
  { method, path, params, body, encodedBody }: WireParts,
  { queryParams, bodyParams, abortSignal }: ResolvedRequestOptions,
): Request {
  // Extra fields are for what the SDK does not know: one that would replace a field of the
  // request's own would send what its checks never saw (`bodyParams: { name: "" }` on a create).
  refuseReplacing("queryParams", queryParams, params?.query);
  refuseReplacing("bodyParams", bodyParams, body);
  const withExtras =
    queryParams === undefined ? params : { ...params, query: { ...params?.query, ...encodeNames(queryParams) } };
  const url = createFinalURL(path, {
    baseUrl,
    params: withExtras ?? {},
    querySerializer,
    pathSerializer: defaultPathSerializer,
  });
  const extraFields = bodyParams !== undefined && Object.keys(bodyParams).length > 0;
  // fetch would throw a bare TypeError for a GET with a body; refuse it by name instead.
  if (extraFields && method === "get")
    throw new CohereError(`Invalid request options: bodyParams cannot be sent with GET ${path}, which has no body`);
  if (encodedBody !== undefined) {
    if (extraFields) throw new CohereError("Invalid request options: bodyParams cannot go in an upload");
    // `duplex` is what fetch asks of a stream body (Node, workers); a Blob ignores it. The
    // redirect mode is the body's to choose (see `EncodedBody.redirect`).
    const { contentType, body: encoded, redirect } = encodedBody;
    const init = { method: method.toUpperCase(), headers: { "Content-Type": contentType }, body: encoded, redirect };
    // No signal of the caller's: undici lets go of the listener it adds there only when the
    // Request is collected. The attempt's signal reaches fetch through its init.
    return withoutSignal(new Request(url, { ...init, duplex: "half" } as RequestInit));
  }
  // A body-less POST (cancel) gets a JSON body only when the caller asks for extra fields,
  // which go as given or are refused (JSON would drop an `undefined`, a required field too):
  // checked as they are written, in one pass, so that no getter is read twice.
  if (extraFields) refuseToJson(bodyParams);
  const fields = extraFields ? { ...(body as object), ...bodyParams } : body;
  // Built lazily: a real Request only if a plugin or a custom fetch needs one (see WireRequest).
  const init = {
    method: method.toUpperCase(),
    ...jsonBody(fields, extraFields ? sentAsGiven : undefined),
    signal: abortSignal ?? null,
  };
  return new WireRequest(url, init) as unknown as Request;
}

function refuseReplacing(option: string, extras: object | undefined, own: unknown): void {
  for (const name in extras)
    if (Object.hasOwn(Object(own), name) && (own as Record<string, unknown>)[name] !== undefined)
      throw new CohereError(`Invalid request options: ${option}.${name} is a field of the request: set it there`);
}

/** Spread onto the body, a `toJSON` field would make JSON send what it returns as the body. */
function refuseToJson(bodyParams: Readonly<Record<string, unknown>>): void {
  if (typeof bodyParams.toJSON === "function")
    throw new CohereError(
      "Invalid request options: bodyParams cannot have a toJSON function (it would replace the body)",
    );
}

/**
 * A copy of `bodyParams` as plain JSON data, checked and read as a call's are (see
 * `buildRequest`), for a caller that sends them later or more than once: `run` checks them
 * before its upload, and its creates (one per attempt) send the same fields.
 *
 * @throws CohereError where a call would refuse them.
 */
export function bodyParamsAsData(bodyParams: Readonly<Record<string, unknown>>): Record<string, unknown> {
  refuseToJson(bodyParams);
  return JSON.parse(jsonBody(bodyParams, sentAsGiven).body as string);
}

/** The body and its content type. JSON is the one body kind today; another kind (multipart) is another branch here. */
const noBody = { body: null };

function jsonBody(
  fields: unknown,
  replacer?: (key: string, value: unknown) => unknown,
): { headers?: Record<string, string>; body: string | null } {
  if (fields === undefined) return noBody;
  let body: string;
  try {
    body = JSON.stringify(fields, replacer);
  } catch (error) {
    // A BigInt, a cycle, a throwing toJSON: bad input, refused before anything is sent.
    throw new CohereError(
      `Invalid request options: bodyParams cannot be serialised to JSON (${describeThrownValue(error)})`,
      { cause: error },
    );
  }
  return { headers: { "Content-Type": "application/json" }, body };
}

/**
 * The caller's extra query parameters with their names percent-encoded: openapi-fetch encodes
 * values but writes names as they are, which is safe for the spec's own names only (a name
 * such as `a&b` would split into two parameters).
 */
function encodeNames(
  queryParams: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  // No prototype: a parameter named `__proto__` is an entry like any other (a plain object's
  // `__proto__` setter dropped it).
  const encoded: Record<string, string | number | boolean> = Object.create(null);
  for (const name in queryParams) encoded[encodeURIComponent(name)] = queryParams[name] as string | number | boolean;
  return encoded;
}
