import type { ApiError } from "../core/errors/api-error.js";
import { readRequestId } from "../core/http-response.js";
import type { MiddlewareContext } from "../core/middleware.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import type { redactTokens } from "../internal/secrets.js";
import { callUserCallback } from "../internal/user-callback.js";
import type { LoggingOptions, LogLevel } from "./logging.js";
import { clipped, noQuery, redactedHeaders, redactedPath } from "./logging-redaction.js";
import { type LoggingSettings, loggingSettings } from "./logging-settings.js";

// The logging middleware's work, loaded by `loggingMiddleware` on its first attempt, so a page
// that never logs does not carry it.

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
  const settings = loggingSettings(options);
  return {
    name: "logging",
    phase: "attempt",
    handle: async (request, next, context) => {
      const line = attemptLine(settings, request, context, redact);
      try {
        const response = await next(request);
        logResponse(settings, line, request, response);
        return response;
      } catch (error) {
        logFailure(settings, line, request, error, apiError);
        throw error;
      }
    },
  };
}

/** What every line of one attempt says first, and the redaction each value goes through. */
interface AttemptLine {
  readonly clean: <T extends string | undefined>(text: T) => T;
  /** Read when the line is written: its duration is the attempt's so far. */
  readonly base: () => Record<string, unknown>;
}

function attemptLine(
  settings: LoggingSettings,
  request: Request,
  context: MiddlewareContext,
  redact: typeof redactTokens,
): AttemptLine {
  const started = performance.now();
  // Redacted, then cut: a server's header may be megabytes (an `x-request-id`, a `date`), and a
  // token cut in two before redaction would be shown in part.
  const clean = <T extends string | undefined>(text: T) => (text && clipped(redact(context, text))) as T;
  const base = () => ({
    operation: context.operation,
    method: request.method,
    // A download's query is its signed URL's credential: no value of it is logged.
    path: clean(redactedPath(request.url, context.operation === "datasets.download" ? noQuery : settings.allowedQuery)),
    attempt: context.attempt,
    durationMs: Math.round(performance.now() - started),
  });
  return { clean, base };
}

/** An answer: `info`, `warn` for a status outside 2xx; with the headers at `debug`. */
function logResponse(settings: LoggingSettings, line: AttemptLine, request: Request, response: Response): void {
  const { logger, enabled, allowedHeaders } = settings;
  const level: LogLevel = response.ok ? "info" : "warn";
  if (!(enabled(level) || enabled("debug"))) return;
  const data: Record<string, unknown> = {
    ...line.base(),
    status: response.status,
    requestId: line.clean(readRequestId(response.headers)),
  };
  if (enabled("debug")) {
    data.requestHeaders = redactedHeaders(request.headers, allowedHeaders, line.clean);
    data.responseHeaders = redactedHeaders(response.headers, allowedHeaders, line.clean);
  }
  const method = enabled(level) ? level : "debug";
  callUserCallback(
    "the logger",
    (text: string) => logger[method](text, data),
    `${request.method} ${data.path as string} ${response.status}`,
    logger,
  );
}

/** An attempt that rejected: `error`, with the error's name and message (and an API error's status). */
function logFailure(
  settings: LoggingSettings,
  line: AttemptLine,
  request: Request,
  error: unknown,
  apiError: typeof ApiError,
): void {
  const { logger, enabled } = settings;
  if (!enabled("error")) return;
  const data: Record<string, unknown> = {
    ...line.base(),
    error: line.clean(error instanceof Error ? error.name : String(error)),
    // What went wrong, not only its class: "Connection failed: connect ECONNREFUSED ...".
    message: line.clean(messageOf(error)),
  };
  if (apiError.is(error)) Object.assign(data, { status: error.status, requestId: line.clean(error.requestId) });
  const said = data.message ? `${data.error as string}: ${data.message as string}` : (data.error as string);
  callUserCallback(
    "the logger",
    (text: string) => logger.error(text, data),
    `${request.method} ${data.path as string} failed: ${said}`,
    logger,
  );
}

/** An error's message, if it has one that can be read (a plugin may throw anything, getters included). */
function messageOf(error: unknown): string | undefined {
  try {
    const message: unknown = error instanceof Error ? error.message : undefined;
    return typeof message === "string" && message !== "" ? message : undefined;
  } catch {
    return undefined;
  }
}
