import { ApiError } from "../core/errors/api-error.js";
import { readRequestId } from "../core/http-response.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import { callUserCallback } from "../internal/user-callback.js";

/** How much the logging middleware says, from most to least. @public */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/** Where log lines go: `console` fits, and so do pino, winston and most loggers. @public */
export interface Logger {
  debug(message: string, data: Record<string, unknown>): void;
  info(message: string, data: Record<string, unknown>): void;
  warn(message: string, data: Record<string, unknown>): void;
  error(message: string, data: Record<string, unknown>): void;
}

/** Options of `loggingMiddleware`. @public */
export interface LoggingOptions {
  /**
   * Where lines go.
   * @defaultValue console
   */
  logger?: Logger;
  /**
   * The least severe level logged. Success is `info`, a status outside 2xx `warn`, a thrown
   * error `error`; `debug` adds the request and response headers, redacted.
   * @defaultValue "info"
   */
  level?: LogLevel;
  /**
   * Headers whose values may be logged (lower case); every other header's value is logged as
   * `REDACTED`. Extends the default list, which holds no secret.
   * @defaultValue accept, content-type, content-length, user-agent, x-client-name, x-request-id, retry-after, retry-after-ms, date
   */
  allowedHeaders?: readonly string[];
  /**
   * Query parameters whose values may be logged; others are logged as `REDACTED`.
   * @defaultValue page_size, order_by
   */
  allowedQueryParameters?: readonly string[];
}

const severity: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

const defaultAllowedHeaders = [
  "accept",
  "content-type",
  "content-length",
  "user-agent",
  "x-client-name",
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "date",
];

/**
 * Logs every attempt: operation, method, path, status, attempt, duration and request id.
 *
 * @remarks
 * Secrets stay out by construction, as in Azure's log sanitizer: header and query values are
 * logged only when their names are on an allow-list, so `Authorization`, an `Idempotency-Key`
 * or a custom secret header show as `REDACTED`. Runs in the `"attempt"` phase, so each retry
 * is its own line. A logger that throws cannot fail the call it logs: the failure is reported
 * with `console.warn` and the call's result stands.
 *
 * @example
 * ```ts
 * const client = new CohereClient({ middleware: [loggingMiddleware({ level: "debug", logger: pino() })] });
 * ```
 * @public
 */
export function loggingMiddleware(options: LoggingOptions = {}): SinglePhasePlugin {
  const logger = options.logger ?? console;
  const threshold = severity[options.level ?? "info"];
  const allowedHeaders = new Set([
    ...defaultAllowedHeaders,
    ...(options.allowedHeaders ?? []).map((name) => name.toLowerCase()),
  ]);
  const allowedQuery = new Set(options.allowedQueryParameters ?? ["page_size", "order_by"]);
  const enabled = (level: LogLevel) => severity[level] >= threshold && threshold < severity.off;

  return {
    name: "logging",
    phase: "attempt",
    handle: async (request, next, context) => {
      const started = performance.now();
      const base = () => ({
        operation: context.operation,
        method: request.method,
        path: redactedPath(request.url, allowedQuery),
        attempt: context.attempt,
        durationMs: Math.round(performance.now() - started),
      });
      try {
        const response = await next(request);
        const level: LogLevel = response.ok ? "info" : "warn";
        if (enabled(level) || enabled("debug")) {
          const data: Record<string, unknown> = {
            ...base(),
            status: response.status,
            requestId: readRequestId(response.headers),
          };
          if (enabled("debug")) {
            data.requestHeaders = redactedHeaders(request.headers, allowedHeaders);
            data.responseHeaders = redactedHeaders(response.headers, allowedHeaders);
          }
          const method = enabled(level) ? level : "debug";
          callUserCallback(
            "the logger",
            (line: string) => logger[method](line, data),
            `${request.method} ${data.path as string} ${response.status}`,
          );
        }
        return response;
      } catch (error) {
        if (enabled("error")) {
          const data: Record<string, unknown> = {
            ...base(),
            error: error instanceof Error ? error.name : String(error),
          };
          if (error instanceof ApiError) Object.assign(data, { status: error.status, requestId: error.requestId });
          callUserCallback(
            "the logger",
            (line: string) => logger.error(line, data),
            `${request.method} ${data.path as string} failed: ${data.error as string}`,
          );
        }
        throw error;
      }
    },
  };
}

function redactedHeaders(headers: Headers, allowed: ReadonlySet<string>): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = allowed.has(name) ? value : "REDACTED";
  });
  return result;
}

function redactedPath(url: string, allowed: ReadonlySet<string>): string {
  const { pathname, searchParams } = new URL(url);
  if ([...searchParams.keys()].length === 0) return pathname;
  const shown = new URLSearchParams();
  for (const [name, value] of searchParams) shown.append(name, allowed.has(name) ? value : "REDACTED");
  return `${pathname}?${shown.toString()}`;
}
