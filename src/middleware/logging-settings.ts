import type { Logger, LoggingOptions, LogLevel } from "./logging.js";

// Part of the logging chunk (see logging-plugin.ts): only that chunk imports it.

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

/** The logging options, read once when the plugin is made. */
export interface LoggingSettings {
  readonly logger: Logger;
  /** The headers whose values are shown (lower case): the defaults, and the caller's. */
  readonly allowedHeaders: ReadonlySet<string>;
  /** The query parameters whose values are shown. */
  readonly allowedQuery: ReadonlySet<string>;
  /** Whether a line of `level` is logged. */
  readonly enabled: (level: LogLevel) => boolean;
}

export function loggingSettings(options: LoggingOptions): LoggingSettings {
  const logger = options.logger ?? console;
  const threshold = severity[options.level ?? "info"];
  const allowedHeaders = new Set([
    ...defaultAllowedHeaders,
    ...(options.allowedHeaders ?? []).map((name) => name.toLowerCase()),
  ]);
  const allowedQuery = new Set(options.allowedQueryParameters ?? ["page_size", "order_by"]);
  const enabled = (level: LogLevel) => severity[level] >= threshold && threshold < severity.off;
  return { logger, allowedHeaders, allowedQuery, enabled };
}
