// The batch create of `batches.run`, which never leaves two batches behind, whether or not the
// server honours `Idempotency-Key` (Cohere does not document it).
import { sendsOfCall } from "../core/idempotency-key-sent.js";
import { CohereAbortError } from "../core/errors/abort-error.js";
import { afterEarlierAttempts } from "../core/errors/call-failure.js";
import { recordingTokens } from "../internal/secrets.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereParseError } from "../core/errors/parse-error.js";
import { isFollowedRedirect } from "../core/redirects.js";
import type { RequestOptions, ShouldRetry } from "../core/request-options.js";
import { delay } from "../internal/delay.js";
import { failedOnTheWire, isTransientFailure, retryDelay } from "../middleware/retry-decision.js";
import { connectionRefusedOnFirstHop } from "../core/server-did-not-act.js";
import type { RetryTiming } from "../middleware/retry-timing.js";
import type { BatchesClient } from "../resources/batches/batches-client.js";
import type { Batch, CreateBatchRequest } from "../resources/batches/types.js";
import { isAddressable, unaddressableId } from "./server-ids.js";
import type { Dataset } from "../resources/datasets/types.js";

const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** How `run`'s create is retried: the rules of the retry layer, for the caller's call. */
export interface CreateRetries {
  readonly maxRetries: number;
  readonly shouldRetry: ShouldRetry | undefined;
  readonly timing: RetryTiming;
}

/**
 * Creates the batch that reads `dataset`, retrying up to `maxRetries` times itself (each create
 * is sent with `maxRetries: 0`), by the retry layer's rule: `shouldRetry`, the client's backoff,
 * a server-asked delay over 60 s thrown at once. Before sending it again after an attempt that
 * may have reached the server (a 5xx, a timeout, a dropped connection), once the backoff is
 * over, it walks the batch list for a batch that reads `dataset` and adopts it: the dataset was
 * uploaded by this run alone, so the match is exact. `sent.secondPossible` turns true once an
 * attempt may have reached the server (before the wait that follows it, which the run's deadline
 * or abort may end), or was answered 2xx with a body that failed the checks (the batch exists):
 * a server that ignores the key may yet commit a second batch, and one the run never learnt of
 * runs for nobody (see `watchForSecondBatches`), whether this create ends in a batch or an error.
 * So does a create a plugin sent more than once, one it answered itself while the create it sent
 * had no 2xx of the server's, and one that failed after it was sent where no status of the
 * server's explains it (see `failedUnexplained`). `sent.inFlight` is true while a create is on
 * its way (until it settles), and stays true when the run's end cut off one that was sent.
 */
export async function createBatchOnce(
  batches: BatchesClient,
  request: CreateBatchRequest,
  dataset: Dataset,
  retries: CreateRetries,
  options: RequestOptions,
  sent: { secondPossible: boolean; inFlight?: boolean },
): Promise<Batch> {
  const idempotencyKey = newIdempotencyKey();
  const creates: Creates = { batches, dataset, retries, options, sent };
  for (let attempt = 1; ; attempt++) {
    // Each create is a call of its own (plugins see `context.attempt` 1); its failure counts
    // the attempts made before it.
    // Recording the tokens it sends, which a server may make the batch's id of (see `carryTokens`).
    const createOptions = afterEarlierAttempts(
      recordingTokens({ ...options, idempotencyKey, maxRetries: 0 }),
      attempt - 1,
    );
    try {
      // In flight, for the run: a deadline that cuts it off may leave a batch the server commits
      // later. (Not during the pauses between creates: a refused create never left.) An id the
      // SDK cannot address is refused by the create's response check.
      sent.inFlight = true;
      const { batch } = await batches.create(request, createOptions);
      sent.inFlight = false;
      if (!serverMadeThis(batch, dataset, createOptions)) sent.secondPossible = true;
      return batch;
    } catch (error) {
      const adopted = await afterFailedCreate(creates, error, attempt, createOptions);
      if (adopted !== undefined) return addressable(adopted);
    }
  }
}

/**
 * `batch`, found in a page of the list (whose batches are not failed over their ids), for the run
 * to wait on (and maybe cancel); a `CohereParseError` when its id is one the SDK cannot address,
 * which says the batch goes on.
 */
function addressable(batch: Batch): Batch {
  if (isAddressable("batch", batch.id)) return batch;
  throw unaddressableId(
    { status: 200, text: JSON.stringify(batch) },
    "batches.list",
    "batch",
    batch.id,
    ": the run cannot wait on the batch nor cancel it, and it goes on",
  );
}

/** What each create of `createBatchOnce` shares. */
interface Creates {
  readonly batches: BatchesClient;
  readonly dataset: Dataset;
  readonly retries: CreateRetries;
  readonly options: RequestOptions;
  readonly sent: { secondPossible: boolean; inFlight?: boolean };
}

/**
 * False when the batch the server made may not be the one reported: a plugin sent the create
 * more than once (its own retry or hedge, the same key: a server that ignores the key made a
 * batch of each), answered while it had no 2xx of the server's, or put a cached batch (of
 * another dataset) in place of the one made. True where nothing was sent at all (a plugin's own
 * answer): no batch was made.
 */
function serverMadeThis(batch: Batch, dataset: Dataset, createOptions: object): boolean {
  const call = sendsOfCall(createOptions);
  if (call === undefined || call.sends === 0) return true;
  return call.sends === 1 && call.status !== undefined && call.status < 300 && batch.input_dataset_id === dataset.id;
}

/**
 * After a failed create: throws where no retry follows, else waits the retry's delay and, where
 * the create may have reached the server, walks the list for the batch it made (returned, to be
 * adopted); `undefined` when the create is to go again.
 */
async function afterFailedCreate(
  { batches, dataset, retries, options, sent }: Creates,
  error: unknown,
  attempt: number,
  createOptions: object,
): Promise<Batch | undefined> {
  const sends = sendsOfCall(createOptions)?.sends;
  // Read once: an abort made later (in `shouldRetry`) does not make this failure the run's end.
  const cutOff = options.abortSignal?.aborted === true;
  // Cut off by the run's end (its deadline, an abort), it stays in flight for the run to see,
  // unless nothing of it reached a transport (a token function, a plugin, a rate limiter's
  // line held it): the call has ended, and nothing more of it is sent.
  if (!cutOff || sends === 0) sent.inFlight = false;
  // Nothing of it left (an attempt that timed out in a token function, a plugin's own
  // answer), or refused on its one send (not one a plugin sent elsewhere first: a failover
  // after a 500 may have had it acted on): no batch to look for.
  const refused = sends === 0 || (connectionRefusedOnFirstHop(error) && (sends ?? 0) <= 1);
  const seconds = attempt > retries.maxRetries ? undefined : createRetryDelay(error, attempt, retries);
  if (seconds === undefined) {
    // The last attempt, too, may have reached the server (a 504, a timeout), with no retry
    // after it (`maxRetries: 0`, `shouldRetry`): the batch it may yet add is watched for.
    if (!refused && mayHaveMadeBatch(error, createOptions, cutOff)) sent.secondPossible = true;
    // The caller's abort made during the decision (in `shouldRetry`) ends the run as an
    // abort, as it ends a `create` of the caller's own (see the retry layer).
    const signal = options.abortSignal;
    if (signal?.aborted) throw new CohereAbortError(signal.reason);
    throw error;
  }
  // Only a request that never left is sent again without the walk: a proxy answers 503
  // after an upstream reset, and a server that ignores the key may say 429 after acting.
  // Marked before the wait: a run that ends in it leaves a batch the attempt made to the watch.
  if (!refused) sent.secondPossible = true;
  // The walk comes after the wait, just before the create goes again: a server may commit
  // a create after its gateway answered 504 or the attempt timed out, and a batch it made
  // during the wait is found too.
  await delay(seconds * 1000, options.abortSignal);
  if (refused) return undefined;
  // The walk's reads carry no body: a run's `bodyParams` are its create's.
  const { bodyParams: _, ...reads } = options;
  return findBatchReading(batches, dataset, reads);
}

/**
 * The seconds to wait before the create goes again after `error`, by the retry layer's rule; or
 * `undefined`. Sending it again is safe wherever it failed on the wire: it carries a key, and the
 * list is walked first.
 */
function createRetryDelay(error: unknown, attempt: number, retries: CreateRetries): number | undefined {
  const info = { operation: "batches.create", attempt } as const;
  return retryDelay(error, failedOnTheWire(error), info, retries.shouldRetry, retries.timing);
}

/**
 * True when a create that failed, sent and not refused, may have made a batch: a transient
 * failure (a 504, a timeout), a 2xx whose body failed the checks (the batch exists), an answer a
 * fetch reached by following a redirect itself, whatever its status (a 307's target may have
 * made the batch and then failed), a redirect that says the server acted (a 303, or a 302 as
 * browsers read it after a POST) or that a browser hides as status 0 (a 300 or 304 says it did
 * not), and one that failed after it was sent where no status of the server's tells (a plugin
 * that threw after its `next()` was answered, gave up on one in flight, or put an error of its
 * own in place of the server's answer), or that a plugin sent more than once.
 */
function mayHaveMadeBatch(error: unknown, createOptions: object, cutOff: boolean): boolean {
  return (
    isTransientFailure(error) ||
    (CohereParseError.is(error) && (error.status < 300 || isFollowedRedirect(error))) ||
    (ApiError.is(error) && (error.status === 0 || error.status === 302 || error.status === 303)) ||
    failedUnexplained(error, createOptions, cutOff)
  );
}

/**
 * The batch reading `dataset`. The spec does not say which way `order_by=created_at` sorts, so
 * the walk stops at a batch older than the dataset only once it has seen the list go newest
 * first (a newer batch before an older one); on a list sorted oldest first it walks to the end.
 */
export async function findBatchReading(
  batches: BatchesClient,
  dataset: Dataset,
  options: RequestOptions,
): Promise<Batch | undefined> {
  for await (const batch of batchesReading(batches, dataset, options)) return batch;
  return undefined;
}

/** The batches reading `dataset`, walking the list as `findBatchReading` says. */
export async function* batchesReading(batches: BatchesClient, dataset: Dataset, options: RequestOptions) {
  // The margin allows for clocks of the two services that disagree.
  const oldest = Date.parse(dataset.created_at ?? "") - CLOCK_SKEW_MS;
  let previous = Number.NaN;
  for await (const batch of batches.listAll({ order_by: "created_at", page_size: 100 }, options)) {
    if (batch.input_dataset_id === dataset.id) yield batch;
    const created = Date.parse(batch.created_at ?? "");
    if (created < oldest && created < previous) return;
    previous = created;
  }
}

/** A key of the run's own, `<prefix>-<random>`: one per create, never shared by two runs. */
export function newIdempotencyKey(prefix = "run"): string {
  if (typeof crypto.randomUUID === "function") return `${prefix}-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * True when a create failed after a request of it reached a transport, and the failure is not the
 * server's own answer to its one send (an `ApiError` of the status the server answered): a
 * plugin's error, its own status, its own abort. One the run's end cut off (`cutOff`: its
 * deadline, the caller's abort) stays in flight, which the run watches for itself.
 */
function failedUnexplained(error: unknown, createOptions: object, cutOff: boolean): boolean {
  const call = sendsOfCall(createOptions);
  if (call === undefined || call.sends === 0 || cutOff) return false;
  return call.sends > 1 || !ApiError.is(error) || error.status !== call.status;
}
