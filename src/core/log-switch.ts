import { loggingMiddleware, type Logger, type LogLevel } from "../middleware/logging.js";
import { CohereError } from "./errors/cohere-error.js";
import type { ResolvedPlugin } from "./middleware-plugin.js";

const levels: readonly string[] = ["off", "error", "warn", "info", "debug"];

/** True for a `LogLevel` name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && levels.includes(value);
}

/**
 * The level from the `logLevel` option, else from `COHERE_LOG` (Node build), else `"off"`.
 * A `COHERE_LOG` that is not a level is refused by name, like a malformed `CO_API_KEY`.
 */
export function resolveLogLevel(option: LogLevel | undefined, environment: string | undefined): LogLevel {
  if (option !== undefined) return option;
  if (environment === undefined || environment === "") return "off";
  const level = environment.trim().toLowerCase();
  if (!isLogLevel(level)) {
    throw new CohereError(`Invalid COHERE_LOG environment variable: must be one of ${levels.join(", ")}`);
  }
  return level;
}

/**
 * The built-in logging middleware for `logLevel`, as the first attempt-phase plugin (so it sees
 * the wire request after auth, before users' own plugins), or nothing when the level is `"off"`.
 * The logging code is loaded on the first attempt (see `loggingMiddleware`).
 */
export function logLevelPlugins(level: LogLevel, logger: Logger | undefined): ResolvedPlugin[] {
  if (level === "off") return [];
  const { name, handle } = loggingMiddleware({ level, ...(logger === undefined ? {} : { logger }) });
  return [{ name, phase: "attempt", handle }];
}
