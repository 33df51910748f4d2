import * as v from "valibot";
import type { Logger, LogLevel } from "./logger.js";
import { CohereError } from "./errors/cohere-error.js";

const levels: readonly string[] = ["off", "error", "warn", "info", "debug"];

/** True for a `LogLevel` name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && levels.includes(value);
}

/** A `LogLevel`, as the `logLevel` client option and `loggingMiddleware`'s `level` take it. */
export const logLevelSchema = v.custom<LogLevel>(isLogLevel, 'must be "off", "error", "warn", "info" or "debug"');

/** A `Logger`: an object with the four methods the SDK calls. */
export const loggerSchema = v.custom<Logger>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    ["debug", "info", "warn", "error"].every(
      (method) => typeof (value as Record<string, unknown>)[method] === "function",
    ),
  "must be an object with debug, info, warn and error methods",
);

/**
 * The level from the `logLevel` option, else from `COHERE_LOG` (Node build), else `"off"`.
 * A `COHERE_LOG` that is not a level is refused by name, like a malformed `CO_API_KEY`.
 */
export function resolveLogLevel(option: LogLevel | undefined, environment: string | undefined): LogLevel {
  if (option !== undefined) return option;
  if (environment === undefined || environment === "") return "off";
  const level = environment.trim().toLowerCase();
  if (!isLogLevel(level)) {
    throw new CohereError(
      // A short value is quoted (a typo of a level); a long one is only counted: it may be the
      // API key, set in the wrong variable, and the message would show all of it.
      `Invalid COHERE_LOG environment variable: must be one of ${levels.join(", ")} (got ${environment.length > 16 ? `${environment.length} characters` : JSON.stringify(environment)})`,
    );
  }
  return level;
}
