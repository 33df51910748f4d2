import { abortNamed } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { RequestOptions } from "../core/request-options.js";
import { withSignalAlso } from "../internal/deadline.js";
import type { RawBatchesClient } from "../resources/batches/raw-batches-client.js";
import type { Batch, ListBatchesRequest } from "../resources/batches/types.js";

type Listed = Awaited<ReturnType<RawBatchesClient["list"]>>;

/** What the last page read said of the next: its token, and whether it was empty. Not the page. */
interface NextPage {
  readonly token: string | undefined;
  readonly empty: boolean;
}

/**
 * The pages of one walk of `listAll` from `first` on, one `read()` at a time, as the server's
 * page tokens lead; a server that would hold the walk for ever is stopped with a `CohereError`.
 */
export class BatchPageReader {
  readonly #pages: RawBatchesClient;
  readonly #first: ListBatchesRequest;
  readonly #options: RequestOptions | undefined;
  readonly #closing: AbortSignal;
  readonly #signal: AbortSignal | undefined;
  #pageToken: string | undefined;
  // Every token of this walk: a server that hands back any of them again (A, B, A) would loop for ever.
  readonly #seen: Set<string>;
  // A server that sends empty pages with ever new tokens would hold the walk for ever, and the
  // caller's loop never gets a batch in which to stop it.
  #emptyInARow = 0;
  #after: NextPage | undefined;

  /** `options` are the call's, checked, and `signal` their `abortSignal`; `closing` ends a page in flight. */
  constructor(
    pages: RawBatchesClient,
    first: ListBatchesRequest,
    options: RequestOptions | undefined,
    closing: AbortSignal,
    signal: AbortSignal | undefined,
  ) {
    this.#pages = pages;
    this.#first = first;
    this.#options = options;
    this.#closing = closing;
    this.#signal = signal;
    this.#pageToken = first.page_token;
    this.#seen = new Set(this.#pageToken === undefined ? [] : [this.#pageToken]);
  }

  /** The batches of the next page with any, or `undefined` at the end of the walk. */
  async read(): Promise<readonly Batch[] | undefined> {
    for (;;) {
      if (this.#after !== undefined && !this.#moveOn(this.#after)) return undefined;
      const pageRequest = this.#pageToken === undefined ? this.#first : { ...this.#first, page_token: this.#pageToken };
      let page: Listed["data"];
      try {
        page = (await this.#list(pageRequest)).data;
      } catch (error) {
        // Ended by `return()` while the page was on its way: the end, not an error.
        if (this.#closing.aborted) return undefined;
        throw error;
      }
      const batches = page.batches;
      this.#after = { token: page.next_page_token, empty: !batches?.length };
      if (batches?.length) {
        this.#emptyInARow = 0;
        return batches;
      }
    }
  }

  /** One page, its request ended by `closing` too. */
  #list(pageRequest: ListBatchesRequest): Promise<Listed> {
    return withSignalAlso(this.#options, this.#closing, (during) => this.#pages.list(pageRequest, during));
  }

  /** Moves on to the page the last one named, and true; false at the end of the walk. */
  #moveOn({ token, empty }: NextPage): boolean {
    if (token === undefined || token === "") return false;
    if (this.#seen.has(token))
      // Not quoted: a token is the server's text, of any length, and may be an echo of the key.
      throw new CohereError("listAll: the server returned a page token it had already sent in this walk");
    if (empty && ++this.#emptyInARow === 100)
      throw new CohereError(
        "listAll: the server sent 100 empty pages in a row, each with a new page token; stopped there",
      );
    this.#seen.add(token);
    this.#pageToken = token;
    // Aborted at the page's last batch: the walk's abort, not the next page's request's.
    if (this.#signal?.aborted) throw abortNamed("listAll", this.#signal.reason);
    return true;
  }
}
