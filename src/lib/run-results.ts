// `run.results()`: the batch's results, read with the run's options and ended by its abort too.
import { checkInput } from "../core/input.js";
import { type RequestOptions, requestOptionsSchema } from "../core/request-options.js";
import type { BatchResult } from "../internal/decoders/batch-result.js";
import { followAbort } from "../internal/follow-abort.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import { lazyAsyncIterable } from "./lazy-iterable.js";

/**
 * `batches.results(id)` with `options` (the run's, checked) and `more` on top (the caller's,
 * checked on the first `next()`, as every input of an iterable is), whose reads every signal
 * the caller gave ends: the run request's, its options', and `more`'s.
 */
export function runResults(
  batches: BatchesClient,
  id: string,
  options: RequestOptions,
  more: RequestOptions | undefined,
  runSignal: AbortSignal | undefined,
): AsyncIterable<BatchResult> {
  return lazyAsyncIterable(async () => {
    const extra = more && checkInput(requestOptionsSchema, more, "request options");
    // Headers are added to the run's, as a call's are to the client's (an entry set to
    // `undefined` leaves one out): given alone, they replaced the run's.
    const given = {
      ...options,
      ...extra,
      ...(options.headers && extra?.headers ? { headers: { ...options.headers, ...extra.headers } } : {}),
    };
    const signals = [...new Set([runSignal, options.abortSignal, extra?.abortSignal])].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    if (signals.length < 2)
      return batches
        .results(id, signals.length === 0 ? given : { ...given, abortSignal: signals[0] })
        [Symbol.asyncIterator]();
    // Several: linked while a `next()` waits, and only then. A link for the loop's life would
    // stay on a long-lived signal after a loop left without `return()`; between two `next()`
    // calls, a signal that fired is seen by the next one.
    const all = new AbortController();
    const inner = batches.results(id, { ...given, abortSignal: all.signal })[Symbol.asyncIterator]();
    return {
      next: () => {
        const unlinks = signals.map((signal) => followAbort(signal, all));
        return inner.next().finally(() => {
          for (const unlink of unlinks) unlink();
        });
      },
      return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
    };
  });
}
