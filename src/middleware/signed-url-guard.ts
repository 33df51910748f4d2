import { CohereError } from "../core/errors/cohere-error.js";
import type { Middleware } from "../core/middleware.js";
import { signedUrlOriginOf } from "../core/signed-url.js";
import type { RequestHeadersConfig } from "./request-options.js";

/** Credentials, and the headers the SDK itself sends to Cohere's API. */
const cohereHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "X-Client-Name", "Idempotency-Key"];

/**
 * The last layer of a download from a signed URL, just above the transport. The SDK adds none of
 * its headers to it, but users' plugins run for it too (`datasets.download`), and one written for
 * Cohere's API may add them. A request that reaches this layer carrying a credential
 * (`Authorization`, `Proxy-Authorization`, `Cookie`), a header the SDK sends Cohere
 * (`X-Client-Name`, `Idempotency-Key`) or one of the client's or the call's `headers`, or sent to
 * another origin than the signed URL's (a gateway's), fails before sending, with a `CohereError`
 * that is not retried: the signed URL is its own credential, and nothing of the client's goes to
 * the storage host (API.md section 10).
 *
 * @throws {@link CohereError} for such a request; nothing is sent.
 */
export function signedUrlGuardMiddleware(config: RequestHeadersConfig): Middleware {
  const clientHeaders = Object.keys(config.headers ?? {});
  return (request, next, context) => {
    const names = [...cohereHeaders, ...clientHeaders, ...Object.keys(context.options.headers ?? {})];
    // `has` ignores case; each name is shown once, as first listed.
    const first = (name: string, index: number) =>
      names.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index;
    const refused = names.filter((name, index) => first(name, index) && request.headers.has(name));
    const origin = signedUrlOriginOf(context);
    const elsewhere = origin !== undefined && new URL(request.url).origin !== origin;
    // A copy is sent: a plugin that changes its request after `next()` (a fetch may send later)
    // changes it no more.
    if (refused.length === 0 && !elsewhere) return next(new Request(request));
    const what = elsewhere
      ? "sent a download of a signed URL to another origin"
      : `set ${refused.join(", ")} on a download of a signed URL`;
    throw new CohereError(
      `A plugin ${what} (${context.operation}): the URL is its own credential, and nothing of the client's is sent to the storage host. Skip context.operation === "${context.operation}" in that plugin. Nothing was sent.`,
    );
  };
}
