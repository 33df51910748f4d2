/** One error of a chain, with the fields the SDK reads, read once. */
interface Link {
  readonly error: object;
  readonly name: unknown;
  readonly message: unknown;
  readonly code: unknown;
}

/**
 * A field of what users' code threw or rejected with (a custom fetch, a token function, a
 * middleware): anything at all, a getter or a `Proxy` that throws included. Such a read is
 * `undefined`, so the failure is still typed.
 */
function read(error: object, key: "name" | "message" | "code" | "cause"): unknown {
  try {
    return (error as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The error and its causes, outermost first, at most five deep (a cycle must not loop). */
function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  for (
    let current = error;
    chain.length < 5 && typeof current === "object" && current !== null;
    current = read(current, "cause")
  ) {
    chain.push({
      error: current,
      name: read(current, "name"),
      message: read(current, "message"),
      code: read(current, "code"),
    });
  }
  return chain;
}

/**
 * The SDK's own error somewhere in the chain: an upload stream that refused its input fails
 * fetch with that `CohereError` as a cause, and the caller should get it, not "fetch failed".
 */
export function ownErrorInChain<E>(error: unknown, isOwn: (value: unknown) => value is E): E | undefined {
  return causeChain(error).find((link) => isOwn(link.error))?.error as E | undefined;
}

/** The innermost cause's message and code: undici says "fetch failed" and hides the reason in `cause`. */
export function describeCause(error: unknown): string {
  let message = "unknown error";
  for (const { message: text, code } of causeChain(error)) {
    if (typeof text === "string" && text !== "") message = typeof code === "string" ? `${text} (${code})` : text;
  }
  return message;
}

/** True when `test` holds for the error or one of its causes. */
export function someCause(error: unknown, test: (cause: object) => boolean): boolean {
  return causeChain(error).some((link) => test(link.error));
}

/** True when some error in the chain carries one of `codes` (`ECONNREFUSED`, `UND_ERR_INVALID_ARG`, ...). */
export function hasCauseCode(error: unknown, codes: ReadonlySet<string>): boolean {
  return causeChain(error).some(({ code }) => typeof code === "string" && codes.has(code));
}

// A connection refused, or a host name not found (for good, or for now): nothing was sent.
const refusedCodes: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** undici's codes for a request it refused to send (a header it does not allow, a bad Content-Length). */
const refusedByFetchCodes: ReadonlySet<string> = new Set([
  "ERR_INVALID_URL",
  "UND_ERR_INVALID_ARG",
  "UND_ERR_NOT_SUPPORTED",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  // Bun: a body already read ("Body is disturbed or locked").
  "ERR_BODY_ALREADY_USED",
]);

/**
 * What fetch refuses and no retry can change, as each says it at the start of its message (a
 * URL quoted later in a message, say a connection failure's, must not match). Before sending: a
 * port the Fetch standard blocks ("bad port"s such as 6000: Node, Deno), a request whose body
 * was read already (Node, Deno, Bun: "Body object should not be disturbed or locked" as it is
 * copied; Chromium, after "Failed to execute 'fetch' on 'Window': " or, as the Request is
 * copied, "Failed to construct 'Request': ").
 */
const refusedBeforeSendingMessage =
  /^(Fetch failed: |Failed to (execute 'fetch' on '\w+'|construct 'Request'): )?(bad port$|Requests to port \d+ are blocked|Cannot construct a Request with a Request object that has already been used|Input request's body is unusable|Request body already used|Body object should not be disturbed or locked)/;

/**
 * After a hop was sent and answered with a redirect: an upload's redirect, which fetch refuses
 * to follow (`redirect: "error"`: Node, Deno, Bun, node-fetch), a redirect loop (Node:
 * "redirect count exceeded", after 20 hops; sent again, it loops again), and a redirect to a URL
 * that is not HTTP(S) or that holds credentials (Node: "cross origin not allowed..."). (A
 * `Location` that is no URL is `ERR_INVALID_URL`, above: only a GET's, which fetch follows, or a
 * user's fetch's, whose refusals count as sent anyway.)
 */
const refusedRedirectMessage =
  /^(Fetch failed: )?(redirect count exceeded$|URL scheme must be a HTTP\(S\) scheme$|cross origin not allowed for request mode|[Tt]oo many redirects|Encountered redirect|unexpected redirect$|UnexpectedRedirect fetching|uri requested responds with a redirect, redirect mode is set to error)/;

/**
 * True when fetch refused to send the request (or, for a redirect it followed, the next hop): bad
 * input, not a network failure.
 */
export function isRefusedByFetch(error: unknown): boolean {
  return (
    hasCauseCode(error, refusedByFetchCodes) ||
    causeChain(error).some(
      ({ message }) =>
        typeof message === "string" &&
        (refusedBeforeSendingMessage.test(message) || refusedRedirectMessage.test(message)),
    )
  );
}

/** A body that was not the length its `Content-Length` said: fetch fails as the body ends, once the server may have read all it was told to. */
const refusedAfterSendingCodes: ReadonlySet<string> = new Set(["UND_ERR_REQ_CONTENT_LENGTH_MISMATCH"]);

/**
 * True when fetch refused the request once a server may have had it: after a hop answered with a
 * redirect (that server saw the request), or as a body longer than its `Content-Length` ended.
 */
export function isRefusedAfterSending(error: unknown): boolean {
  return (
    hasCauseCode(error, refusedAfterSendingCodes) ||
    causeChain(error).some(({ message }) => typeof message === "string" && refusedRedirectMessage.test(message))
  );
}

/**
 * True when fetch could not read the `Request` it was given as one: npm undici's fetch, given
 * the runtime's `Request` (a class of another copy of undici), takes it for a URL and fails to
 * parse "[object Request]". No retry can change that.
 */
export function isForeignRequest(error: unknown): boolean {
  return causeChain(error).some(
    ({ message }) => typeof message === "string" && message.startsWith("Failed to parse URL from [object "),
  );
}

/**
 * True when fetch could not read the request's body: a file that changed or went away since
 * `fs.openAsBlob` or an `<input type=file>` gave it (a `NotReadableError`). It is the caller's
 * data that failed, not the connection: no retry can read it.
 */
export function isUnreadableBody(error: unknown): boolean {
  return causeChain(error).some(({ name }) => name === "NotReadableError");
}

/**
 * A body that is not what its `Content-Encoding` says: zlib's and brotli's codes in Node
 * (`Z_DATA_ERROR`, `ERR__ERROR_FORMAT_...`), Bun's (`ZlibError`), Deno's words ("Invalid gzip
 * header").
 */
const undecodableCodes = /^(Z_DATA_ERROR|ERR__ERROR_FORMAT|ZlibError)/;

/** True when a response body could not be decoded from its `Content-Encoding`: corrupt, not cut off. */
export function isUndecodableBody(error: unknown): boolean {
  return causeChain(error).some(
    ({ code, message }) =>
      (typeof code === "string" && undecodableCodes.test(code)) ||
      (typeof message === "string" && message.startsWith("Invalid gzip header")),
  );
}

/** The one wording of a caller's data source that failed as the upload read it, for `reason` (see `describeCause`). */
export function unreadableDataMessage(reason: string): string {
  return `The data being uploaded failed as it was read: ${reason}`;
}

/** Deno's fetch says these in words only: an error with no code (a `TypeError`, or its `Error` cause). */
const denoRefused = /: (tcp connect error: Connection refused \(os error \d+\)|dns error: )/;

/**
 * True when the connection was refused, or the host's name was not found: the host certainly
 * never saw the request.
 */
export function isConnectionRefused(error: unknown): boolean {
  return (
    hasCauseCode(error, refusedCodes) ||
    causeChain(error).some(({ message }) => typeof message === "string" && denoRefused.test(message))
  );
}
