import { endCall } from "./call-end.js";
import { downloadContext, namingFailures } from "./download-call.js";
import { releaseOfFetches } from "./download-release.js";
import { checkedUrl, rememberDownloadSecrets } from "./download-url.js";
import { abortNamed, downloadCallName } from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import type { CallOrigin, MiddlewareContext, OperationName } from "./middleware.js";
import type { Pipeline } from "./middleware-plugin.js";
import { type RequestDefaults, type RequestOptions, resolveRequestOptions } from "./request-options.js";
import { setSignedUrlOrigin } from "./signed-url.js";
import { type BodyWait, readStreamedBody, type StreamedBodyCall, type StreamedBodyLimits } from "./streamed-body.js";
import { withoutSignal } from "./wire-request.js";
import { followAbort } from "../internal/follow-abort.js";

/** One download from a URL that carries its own credential (a signed URL on a storage host). */
export interface DownloadDescription {
  /** The name a retry decision and an error report see, e.g. `"datasets.download"`. */
  readonly operation: OperationName;
  /** The absolute `http:` or `https:` URL, sent as it is. */
  readonly url: string;
  /** What a failure's message calls the download (`part 0 (part-0.avro) of dataset ds-1`); the URL is signed, and secret. */
  readonly label?: string;
  /**
   * Ends the wait for the answer too, retries and their pauses included: the signal of an
   * iterator whose `return()` leaves it (a results reader). Once the host answered, the body's
   * reads watch the call's own signal alone.
   */
  readonly closing?: AbortSignal | undefined;
  /** The reader's bound on a wait that spans many of the body's reads (see `readStreamedBody`). */
  readonly wait?: BodyWait | undefined;
}

/** A download in progress: the response (status, headers) and its body, read as it arrives. */
export interface Download {
  readonly response: Response;
  /** The attempts the download took until its headers came (a failure mid-body counts them). */
  readonly attempts: number;
  /** The body's chunks, each wait bounded by the call's timeout and abort (see `readStreamedBody`). */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * Sends a download through the download pipeline (users' plugins, but no Cohere header of any
 * kind; see `createDownloadPipeline`), with the call's timeout, retries and abort, and hands the
 * body on unread. A GET repeats safely, so every retryable failure is retried.
 *
 * @throws CohereError for a URL that is not absolute `http:` or `https:`, or that carries
 * credentials, before sending.
 */
export async function sendDownload(
  pipeline: Pipeline,
  defaults: RequestDefaults,
  { operation, url, label, closing, wait }: DownloadDescription,
  via: CallOrigin | undefined,
  requestOptions: RequestOptions | undefined,
  clientToken: string | object,
): Promise<Download> {
  const options = resolveRequestOptions(defaults, requestOptions);
  const signal = options.abortSignal;
  const target = checkedUrl(operation, url);
  if (signal?.aborted) throw abortNamed(downloadCallName(operation, label), signal.reason);
  const waiting = linkForTheWait(signal, closing);
  const context = downloadContext(operation, via, options, waiting.signal);
  rememberDownloadSecrets(context, target, clientToken, requestOptions);
  const release = releaseOfFetches(context);
  setSignedUrlOrigin(context, target.origin);
  const named = namingFailures(pipeline, context, { operation, label, target }, requestOptions);
  let response: Response;
  try {
    response = await sendGet(pipeline, target, context);
  } catch (error) {
    release();
    throw named(error);
  } finally {
    endCall(context);
    waiting.unlink();
  }
  // A plugin may have read the body it was handed (it should read a `clone()`).
  if (response.bodyUsed || response.body?.locked === true) {
    release();
    throw bodyAlreadyRead(operation, label);
  }
  // A failure mid-body says which part it was, as one before the body does.
  const call: StreamedBodyCall = { end: release, clean: named };
  const limits: StreamedBodyLimits = { timeoutInSeconds: options.timeoutInSeconds, signal, wait };
  return { response, attempts: context.attempt, body: readStreamedBody(response, limits, call) };
}

/**
 * The signal the wait for the answer watches, and what lets go of it: with a `closing`, a signal
 * of the wait's own that follows the caller's and `closing`. Linked for the wait alone: a link
 * kept through the body would hold a listener on the caller's long-lived signal for as long as
 * the part is read, or left unread.
 */
function linkForTheWait(
  signal: AbortSignal | undefined,
  closing: AbortSignal | undefined,
): { readonly signal: AbortSignal | undefined; readonly unlink: () => void } {
  const waiting = closing === undefined ? undefined : new AbortController();
  const unlinks = waiting === undefined ? [] : [followAbort(signal, waiting), followAbort(closing, waiting)];
  return {
    signal: waiting?.signal ?? signal,
    unlink: () => {
      for (const unlink of unlinks) unlink();
    },
  };
}

/**
 * Sends the GET of `target` through the pipeline. No signal of its own: fetch gets the attempt's
 * (a Request on the caller's long-lived signal would leave a listener on it until garbage
 * collected), and so does the copy users' plugins are handed (see `realRequest`).
 */
function sendGet(pipeline: Pipeline, target: URL, context: MiddlewareContext): Promise<Response> {
  return pipeline.send(withoutSignal(new Request(target)), context);
}

function bodyAlreadyRead(operation: OperationName, label: string | undefined): CohereError {
  return new CohereError(
    `${operation} (${label ?? "{signed-url}"}): the body of the download was already read before the SDK could decode it; a plugin that reads a download's body must read a clone() of the response`,
  );
}
