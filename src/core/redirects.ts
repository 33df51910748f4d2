import { isConnectionRefused, someCause } from "../internal/cause-chain.js";
import { CohereParseError } from "./errors/parse-error.js";
import type { FetchFunction } from "./transport.js";
import { realRequest } from "./wire-request.js";
import { discardBody } from "../internal/body-reader.js";
import { isResponse } from "../internal/is-response.js";
import { loadChunk } from "../internal/load-chunk.js";

/** Failures of a hop after a redirect was followed: a refusal there proves nothing about the first hop. */
const laterHopFailures = new WeakSet<object>();

/**
 * Sends `request`, following redirects as the SDK's rules allow.
 *
 * @remarks
 * A GET is left to fetch, which follows redirects: reading twice is harmless; so is a request
 * that chose its own redirect mode (`"error"` or `"manual"`: an upload). Any other method
 * is sent with `redirect: "manual"` and followed here only for 307 and 308, with the same method
 * and body (and no `Authorization` to another origin). A 301, 302 or 303 comes back as it is,
 * and error mapping makes it an `ApiError`: fetch would have re-sent a `cancel` as a GET of the
 * batch and reported the running batch as success. (A browser hides a manual redirect as an
 * opaque response with status 0, which the transport turns into an `ApiError` too.)
 *
 * Because the SDK follows these redirects itself, it knows which hop failed: see
 * `refusedOnFirstHop`.
 */
export function sendFollowingRedirects(
  fetchFunction: FetchFunction,
  request: Request,
  signal: AbortSignal,
): Promise<Response> {
  // A request that chose its own redirect mode (an upload: "error", or "manual" where the
  // runtime refuses "error") is left as it is and never cloned here: following would keep a copy
  // of every byte sent. A redirect then fails the call, or comes back as an ApiError.
  if (request.method === "GET" || request.method === "HEAD") return fetchFunction(request, { signal });
  // Its answer is checked all the same: a fetch that followed a redirect anyway is refused.
  if (request.redirect !== "follow")
    return Promise.resolve(fetchFunction(request, { signal })).then((response) =>
      notFollowed(response, request.method),
    );
  return followMethodKeepingRedirects(fetchFunction, request, signal);
}

/**
 * Failures of answers a fetch reached by following a redirect of a request that may have been
 * carried out: `run` watches for the batch such a create may have made, whatever the status.
 */
const followedRedirects = new WeakSet<object>();

/** True when `error` is the refusal of an answer a fetch reached by following a redirect itself. */
export function isFollowedRedirect(error: unknown): boolean {
  return typeof error === "object" && error !== null && followedRedirects.has(error);
}

/**
 * `response`, unless a fetch followed a redirect to reach it (the request said it must not):
 * after a 301-303 it is the answer to a GET of another resource; after a 307 the request went
 * again, where the redirect pointed. The SDK cannot tell which: the answer is not taken.
 */
export function notFollowed(response: Response, method: string): Response {
  // Junk a user's fetch resolved with goes on to the transport, which refuses it by name.
  if (!isResponse(response) || !response.redirected) return response;
  discardBody(response.body);
  const error = new CohereParseError(response.status, "", [
    `the fetch function followed a redirect of the ${method} (the request said it must not), so this answer may not be the request's; the request may have been carried out`,
  ]);
  followedRedirects.add(error);
  throw error;
}

/**
 * The first hop of a POST (or DELETE) whose 307 and 308 the SDK follows itself: a redirect is
 * rare, so the code that follows one is a chunk loaded when one comes (`redirect-follower.ts`).
 */
async function followMethodKeepingRedirects(
  fetchFunction: FetchFunction,
  request: Request,
  signal: AbortSignal,
): Promise<Response> {
  // Followed by hand: a real Request, to clone and replay, that says "manual" itself: a user's
  // fetch may read only the request (`(request) => fetch(request)`) and not the init.
  const first = manualRedirects(realRequest(request, signal));
  const replay = first.body === null ? first : first.clone();
  const response = await fetchFunction(first, { signal, redirect: "manual" });
  if (!isResponse(notFollowed(response, first.method)) || !isMethodKeepingRedirect(response)) return response;
  // Not read, and let go before the follower loads: a chunk that fails to load leaves no open body.
  discardBody(response.body);
  const { followRedirects } = await loadChunk(
    () => import("./redirect-follower.js"),
    "the redirect follower",
    signal,
    // As fetch ends on the signal: the transport types it (the attempt's timeout, the caller's abort).
    () => signal.reason,
  );
  return followRedirects(fetchFunction, replay, response, signal);
}

/** Redirects that keep the method and the body; 301, 302 and 303 would turn a POST into a GET. */
const methodKeepingStatuses = new Set([307, 308]);

/** A 307 or 308 with a `Location`: followed with the same method and body. */
export function isMethodKeepingRedirect(response: Response): boolean {
  return methodKeepingStatuses.has(response.status) && response.headers.has("location");
}

/** `request`, or a copy of it, whose own redirect mode is `"manual"`. */
function manualRedirects(request: Request): Request {
  return request.redirect === "manual"
    ? request
    : new Request(request, { redirect: "manual", duplex: "half" } as RequestInit);
}

/**
 * Marks `error` as the failure of a hop after a redirect was followed, or of a user's fetch given
 * a create (it may have sent hops of its own first): see `refusedOnFirstHop`.
 */
export function laterHopFailed(error: unknown): void {
  if (typeof error === "object" && error !== null) laterHopFailures.add(error);
}

/** True when `error` is (or is caused by) the failure of a hop after a redirect the SDK followed. */
export function failedOnLaterHop(error: unknown): boolean {
  return someCause(error, (cause) => laterHopFailures.has(cause));
}

/**
 * True when the connection was refused on the first hop, so the server certainly never saw
 * the request. Once a redirect was followed, the first server did see it: a refusal of a later
 * hop proves nothing, and a non-idempotent request is not sent again. Nor does a refusal from
 * within a user's fetch, which may have sent the request before (its own retry, a failover).
 */
export function refusedOnFirstHop(error: unknown): boolean {
  return isConnectionRefused(error) && !failedOnLaterHop(error);
}
