import { inspect } from "node:util";

/** Everything a log of `error` could show: its message, stack, JSON and `util.inspect` (causes included). */
export function everythingShown(error: unknown): string {
  return [
    (error as Error).message,
    (error as Error).stack,
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ].join("\n");
}
