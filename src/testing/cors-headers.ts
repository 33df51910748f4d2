/**
 * The CORS headers of the fake's HTTP server, so that a browser page can call it: every response
 * is open to any origin, and a preflight is answered for the methods and headers the SDK sends.
 */

/** Headers a browser page may send, announced in every preflight answer. */
const ALLOWED_HEADERS = ["authorization", "content-type", "x-client-name", "idempotency-key", "x-request-id"];

/** The headers of every response. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after, retry-after-ms, idempotent-replayed",
};

/** The headers of a preflight's 204, given its `Access-Control-Request-Headers`: the usual ones plus any requested. */
export function preflightHeaders(requestHeaders: string | undefined): Record<string, string> {
  const requested = (requestHeaders ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  return {
    ...CORS_HEADERS,
    "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
    "access-control-allow-headers": [...new Set([...ALLOWED_HEADERS, ...requested])].join(", "),
    "access-control-max-age": "600",
    vary: "access-control-request-headers",
  };
}
