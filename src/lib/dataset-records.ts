// `datasets.records(id)` and `batches.results(id)`: a dataset's parts downloaded from their signed
// URLs, in `index` order, and decoded as they arrive, one Avro block in memory at a time.
import { runtime } from "#platform";
import type { ApiClient } from "../core/api-client.js";
import { downloadAttemptsOf } from "../core/attempts-of-failed-downloads.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { abortNamed, afterEarlierAttempts, downloadCallName } from "../core/errors/call-failure.js";
import { CohereConnectionError } from "../core/errors/connection-error.js";
import { CohereParseError } from "../core/errors/parse-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import type { MiddlewareContext } from "../core/middleware.js";
import type { BodyWait } from "../core/streamed-body.js";
import type { RequestOptions } from "../core/request-options.js";
import { promiseOf } from "../internal/bound-by-signal.js";
import { redactTokens } from "../internal/secrets.js";
import { type BatchResult, toBatchResult } from "../internal/decoders/batch-result.js";
import { loadAvroDecoder } from "../internal/decoders/load-avro.js";
import { callerSignal } from "../internal/load-chunk.js";
import { withSignalAlso } from "../internal/deadline.js";
import { loadOperations } from "../resources/datasets/raw-datasets-client.js";
import type { DatasetPart } from "../resources/datasets/types.js";

/** The slowest a part's bytes may come while no record does (see `DatasetRecords.#waitAt`). */
const MIN_BYTES_PER_SECOND = 1024;

/** Statuses a storage host answers for an expired or refused signed URL: fresh URLs may pass. */
const refusedUrlStatuses = new Set([400, 403]);

type Decode = (
  body: AsyncIterable<Uint8Array>,
  part: string,
  status: number,
  sameFileAs: { sync?: Uint8Array },
) => AsyncIterator<unknown>;

/**
 * Every record of dataset `id`, part by part.
 *
 * @remarks
 * A part refused by its host (400, 403: an expired signed URL) makes it retrieve the dataset
 * once for fresh URLs and read that part again; a body that breaks off mid-part is read again up
 * to `maxRetries` times. Either way the records of the part already yielded are skipped, so no
 * record is yielded twice. A hand-written iterator rather than async generators: a record the
 * decoder has in hand goes out in one promise (generators nested three deep halved the rate).
 */
export async function openDatasetRecords(
  api: ApiClient,
  id: string,
  options: RequestOptions | undefined,
  closing: AbortSignal | undefined,
  caller: "results" | "records",
): Promise<AsyncIterator<BatchResult>> {
  const decode = await decoder(options, caller);
  // The dataset's retrieves end with the iterator, if it is closed first (see `lazyAsyncIterable`):
  // over the options checked as the call would check them (a typed refusal, nothing sent).
  const checked = options === undefined ? undefined : (api.resolveOptions(options) as RequestOptions);
  const retrieveParts = (): Promise<DatasetPart[]> =>
    withSignalAlso(checked, closing, (during) => partsOf(api, id, during, caller));
  return new DatasetRecords(api, id, options, closing, decode, await retrieveParts(), retrieveParts, caller);
}

async function decoder(options: RequestOptions | undefined, caller: string): Promise<Decode> {
  const { decodeAvroContainer, MAX_BLOCK_BYTES } = await loadAvroDecoder(options, caller);
  const inflateRaw = runtime.nativeInflateRaw?.(MAX_BLOCK_BYTES);
  const signal = callerSignal(options);
  // The status the bytes came with (a 206, a 204 of a plugin's) is the one a part's CohereParseError carries.
  return (body, part, status, sameFileAs) =>
    decodeAvroContainer(
      body,
      inflateRaw === undefined ? { part, signal, status, sameFileAs } : { part, inflateRaw, status, sameFileAs },
    );
}

/**
 * The dataset's parts in `index` order, each with a download URL, each once: a part the list
 * names twice (the same `id` and `name`, whatever its URLs) is one part, read once, where its
 * first entry in `index` order stands.
 */
async function partsOf(
  api: ApiClient,
  id: string,
  options: RequestOptions | undefined,
  caller: string,
): Promise<DatasetPart[]> {
  // Loaded, not imported: a static import of a lazy chunk makes the bundler split shared chunks.
  // The call's context: a part's name is quoted by every error about the part, cleaned of what
  // the call sent (2xx data is not redacted, and a server may echo the token there).
  let answered: MiddlewareContext | undefined;
  const { dataset } = (
    await (
      await loadOperations(options, caller)
    ).retrieve(api, id, options, (context) => {
      answered = context;
    })
  ).data;
  const named = new Set<string>();
  const parts = (dataset.dataset_parts ?? [])
    .map((part) => ({ ...part, name: redactTokens(answered, part.name) }))
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .filter((part) => {
      const key = JSON.stringify([part.id, part.name]);
      if (named.has(key)) return false;
      named.add(key);
      return true;
    });
  const missing = parts.find((part) => typeof part.url !== "string" || part.url === "");
  if (missing !== undefined)
    throw new CohereError(`${describePart(api.redact(id, options), missing)} has no download URL`);
  return parts;
}

class DatasetRecords implements AsyncIterator<BatchResult> {
  #position = 0;
  /** The decoder of the part being read, once its download answered. */
  #current: AsyncIterator<unknown> | undefined;
  #label = "";
  /** Records of this part decoded in this download, and yielded in all its downloads. */
  #seen = 0;
  #yielded = 0;
  #refreshed = false;
  #resumed = 0;
  /**
   * The file this part's first download read (its header's sync marker): a download of it again
   * must read the same file, or the records skipped by count would be another file's.
   */
  #file: { sync?: Uint8Array } = {};
  /** The records of this part's last download, if it ended short of its `num_rows`; else -1. */
  #shortAt = -1;
  /** Attempts of this part's earlier downloads (broken off), and of the one being read. */
  #attemptsBefore = 0;
  #attemptsNow = 0;
  #done = false;
  /** Calls of `next()` not yet settled, and the last one's promise. */
  #unsettled = 0;
  #last: Promise<IteratorResult<BatchResult>> | undefined;
  readonly #maxRetries: number;
  /** The dataset id for messages, cleaned of the client's tokens (a server's id may echo one). */
  readonly #shownId: string;
  /** The caller's: the byte reads watch it too, but records made from bytes in hand do not wait on them. */
  readonly #signal: AbortSignal | undefined;
  /**
   * The wait for the next record, as a bucket of time: `#waitCredit` ms left at `#waitAt`
   * (`performance.now()`), or `#waitAt` -1 when no wait is open. Each read of bytes is bounded by
   * the timeout, but a body whose bytes trickle in would hold the caller's `next()` for ever: a
   * wait starts with `timeoutInSeconds` of time, each byte adds its share at 1 KiB a second, and
   * the bucket holds at most `timeoutInSeconds` (curl's low-speed limit, as a rolling rate: an
   * early burst buys no more than that). When it runs out the download fails with a
   * `CohereTimeoutError` and is read again, as a body that broke off is. A slow link's large
   * block goes on; the caller's own time between records does not count; blocks without records
   * are the decoder's to bound. Kept as a time the reads compare against, not a timer per record.
   */
  #waitAt = -1;
  #waitCredit = 0;
  /** The bound the body's reads keep (see `BodyWait`). */
  readonly #wait: BodyWait;

  constructor(
    private readonly api: ApiClient,
    id: string,
    private readonly options: RequestOptions | undefined,
    /** Aborted by `return()`: it ends a part's download still waiting for its answer. */
    private readonly closing: AbortSignal | undefined,
    private readonly decode: Decode,
    private parts: DatasetPart[],
    /** The dataset's parts again (fresh URLs), ended by the iterator's closing. */
    private readonly retrieveParts: () => Promise<DatasetPart[]>,
    /** The method iterated, for the message of an abort between records. */
    private readonly caller: string,
  ) {
    const resolved = api.resolveOptions(options);
    ({ maxRetries: this.#maxRetries, abortSignal: this.#signal } = resolved);
    const seconds = resolved.timeoutInSeconds;
    const window = seconds * 1000;
    this.#wait = {
      // The wait starts with its first read of bytes: a record made from bytes in hand costs no
      // clock reading.
      endsAt: () => {
        if (this.#waitAt < 0) {
          this.#waitAt = performance.now();
          this.#waitCredit = window;
        }
        return this.#waitAt + this.#waitCredit;
      },
      received: (bytes) => {
        if (this.#waitAt < 0) return;
        const now = performance.now();
        const left = this.#waitCredit - (now - this.#waitAt);
        this.#waitCredit = Math.min(window, left + (bytes * 1000) / MIN_BYTES_PER_SECOND);
        this.#waitAt = now;
      },
      message: `No record of the part, and under ${MIN_BYTES_PER_SECOND} bytes a second of it, for ${seconds} s`,
    };
    this.#shownId = api.redact(id, options);
  }

  // A call made before the previous one settled waits for it, as an async generator's does: run
  // at once, both would read the same record or open the same part twice.
  next = (): Promise<IteratorResult<BatchResult>> => {
    const result =
      this.#unsettled++ === 0 ? promiseOf(this.#next) : (this.#last as Promise<never>).then(this.#next, this.#next);
    this.#last = result;
    result.then(this.#settled, this.#settled);
    return result;
  };

  #settled = (): void => {
    this.#unsettled--;
  };

  // The steps below end a read by throwing, never by returning a promise already rejected: they
  // run as `then` callbacks (see `promiseOf`).
  #next = (): Step => {
    if (this.#done) return { done: true, value: undefined };
    if (this.#signal?.aborted) {
      const error = abortNamed(this.caller, this.#signal.reason);
      void this.#close();
      throw error;
    }
    const current = this.#current;
    if (current === undefined) return this.#open().then(this.#next, (error: unknown) => this.#recover(error, false));
    return current.next().then(this.#step, (error: unknown) => this.#recover(error, true));
  };

  async return(): Promise<IteratorResult<BatchResult>> {
    await this.#close();
    return { done: true, value: undefined };
  }

  #endWait(): void {
    this.#waitAt = -1;
  }

  /** Ends the iteration and cancels the part being read, which closes its connection. */
  #close(): Promise<unknown> | undefined {
    this.#done = true;
    const current = this.#current;
    this.#current = undefined;
    return current?.return?.();
  }

  #step = (step: IteratorResult<unknown>): Step => {
    if (step.done) {
      this.#current = undefined;
      // Ended by `return()` while this read waited (its decoder closed early): the end, not a short part.
      if (this.#done) return { done: true, value: undefined };
      // Read again after it broke off, the part ended before the records already yielded: it
      // changed between the downloads, and what it holds now cannot be matched to what was read.
      if (this.#seen < this.#yielded) {
        this.#done = true;
        throw new CohereParseError(200, "", [
          `${this.#label}: read again, it ended after ${this.#seen} records, but ${this.#yielded} were already yielded from it: the part changed between its downloads`,
        ]);
      }
      // A body cut exactly between two blocks (chunked, or without `Content-Length`) reads as a
      // valid shorter file: the part's `num_rows` tells. Fewer is a body that broke off, read
      // again; more is let through (a count is the server's claim, the records are the data).
      const promised = (this.parts[this.#position] as DatasetPart).num_rows;
      if (Number.isSafeInteger(promised) && this.#seen < (promised as number)) return this.#short(promised as number);
      this.#position++;
      this.#shortAt = -1;
      this.#yielded = 0;
      this.#resumed = 0;
      this.#attemptsBefore = 0;
      return this.#next();
    }
    // A record decoded ends the wait for one, a record skipped too (a broken-off download's
    // records already yielded are skipped on the next one).
    this.#endWait();
    if (++this.#seen <= this.#yielded) return this.#skipYielded();
    this.#yielded++;
    try {
      return { done: false, value: toBatchResult(step.value, this.#label) };
    } catch (error) {
      // Not a batch output: the end, as for a part that does not decode (the decoder, still
      // reading a valid file, would otherwise keep its download open).
      void this.#close();
      throw error;
    }
  };

  /**
   * Reads on past the records of the part an earlier download of it yielded, in a loop: each
   * skipped record's promise resolved with the next one's (`#next` from `#step`), a chain held
   * until the first new record (about 90 B of heap a record: 184 MiB for 1.9 million).
   */
  #skipYielded(): Step {
    // Decided before any wait: a throw of `#next` (an abort) is then the caller's rejection.
    if (this.#seen >= this.#yielded || this.#current === undefined || this.#done || this.#signal?.aborted)
      return this.#next();
    return this.#skipRest();
  }

  async #skipRest(): Promise<IteratorResult<BatchResult>> {
    while (this.#seen < this.#yielded) {
      const current = this.#current;
      if (current === undefined || this.#done || this.#signal?.aborted) break;
      let step: IteratorResult<unknown>;
      try {
        step = await current.next();
      } catch (error) {
        return this.#recover(error, true);
      }
      if (step.done) return this.#step(step);
      this.#endWait();
      this.#seen++;
    }
    return this.#next();
  }

  /**
   * After a part ended cleanly short of its `num_rows`: read again, as a body that broke off is,
   * unless it ended at that same count the time before. Then the file holds that many, and reading
   * it again would not change it (a count the server got wrong would cost every retry).
   */
  #short(promised: number): Step {
    if (this.#shortAt === this.#seen) {
      this.#done = true;
      throw new CohereParseError(200, "", [
        `${this.#label}: it ended after ${this.#seen} records in two downloads, but its num_rows is ${promised}`,
      ]);
    }
    this.#shortAt = this.#seen;
    // Said as a download's failures are (`nameTheCall`'s words, written here: a helper shared
    // with the page's chunk cost it 18 B), with the attempts made for the part (if it is the last).
    const attempts = this.#attemptsBefore + this.#attemptsNow;
    const cause = `The part ended after ${this.#seen} of its ${promised} records (its num_rows)`;
    const message = `${downloadCallName("datasets.download", this.#label)}: ${cause}; ${attempts === 1 ? "1 attempt" : `${attempts} attempts`} made`;
    return this.#recover(new CohereConnectionError(message, { cause: new Error(cause) }), true);
  }

  /** Opens the download of the part at `#position`, or ends the iteration after the last part. */
  async #open(): Promise<void> {
    const part = this.parts[this.#position];
    if (part === undefined) {
      this.#done = true;
      return;
    }
    this.#label = describePart(this.#shownId, part);
    // The wait for the host's answer is the download's own, bounded per attempt: the wait for a
    // record starts again once the body comes.
    this.#endWait();
    // `closing`: a `return()` while the host has not answered (it stalls, a retry waits out a
    // `Retry-After`) ends the download now, not when the host answers or the retries run out.
    const download = {
      operation: "datasets.download" as const,
      url: part.url as string,
      label: this.#label,
      closing: this.closing,
      wait: this.#wait,
    };
    // Opened again after its body broke off: its failure counts the attempts before this download.
    const before = this.#attemptsBefore;
    const options = before === 0 ? this.options : afterEarlierAttempts({ ...this.options }, before);
    const { body, attempts, response } = await this.api.download(download, options);
    this.#attemptsNow = attempts;
    // Nothing yielded from the part yet (a new part, or one that broke off before its first
    // record): whatever file it holds now is read whole.
    if (this.#yielded === 0) this.#file = {};
    this.#current = this.decode(body, this.#label, response.status, this.#file);
    // Closed by `return()` while the download started: cancelled now, or its connection stays open.
    if (this.#done) void this.#close();
    this.#seen = 0;
    // One refresh per refusal: a fresh URL that worked may expire again later.
    this.#refreshed = false;
  }

  /** After a failure: fresh URLs for a refused part, the part again for a broken body, else the error. */
  #recover(error: unknown, receiving: boolean): Step {
    this.#current = undefined;
    // Closed by `return()` while this read waited: its failure is the end, not an error.
    if (this.#done) return { done: true, value: undefined };
    if (!this.#refreshed && ApiError.is(error) && refusedUrlStatuses.has(error.status)) return this.#refresh(error);
    const brokeOff = CohereConnectionError.is(error) || CohereTimeoutError.is(error);
    if (!receiving || !brokeOff || this.#resumed >= this.#maxRetries) {
      this.#done = true;
      throw error;
    }
    this.#resumed++;
    this.#attemptsBefore += this.#attemptsNow;
    return this.#next();
  }

  /** After a refused part: the dataset's parts again (fresh URLs), and the part read again. */
  async #refresh(error: ApiError): Promise<IteratorResult<BatchResult>> {
    this.#refreshed = true;
    // The refused download counts too, with the retries it made before the refusal.
    this.#attemptsBefore = downloadAttemptsOf(error) ?? this.#attemptsBefore + 1;
    const was = this.parts[this.#position] as DatasetPart;
    try {
      this.parts = await this.retrieveParts();
    } catch (failure) {
      // Ended by `return()` while it waited: the end, not an error.
      if (this.#done) return { done: true, value: undefined };
      throw failure;
    }
    const now = this.parts[this.#position];
    // Resumed by position: a refreshed list whose parts were renumbered would have the read
    // go on in another part, yielding its records twice and skipping the rest unseen.
    if (now === undefined || (now.id ?? now.name) !== (was.id ?? was.name)) {
      this.#done = true;
      throw new CohereError(
        `${this.#label} is ${now === undefined ? "gone from" : "not at its place in"} the refreshed dataset`,
      );
    }
    return this.#next();
  }
}

/** What a step of the reader gives: a result, a promise of one, or a throw (never a promise already rejected). */
type Step = IteratorResult<BatchResult> | Promise<IteratorResult<BatchResult>>;

/**
 * The part, named for a message; `id` cleaned of the client's tokens (a server's id may echo one).
 * A part with no `index` is part 0: protobuf's JSON leaves a zero out.
 */
function describePart(id: string, part: DatasetPart): string {
  return `part ${part.index ?? 0} (${part.name}) of dataset ${id}`;
}
