import { endCall, watchCallEnd } from "./call-end.js";
import { recordDownloadAttempts } from "./attempts-of-failed-downloads.js";
import {
  abortNamed,
  attemptsMade,
  carryCallName,
  downloadCallName,
  nameTheCall,
  typedFailure,
} from "./errors/call-failure.js";
import { CohereError } from "./errors/cohere-error.js";
import type { CallOrigin, MiddlewareContext, OperationName } from "./middleware.js";
import type { Pipeline } from "./middleware-plugin.js";
import { type RequestDefaults, type RequestOptions, resolveRequestOptions } from "./request-options.js";
import { setSignedUrlOrigin } from "./signed-url.js";
import { type ReleaseLink, setStreamRelease } from "./stream-release.js";
import { type BodyWait, readStreamedBody } from "./streamed-body.js";
import { withoutSignal } from "./wire-request.js";
import { followAbort } from "../internal/follow-abort.js";
import { rememberCarriedTokens, rememberKnownTokens, rememberToken } from "../internal/secrets.js";

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
  const target = parseUrl(url);
  // Quoted without its query (a signed URL's is a credential).
  if (target === undefined || (target.protocol !== "https:" && target.protocol !== "http:"))
    throw new CohereError(`${operation}: not an http(s) URL: ${JSON.stringify(url.split("?")[0]?.slice(0, 200))}`);
  // fetch refuses a URL with a user name or password (a TypeError); they are not shown.
  if (target.username !== "" || target.password !== "")
    throw new CohereError(`${operation}: the URL carries credentials (user:password@), which fetch refuses`);
  if (signal?.aborted) throw abortNamed(downloadCallName(operation, label), signal.reason);
  // Linked for the wait alone: a link kept through the body would hold a listener on the
  // caller's long-lived signal for as long as the part is read, or left unread.
  const waiting = closing === undefined ? undefined : new AbortController();
  const unlinks = waiting === undefined ? [] : [followAbort(signal, waiting), followAbort(closing, waiting)];
  const context: MiddlewareContext = {
    operation,
    // The URL is signed and secret until it expires: plugins see no template of it.
    route: "{signed-url}",
    params: {},
    via,
    state: {},
    idempotent: true,
    attempt: 1,
    options,
    signal: waiting?.signal ?? signal,
    responseKind: "stream",
  };
  // The query's values are the signature: out of any message the call's errors carry (a
  // plugin's, a connection's, a storage host's echo), as the API token is.
  for (const pair of target.search.slice(1).split("&")) rememberToken(context, pair.slice(pair.indexOf("=") + 1));
  for (const value of target.searchParams.values()) rememberToken(context, value);
  // No Authorization is sent, but the path may hold an id a server made of the API token (the
  // output dataset's): the token the client is known to send, and those a workflow's calls
  // carry, are cleaned out too.
  rememberKnownTokens(context, clientToken);
  rememberCarriedTokens(context, requestOptions);
  // Ends every fetch of this call once it fails or its body is done with (see `setStreamRelease`).
  const connection = new AbortController();
  setStreamRelease(context, (controller) => linkToRelease(connection.signal, controller));
  setSignedUrlOrigin(context, target.origin);
  const release = () => connection.abort();
  // Named like an API call's failure, by its label: the signed URL's query is a credential. The
  // count is kept for the records reader, which counts a refused download's attempts.
  const call = { operation, method: "get", route: label ?? "{signed-url}", url: `${target.origin}${target.pathname}` };
  if (!pipeline.ownsResponses) {
    carryCallName(context, call, requestOptions);
    watchCallEnd(context);
  }
  const named = (error: unknown) => {
    const attempts = attemptsMade(context.attempt, requestOptions);
    const failure = nameTheCall(typedFailure(context, error), { ...call, attempts }, context);
    recordDownloadAttempts(failure, attempts);
    return failure;
  };
  let response: Response;
  try {
    // No signal of its own: fetch gets the attempt's (a Request on the caller's long-lived
    // signal would leave a listener on it until garbage collected), and so does the copy users'
    // plugins are handed (see `realRequest`).
    response = await pipeline.send(withoutSignal(new Request(target)), context);
  } catch (error) {
    release();
    throw named(error);
  } finally {
    endCall(context);
    for (const unlink of unlinks) unlink();
  }
  // A plugin may have read the body it was handed (it should read a `clone()`).
  if (response.bodyUsed || response.body?.locked === true) {
    release();
    throw new CohereError(
      `${operation} (${label ?? "{signed-url}"}): the body of the download was already read before the SDK could decode it; a plugin that reads a download's body must read a clone() of the response`,
    );
  }
  return {
    response,
    attempts: context.attempt,
    body: readStreamedBody(
      response,
      { timeoutInSeconds: options.timeoutInSeconds, signal, wait },
      // A failure mid-body says which part it was, as one before the body does.
      { end: release, clean: named },
    ),
  };
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Ends the attempt's fetch (`controller`) when `release` fires. The response's body is cancelled
 * first, when nothing reads it (a plugin handed on a clone of it): undici cancels it on the
 * abort otherwise, and a clone's branch rejects that cancel, unhandled. Not awaited: a branch's
 * cancel waits for its clone's. The abort carries no reason (see the transport).
 */
function linkToRelease(release: AbortSignal, controller: AbortController): ReleaseLink {
  let response: Response | undefined;
  const end = () => {
    const body = response?.body;
    try {
      if (body && !body.locked) body.cancel().catch(() => {});
    } catch {
      // Not a web stream: a custom fetch's Node stream, which its fetch ends on the abort.
    }
    controller.abort();
  };
  release.addEventListener("abort", end, { once: true });
  return {
    fetched: (fetched) => {
      response = fetched;
    },
    unlink: () => release.removeEventListener("abort", end),
  };
}
