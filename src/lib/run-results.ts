// `run.results()`: the batch's results, read with the run's options and ended by its abort too.
import { checkInput } from "../core/input.js";
import { type RequestOptions, requestOptionsSchema } from "../core/request-options.js";
import type { BatchResult } from "../internal/decoders/batch-result.js";
import { startDeadline } from "../internal/deadline.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import { lazyAsyncIterable } from "./lazy-iterable.js";

/**
 * `batches.results(id)` with `options` (the run's, checked) and `more` on top (the caller's,
 * checked on the first `next()`, as every input of an iterable is), whose reads the run's
 * `abortSignal` ends as well: one signal handed to the run ends its downloads too.
 */
export function runResults(
  batches: BatchesClient,
  id: string,
  options: RequestOptions,
  more: RequestOptions | undefined,
  runSignal: AbortSignal | undefined,
): AsyncIterable<BatchResult> {
  return lazyAsyncIterable(async () => {
    const given = { ...options, ...(more && checkInput(requestOptionsSchema, more, "request options")) };
    const signal = given.abortSignal;
    if (runSignal === undefined || signal === undefined || signal === runSignal)
      return batches.results(id, { ...given, abortSignal: signal ?? runSignal })[Symbol.asyncIterator]();
    // Both: linked for as long as a loop reads them, not for as long as the run's result is kept
    // (a link on a long-lived signal would hold a listener there until it fires).
    const both = startDeadline(undefined, [signal, runSignal]);
    const inner = batches.results(id, { ...given, abortSignal: both.signal })[Symbol.asyncIterator]();
    return {
      next: () =>
        inner.next().then(
          (step) => {
            if (step.done) both.dispose();
            return step;
          },
          (error: unknown) => {
            both.dispose();
            throw error;
          },
        ),
      return: async () => {
        both.dispose();
        return (await inner.return?.()) ?? { done: true, value: undefined };
      },
    };
  });
}
