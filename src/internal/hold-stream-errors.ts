import { ignore } from "./ignore.js";

/** What `holdStreamErrors` uses of a Node stream (an EventEmitter). */
interface Emitter {
  on(event: string, listener: () => void): unknown;
}

/**
 * Keeps the `'error'` of a caller's Node stream (`request[field]`) from crashing the process
 * before the upload reads it: an `fs.createReadStream` of a missing file emits ENOENT by itself
 * while the call still loads its code, and an EventEmitter throws an `'error'` nobody listens to
 * as an uncaught exception. Called as the call starts, before any await. Nothing is lost: the
 * stream is destroyed with the error, and reading it rejects with it (the data's failure).
 */
export function holdStreamErrors(request: unknown, ...fields: string[]): void {
  for (const field of fields)
    try {
      (request as Record<string, Emitter>)[field]?.on("error", ignore);
    } catch {
      // Not an emitter, or a request that cannot be read: its checks refuse it.
    }
}
