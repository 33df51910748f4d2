// The logging option's types, declared in core so that client options need not import the
// logging layer (core sits below middleware).

/** How much the logging middleware says, from most to least. @public */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/**
 * Where log lines go, each called with the line, then its data: `console` and winston fit as
 * they are. pino and bunyan take the data first (given second, pino drops it): wrap them, as in
 * `info: (line, data) => pino.info(data, line)`.
 * @public
 */
export interface Logger {
  /** The most detailed level (at `"debug"`, the logging middleware adds redacted headers to its `info` and `warn` lines). */
  debug(message: string, data: Record<string, unknown>): void;
  /** An attempt answered with 2xx: `"GET /v2/batches 200"`, and its operation, attempt, duration, request id. */
  info(message: string, data: Record<string, unknown>): void;
  /** An attempt answered outside 2xx, with its status and request id. */
  warn(message: string, data: Record<string, unknown>): void;
  /** An attempt that rejected rather than answered (a timeout, a dropped connection, an abort), with the error's name. */
  error(message: string, data: Record<string, unknown>): void;
}
