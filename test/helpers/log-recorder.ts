import type { Logger } from "../../src/index.js";

/** A logger that records every line it is given, by level, for assertions. */
export function recorder() {
  const lines: { level: string; message: string; data: Record<string, unknown> }[] = [];
  const record = (level: string) => (message: string, data: Record<string, unknown>) =>
    lines.push({ level, message, data });
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  return { lines, logger };
}
