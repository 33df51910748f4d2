import * as v from "valibot";
import { ApiError } from "../core/errors/api-error.js";
import { checkInput } from "../core/input.js";
import { loggerSchema, logLevelSchema } from "../core/log-switch.js";
import type { Middleware } from "../core/middleware.js";
import type { Logger, LogLevel } from "../core/logger.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import { loadChunk } from "../internal/load-chunk.js";
import { redactTokens } from "../internal/secrets.js";

export type { Logger, LogLevel };

/** Options of `loggingMiddleware`. @public */
export interface LoggingOptions {
  /**
   * Where lines go.
   * @defaultValue console
   */
  logger?: Logger | undefined;
  /**
   * The least severe level logged. Success is `info`, a status outside 2xx `warn`, a thrown
   * error `error`; `debug` adds the request and response headers, redacted.
   * @defaultValue "info"
   */
  level?: LogLevel | undefined;
  /**
   * Headers whose values may be logged (lower case); every other header's value is logged as
   * `REDACTED`. Extends the default list, which holds no secret.
   * @defaultValue accept, content-type, content-length, user-agent, x-client-name, x-request-id, retry-after, retry-after-ms, date
   */
  allowedHeaders?: readonly string[] | undefined;
  /**
   * Query parameters whose values may be logged; others are logged as `REDACTED`. A download of
   * a results part (`datasets.download`) has every query value logged as `REDACTED`: its signed
   * URL's query is a credential.
   * @defaultValue page_size, order_by
   */
  allowedQueryParameters?: readonly string[] | undefined;
}

/**
 * Logs every attempt: operation, method, path, status, attempt, duration and request id.
 *
 * @remarks
 * Secrets stay out by construction, as in Azure's log sanitizer: header and query values are
 * logged only when their names are on an allow-list, so `Authorization`, an `Idempotency-Key`
 * or a custom secret header show as `REDACTED`. Runs in the `"attempt"` phase, so each retry
 * is its own line. A logger that throws cannot fail the call it logs: the failure is reported
 * with `console.warn` (once per logger) and the call's result stands. The logging code is loaded on the first
 * attempt, so a bundle that never logs does not carry it.
 *
 * @example
 * ```ts
 * const client = new CohereClient({ middleware: [loggingMiddleware({ level: "debug", logger: console })] });
 * ```
 * @throws {@link CohereError} for options that are not what `LoggingOptions` says (a misspelt key, a level that is not one); a logger that throws is reported with `console.warn`, and the call's result stands.
 * @public
 */
export function loggingMiddleware(options: LoggingOptions = {}): SinglePhasePlugin {
  // Built here, not at module level: a page that never logs must not carry it.
  const names = v.array(v.string("must be a string"), "must be an array of names");
  const schema = v.strictObject(
    {
      logger: v.optional(loggerSchema),
      level: v.optional(logLevelSchema),
      allowedHeaders: v.optional(names),
      allowedQueryParameters: v.optional(names),
    },
    "must be an object { logger?, level?, allowedHeaders?, allowedQueryParameters? }",
  );
  // What was checked, each option read once: the work reads the options on the first attempt,
  // when a getter that throws then, or a value changed since, failed every call.
  return loggingPlugin(checkInput(schema, options, "loggingMiddleware options"));
}

/**
 * The built-in logging plugin, its options already checked: the client's `logLevel` and
 * `logger` options (checked with the client's) build it without carrying the check above.
 */
export function loggingPlugin(options: LoggingOptions): SinglePhasePlugin {
  // The work is in a chunk of its own, loaded on the first attempt (bounded like any attempt).
  // The load is shared; its failure is typed per attempt (each call's error names its call).
  let loaded: Promise<Middleware> | undefined;
  return {
    name: "logging",
    phase: "attempt",
    handle: async (request, next, context) => {
      loaded ??= import("./logging-plugin.js").then(
        (module) => module.createLoggingPlugin(options, ApiError, redactTokens).handle,
        (error: unknown) => {
          loaded = undefined; // the next attempt tries again
          throw error;
        },
      );
      const shared = loaded;
      return (await loadChunk(() => shared, "the logging code"))(request, next, context);
    },
  };
}
