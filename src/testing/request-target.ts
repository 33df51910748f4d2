/**
 * The URL of a request the fake's HTTP server received, from its request line's target and its
 * Host header. String and URL work only: the server itself (node:http) is in http-server.ts.
 */

/**
 * The URL a request line's target names. The origin form (`/v2/batches`) is put after the host,
 * concatenated rather than resolved against a base, so a path like "//x" stays a path. The
 * absolute form (`http://host/v2/batches`, what a client sends to a proxy) must be accepted by
 * a server (RFC 9112, 3.2.2), its own host winning over the Host header. Any other form (`*`, a
 * bare word) makes a URL the Request refuses: a 400.
 */
export function requestUrl(target: string, host: string): string {
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      return `http://${url.host}${url.pathname}${url.search}`;
    } catch {
      // Not a URL after all: refused below, as any malformed target is.
    }
  }
  return `http://${host}${target}`;
}

/**
 * The Host header as the client sent it (it may have reached the port as `localhost:<port>`),
 * or `undefined` when it is not a host and port (empty, a port out of range, a path in it): the
 * port that received the request decides what it is, so such a request is served as any other.
 */
export function hostOf(header: string | undefined): string | undefined {
  if (header === undefined || header === "") return undefined;
  // A host and port only: no path, query, fragment or user (`a/` parses as host `a`, path `/`).
  if (/[/?#@\\\s]/.test(header)) return undefined;
  try {
    new URL(`http://${header}`);
    return header;
  } catch {
    return undefined;
  }
}
