import type { LogLevel } from "./logger.js";
import { CohereError } from "./errors/cohere-error.js";

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
