import * as v from "valibot";
import { globalFetch } from "./wire-request.js";
import type { Logger, LogLevel } from "./logger.js";
import type { Runtime } from "../platform/runtime.js";
import { checkBaseUrl } from "./base-url.js";
import { CohereError } from "./errors/cohere-error.js";
import { loggerSchema, logLevelSchema } from "./log-switch.js";
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_IN_SECONDS } from "./defaults.js";
import { checkInput, isToken } from "./input.js";
import {
  byteCountSchema,
  headersSchema,
  withoutHeaders,
  headerValueSchema,
  nonEmptyStringSchema,
  retryCountSchema,
  secondsSchema,
} from "./input-schemas.js";
import type { Middleware } from "./middleware.js";
import { toPlugin, type MiddlewarePlugin, type ResolvedPlugin } from "./middleware-plugin.js";
import { shouldRetrySchema, type RequestDefaults, type ShouldRetry } from "./request-options.js";
import type { FetchFunction } from "./transport.js";

/**
 * Where the API token comes from: the token itself, or a function that returns it (or a
 * promise of it), called before every attempt so a rotated key is picked up by the next retry.
 * @public
 */
export type TokenSupplier = string | (() => string | Promise<string>);

/**
 * The timing of retries: exponential backoff with jitter, the n-th retry waiting up to
 * `initialDelayInSeconds * 2^(n-1)`, capped at `maxDelayInSeconds`. A server's `Retry-After`
 * takes precedence.
 * @public
 */
export interface BackoffOptions {
  /** The longest wait before the first retry, in seconds; doubled for each retry after it. @defaultValue 0.5 */
  readonly initialDelayInSeconds?: number | undefined;
  /** The cap of the wait before any retry, in seconds. @defaultValue 8 */
  readonly maxDelayInSeconds?: number | undefined;
}

/**
 * Options of `new CohereClient(...)`. Names follow Cohere's own JavaScript SDK.
 *
 * @example
 * ```ts
 * const client = new CohereClient({ token: process.env.CO_API_KEY, clientName: "nightly-jobs" });
 * ```
 * @public
 */
export interface CohereClientOptions {
  /**
   * The API key, or a function that returns it (or a promise of it), called for every attempt
   * so a rotated key is used from the next request on.
   * @defaultValue `process.env.CO_API_KEY` in the Node build; required elsewhere
   */
  token?: TokenSupplier | undefined;
  /** Sent as `X-Client-Name`, so Cohere can tell your projects apart. */
  clientName?: string | undefined;
  /**
   * The API's origin.
   * @defaultValue `process.env.CO_API_URL` in the Node build, else `https://api.cohere.com`
   */
  baseUrl?: string | undefined;
  /**
   * Time limit for each attempt, covering the response headers and the body.
   * @defaultValue 300
   */
  timeoutInSeconds?: number | undefined;
  /**
   * How many times a failed attempt is retried (see the README's retry rules); 0 disables retries.
   * @defaultValue 2
   */
  maxRetries?: number | undefined;
  /**
   * The largest response body read, in bytes: a larger one is a `CohereParseError` and is not
   * read further, so memory stays bounded whatever a server sends.
   * @defaultValue 67108864 (64 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Headers added to every request. Not `Authorization` (`token` sets it), `Content-Type` (the
   * SDK sets its body's) or `Idempotency-Key` (one key on every create would make the second
   * answer with the first batch: give `idempotencyKey` per call). An entry set to `undefined`
   * is left out.
   */
  headers?: Record<string, string | undefined> | undefined;
  /**
   * Steers retries for every call (a call's own `shouldRetry` replaces it): see `ShouldRetry`.
   * @example
   * ```ts
   * new CohereClient({ shouldRetry: ({ error }) => (error instanceof InternalServerError ? false : undefined) });
   * ```
   */
  shouldRetry?: ShouldRetry | undefined;
  /** The timing of retries. */
  backoff?: BackoffOptions | undefined;
  /**
   * Any WHATWG-compatible fetch, e.g. the fake service's `fetch` in tests. It is given a
   * `Request` (and an init with the attempt's signal).
   * @defaultValue `globalThis.fetch`, looked up at each request so that test interceptors work.
   * Without plugins it is called as `fetch(url, init)`, which spares it copying a `Request`.
   */
  fetch?: FetchFunction | undefined;
  /**
   * Your middleware: functions (run per attempt, after auth) or plugins with a declared phase.
   * More can be added with `client.use`.
   */
  middleware?: readonly (Middleware | MiddlewarePlugin)[] | undefined;
  /**
   * Allows the client in a web page or browser worker. Without it the constructor throws there,
   * because anyone who can open the page can read the API key.
   * @defaultValue false
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /**
   * Turns on the built-in logging middleware: one line per attempt (operation, method, path,
   * status, attempt, duration, request id); `"debug"` adds the headers. Header and query values
   * are redacted unless allow-listed, so the token never shows. For allow-lists, use
   * `loggingMiddleware` instead.
   * @defaultValue `process.env.COHERE_LOG` in the Node build, else `"off"`
   */
  logLevel?: LogLevel | undefined;
  /**
   * Where the lines of `logLevel` go: `console` and winston fit; pino and bunyan take the data
   * first, so wrap them (see `Logger`). A logger alone
   * logs nothing until `logLevel` (or `COHERE_LOG`) is set.
   * @defaultValue console
   */
  logger?: Logger | undefined;
}

/** The client's options, checked and with every default filled in. */
export interface ResolvedClientOptions {
  readonly token: TokenSupplier;
  readonly clientName: string | undefined;
  readonly baseUrl: string;
  readonly defaults: RequestDefaults;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly fetch: FetchFunction;
  readonly plugins: readonly ResolvedPlugin[];
  readonly userAgent: string | undefined;
  readonly backoff: BackoffOptions;
  /** The built-in logging's level (`logLevel`, else `COHERE_LOG`, else off); the pipeline adds the layer. */
  readonly logLevel: LogLevel;
  readonly logger: Logger | undefined;
}

const clientOptionsSchema = v.strictObject(
  {
    token: v.optional(
      v.custom<TokenSupplier>(
        (value) => isToken(value) || typeof value === "function",
        "must be a non-empty string of visible ASCII (no spaces or line breaks), or a function returning one",
      ),
    ),
    clientName: v.optional(v.pipe(nonEmptyStringSchema, headerValueSchema)),
    baseUrl: v.optional(v.string("must be a string")),
    timeoutInSeconds: v.optional(secondsSchema),
    maxRetries: v.optional(retryCountSchema),
    maxResponseBytes: v.optional(byteCountSchema),
    // One key on every create would make each create after the first answer with the first batch.
    headers: v.optional(
      v.pipe(
        headersSchema,
        withoutHeaders(["idempotency-key"], "must not set Idempotency-Key (give idempotencyKey per call)"),
      ),
    ),
    shouldRetry: v.optional(shouldRetrySchema),
    backoff: v.optional(
      v.strictObject(
        { initialDelayInSeconds: v.optional(secondsSchema), maxDelayInSeconds: v.optional(secondsSchema) },
        "must be an object { initialDelayInSeconds?, maxDelayInSeconds? }",
      ),
    ),
    fetch: v.optional(v.custom<FetchFunction>((value) => typeof value === "function", "must be a fetch function")),
    // Each entry is checked by `toPlugin`, which `use` shares.
    middleware: v.optional(v.custom<readonly unknown[]>(Array.isArray, "must be an array of middleware")),
    dangerouslyAllowBrowser: v.optional(v.custom<boolean>((value) => typeof value === "boolean", "must be a boolean")),
    logLevel: v.optional(logLevelSchema),
    logger: v.optional(loggerSchema),
  },
  "must be an object of client options",
);

const defaultBaseUrl = "https://api.cohere.com";

/** The option, else `CO_API_URL` (Node build), else Cohere's. */
function resolveBaseUrl(option: string | undefined, runtime: Runtime): string {
  if (option !== undefined) return checkBaseUrl(option);
  return runtime.environment?.baseUrl() ?? defaultBaseUrl;
}

/** The `token` option (checked with the rest), else `CO_API_KEY` (Node build: checked there). */
function resolveToken(
  option: ResolvedClientOptions["token"] | undefined,
  runtime: Runtime,
): ResolvedClientOptions["token"] {
  const token = option ?? runtime.environment?.token();
  if (token === undefined) {
    throw new CohereError(
      "No API token: pass `token` (your CO_API_KEY) to the client; this build reads no environment variables",
    );
  }
  return token;
}

/** Checks the constructor's options and fills in defaults from the runtime. Sends nothing. */
export function resolveClientOptions(options: CohereClientOptions, runtime: Runtime): ResolvedClientOptions {
  const checked = checkInput(clientOptionsSchema, options, "client options");
  if (runtime.isBrowserLike() && checked.dangerouslyAllowBrowser !== true) {
    throw new CohereError(
      "Refusing to run in a browser: anyone who can open this page could read your Cohere API key. " +
        "Call Cohere from your server, or pass `dangerouslyAllowBrowser: true` if you understand the risk " +
        "(for example with a short-lived, restricted key).",
    );
  }
  const token = resolveToken(checked.token, runtime);
  return {
    token,
    clientName: checked.clientName,
    baseUrl: resolveBaseUrl(checked.baseUrl, runtime),
    // Frozen: a call without options gets this very object as `context.options`, and a plugin
    // writing to it would change every later call.
    defaults: Object.freeze({
      timeoutInSeconds: checked.timeoutInSeconds ?? DEFAULT_TIMEOUT_IN_SECONDS,
      maxRetries: checked.maxRetries ?? DEFAULT_MAX_RETRIES,
      maxResponseBytes: checked.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      ...(checked.shouldRetry === undefined ? {} : { shouldRetry: checked.shouldRetry }),
    }),
    backoff: checked.backoff ?? {},
    headers: checked.headers,
    fetch: checked.fetch ?? globalFetch,
    plugins: ((checked.middleware ?? []) as (Middleware | MiddlewarePlugin)[]).flatMap(toPlugin),
    // Read only when needed: each read may need a permission (Deno's --allow-env).
    logLevel: checked.logLevel ?? runtime.environment?.logLevel() ?? "off",
    logger: checked.logger,
    userAgent: runtime.userAgent,
  };
}
