import type { ApiError } from "../core/errors/api-error.js";
import { readRequestId } from "../core/http-response.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import type { redactTokens } from "../internal/secrets.js";
import { callUserCallback } from "../internal/user-callback.js";
import type { LoggingOptions, LogLevel } from "./logging.js";

// The logging middleware's work, loaded by `loggingMiddleware` on its first attempt, so a page
// that never logs does not carry it.

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

const noQuery: ReadonlySet<string> = new Set();

/**
 * The plugin `loggingMiddleware` stands for; see its TSDoc. `ApiError` and `redactTokens` are
 * handed in rather than imported, so this chunk imports nothing that would split them out of the
 * entry. Every value it prints goes through `redact`: a server or a storage host may echo the
 * call's token or a signed URL's signature in any header (`x-request-id`, `content-type`).
 */
export function createLoggingPlugin(
  options: LoggingOptions,
  apiError: typeof ApiError,
  redact: typeof redactTokens,
): SinglePhasePlugin {
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
      const clean = <T extends string | undefined>(text: T) => (text && redact(context, text)) as T;
      const base = () => ({
        operation: context.operation,
        method: request.method,
        // A download's query is its signed URL's credential: no value of it is logged.
        path: clean(redactedPath(request.url, context.operation === "datasets.download" ? noQuery : allowedQuery)),
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
            requestId: clean(readRequestId(response.headers)),
          };
          if (enabled("debug")) {
            data.requestHeaders = redactedHeaders(request.headers, allowedHeaders, clean);
            data.responseHeaders = redactedHeaders(response.headers, allowedHeaders, clean);
          }
          const method = enabled(level) ? level : "debug";
          callUserCallback(
            "the logger",
            (line: string) => logger[method](line, data),
            `${request.method} ${data.path as string} ${response.status}`,
            logger,
          );
        }
        return response;
      } catch (error) {
        if (enabled("error")) {
          const data: Record<string, unknown> = {
            ...base(),
            error: clean(error instanceof Error ? error.name : String(error)),
          };
          if (apiError.is(error)) Object.assign(data, { status: error.status, requestId: clean(error.requestId) });
          callUserCallback(
            "the logger",
            (line: string) => logger.error(line, data),
            `${request.method} ${data.path as string} failed: ${data.error as string}`,
            logger,
          );
        }
        throw error;
      }
    },
  };
}

function redactedHeaders(
  headers: Headers,
  allowed: ReadonlySet<string>,
  clean: (text: string) => string,
): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = allowed.has(name) ? clean(value) : "REDACTED";
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
