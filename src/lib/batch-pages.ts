// `batches.listAll`: every batch, page after page, for one walk of the iterable it returns.
import { abortNamed } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { RequestOptions } from "../core/request-options.js";
import { withSignalAlso } from "../internal/deadline.js";
import type { RawBatchesClient } from "../resources/batches/raw-batches-client.js";
import type { Batch, ListBatchesRequest } from "../resources/batches/types.js";

/**
 * The batches of every page from `first` on, one `next()` each. `options` are the call's,
 * checked (`ApiClient.resolveOptions`); `closing` is the iterator's (see `lazyAsyncIterable`):
 * its `return()` ends the page in flight at once, and the `next()` waiting on it is then done.
 *
 * A batch of a page already read is handed out as an already resolved promise: a generator's
 * `yield` of each batch cost 0.1 ms per page of 1,000 in promise turns, a twentieth of reading
 * the page. The page walk itself stays a generator; it runs once a page.
 */
export function walkBatches(
  pages: RawBatchesClient,
  first: ListBatchesRequest,
  options: RequestOptions | undefined,
  closing: AbortSignal,
): AsyncIterator<Batch> {
  const walk = walkBatchPages(pages, first, options, closing);
  const signal = options?.abortSignal;
  let page: readonly Batch[] = [];
  let at = 0;
  let done = false;
  // A `next()` made while the next page is on its way waits for it, as a generator's would.
  let fetching: Promise<IteratorResult<Batch>> | undefined;
  const next = (): Promise<IteratorResult<Batch>> => {
    if (done) return Promise.resolve(finished());
    if (fetching !== undefined) return fetching.then(next, next);
    if (at < page.length) {
      // The caller's abort ends the walk at the next batch asked for, not after the rest of a
      // page of up to 1,000 (the page's request is long done: nothing else would see it).
      if (signal?.aborted) {
        done = true;
        walk.return().catch(ignore);
        return Promise.reject(abortNamed("listAll", signal.reason));
      }
      return Promise.resolve({ value: page[at++] as Batch, done: false });
    }
    fetching = walk.next().then(
      (result) => {
        fetching = undefined;
        if (result.done) {
          done = true;
          return finished();
        }
        page = result.value;
        at = 0;
        return next();
      },
      (error: unknown) => {
        fetching = undefined;
        done = true;
        throw error;
      },
    );
    return fetching;
  };
  return {
    next,
    return: async () => {
      done = true;
      await walk.return();
      return finished();
    },
  };
}

/** The pages of the walk, each with at least one batch. */
async function* walkBatchPages(
  pages: RawBatchesClient,
  first: ListBatchesRequest,
  options: RequestOptions | undefined,
  closing: AbortSignal,
): AsyncGenerator<readonly Batch[], void, undefined> {
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
      yield page.batches;
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

/** A new object each time, as a generator's: a caller may change the one it got. */
function finished(): IteratorResult<Batch> {
  return { value: undefined, done: true };
}

function ignore(): void {}
