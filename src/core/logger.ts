// The logging option's types, declared in core so that client options need not import the
// logging layer (core sits below middleware).

/** How much the logging middleware says, from most to least. @public */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/** Where log lines go: `console` fits, and so do pino, winston and most loggers. @public */
export interface Logger {
  debug(message: string, data: Record<string, unknown>): void;
  info(message: string, data: Record<string, unknown>): void;
  warn(message: string, data: Record<string, unknown>): void;
  error(message: string, data: Record<string, unknown>): void;
}
