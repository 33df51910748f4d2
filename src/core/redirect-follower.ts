// The rest of a POST's redirects, followed by hand: loaded on the first 307 or 308 a POST gets
// (see `sendFollowingRedirects`), so that a page that never meets one does not carry the code.
import { discardBody } from "../internal/body-reader.js";
import { isResponse } from "../internal/is-response.js";
import { callFailure } from "./errors/call-failure.js";
import { isMethodKeepingRedirect, laterHopFailed, notFollowed } from "./redirects.js";
import type { FetchFunction } from "./transport.js";

const maxRedirects = 20;

/**
 * Follows `response`, a 307 or 308 with a `Location` answering `sent` (a copy of the first
 * request, unsent), and the redirects after it, with the same method and body, until an answer
 * that is not one: that answer is the request's.
 */
export async function followRedirects(
  fetchFunction: FetchFunction,
  sent: Request,
  response: Response,
  signal: AbortSignal,
): Promise<Response> {
  let replay = sent;
  for (let hop = 0; ; hop++) {
    // As fetch ends a GET's loop: refused, not an ApiError of the last 307 (nor retried).
    if (hop === maxRedirects) throw callFailure("fetch refused the request: redirect count exceeded");
    const location = response.headers.get("location") as string;
    const current = await redirected(replay, redirectTarget(location, response.url || replay.url), signal);
    // Nothing more is sent once the attempt is over: a user's fetch that reads only the Request
    // gets the signal on it, and one that ignores it is not handed the next hop.
    if (signal.aborted) throw signal.reason;
    replay = current.body === null ? current : current.clone();
    try {
      response = await fetchFunction(current, { signal, redirect: "manual" });
    } catch (error) {
      laterHopFailed(error);
      throw error;
    }
    if (!isResponse(notFollowed(response, current.method)) || !isMethodKeepingRedirect(response)) return response;
    discardBody(response.body);
  }
}

/**
 * Where a 307 or 308 points, refused as fetch refuses a GET's (no retry changes it): a `Location`
 * that is no URL, not an HTTP(S) one, or one with credentials. A `data:` URL would have
 * "answered" the request itself.
 */
function redirectTarget(location: string, base: string): URL {
  let target: URL | undefined;
  try {
    target = new URL(utf8Location(location), base);
  } catch {}
  // One with credentials (`http://user:pass@host/`) fetch refuses too, and a Request cannot hold.
  if ((target?.protocol !== "http:" && target?.protocol !== "https:") || target.username || target.password)
    throw callFailure("fetch refused the request: the redirect's Location is not an HTTP(S) URL without credentials");
  return target;
}

/**
 * The `Location` as Node's fetch reads a GET's: its bytes decoded as UTF-8 (a byte that is not
 * UTF-8 becomes U+FFFD), a leading byte order mark kept as a character. `Headers` gives each
 * byte as a character (Latin-1), so a raw `/café` went to `/caf%C3%83%C2%A9` where the GET went
 * to `/caf%C3%A9`.
 */
function utf8Location(location: string): string {
  return /[\x80-\xff]/.test(location) && !/[^\0-\xff]/.test(location)
    ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(Uint8Array.from(location, (c) => c.charCodeAt(0)))
    : location;
}

/**
 * The request again, to `target`: same method, headers and body, and the attempt's signal; no
 * `Authorization` to another origin.
 */
async function redirected(request: Request, target: URL, signal: AbortSignal): Promise<Request> {
  const headers = new Headers(request.headers);
  if (target.origin !== new URL(request.url).origin) headers.delete("authorization");
  const body = request.body === null ? null : await request.arrayBuffer();
  return new Request(target, { method: request.method, headers, body, redirect: "manual", signal });
}
