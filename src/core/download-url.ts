// The signed URL of a download: checked before it is sent, and its secrets kept out of messages.
import { CohereError } from "./errors/cohere-error.js";
import type { MiddlewareContext, OperationName } from "./middleware.js";
import type { RequestOptions } from "./request-options.js";
import { rememberCarriedTokens, rememberKnownTokens, rememberToken } from "../internal/secrets.js";

/**
 * `url` parsed, when it is an absolute `http:` or `https:` URL that carries no credentials;
 * else a `CohereError`.
 */
export function checkedUrl(operation: OperationName, url: string): URL {
  const target = parseUrl(url);
  // Quoted without its query (a signed URL's is a credential).
  if (target === undefined || (target.protocol !== "https:" && target.protocol !== "http:"))
    throw new CohereError(`${operation}: not an http(s) URL: ${JSON.stringify(url.split("?")[0]?.slice(0, 200))}`);
  // fetch refuses a URL with a user name or password (a TypeError); they are not shown.
  if (target.username !== "" || target.password !== "")
    throw new CohereError(`${operation}: the URL carries credentials (user:password@), which fetch refuses`);
  return target;
}

/** Has the secrets of the download of `target` cleaned out of the messages of `context`'s errors. */
export function rememberDownloadSecrets(
  context: MiddlewareContext,
  target: URL,
  clientToken: string | object,
  requestOptions: RequestOptions | undefined,
): void {
  // The query's values are the signature: out of any message the call's errors carry (a
  // plugin's, a connection's, a storage host's echo), as the API token is.
  for (const pair of target.search.slice(1).split("&")) rememberToken(context, pair.slice(pair.indexOf("=") + 1));
  for (const value of target.searchParams.values()) rememberToken(context, value);
  // No Authorization is sent, but the path may hold an id a server made of the API token (the
  // output dataset's): the token the client is known to send, and those a workflow's calls
  // carry, are cleaned out too.
  rememberKnownTokens(context, clientToken);
  rememberCarriedTokens(context, requestOptions);
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
