// `batches.listAll`: every batch, page after page, for one walk of the iterable it returns.
import { abortNamed } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { RequestOptions } from "../core/request-options.js";
import { withSignalAlso } from "../internal/deadline.js";
import type { RawBatchesClient } from "../resources/batches/raw-batches-client.js";
import type { Batch, ListBatchesRequest } from "../resources/batches/types.js";

/**
 * The batches of every page from `first` on. `options` are the call's, checked
 * (`ApiClient.resolveOptions`); `closing` is the iterator's (see `lazyAsyncIterable`): its
 * `return()` ends the page in flight at once, and the `next()` waiting on it is then done.
 */
export async function* walkBatchPages(
  pages: RawBatchesClient,
  first: ListBatchesRequest,
  options: RequestOptions | undefined,
  closing: AbortSignal,
): AsyncGenerator<Batch, void, undefined> {
  let pageToken = first.page_token;
  // Every token of this walk: a server that hands back any of them again (A, B, A) would loop for ever.
  const seen = new Set(pageToken === undefined ? [] : [pageToken]);
  // A server that sends empty pages with ever new tokens would hold the walk for ever, and the
  // caller's loop never gets a batch in which to stop it.
  let emptyInARow = 0;
  const signal = options?.abortSignal;
  for (;;) {
    const pageRequest = pageToken === undefined ? first : { ...first, page_token: pageToken };
    let page: Awaited<ReturnType<RawBatchesClient["list"]>>["data"];
    try {
      page = (await withSignalAlso(options, closing, (during) => pages.list(pageRequest, during))).data;
    } catch (error) {
      // Ended by `return()` while the page was on its way: the end, not an error.
      if (closing.aborted) return;
      throw error;
    }
    if (page.batches?.length) {
      emptyInARow = 0;
      for (const batch of page.batches) {
        // The caller's abort ends the walk at the next batch asked for, not after the rest of a
        // page of up to 1,000 (the page's request is long done: nothing else would see it).
        if (signal?.aborted) throw abortNamed("listAll", signal.reason);
        yield batch;
      }
    }
    const next = page.next_page_token;
    if (next === undefined || next === "") return;
    if (seen.has(next))
      // Not quoted: a token is the server's text, of any length, and may be an echo of the key.
      throw new CohereError("listAll: the server returned a page token it had already sent in this walk");
    if (!page.batches?.length && ++emptyInARow === 100)
      throw new CohereError(
        "listAll: the server sent 100 empty pages in a row, each with a new page token; stopped there",
      );
    seen.add(next);
    pageToken = next;
    // Aborted at the page's last batch: the walk's abort, not the next page's request's.
    if (signal?.aborted) throw abortNamed("listAll", signal.reason);
  }
}
