import type { Middleware } from "../core/middleware.js";

/** The client-wide headers that `requestOptionsMiddleware` sends. @public */
export interface RequestHeadersConfig {
  /** Sent as `X-Client-Name`. */
  readonly clientName?: string | undefined;
  /** Sent as `User-Agent` (the Node build sets it; browsers do not allow it). */
  readonly userAgent?: string | undefined;
  /** Added to every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Turns a call's request options into the wire request: client and call headers,
 * `X-Client-Name`, `User-Agent`, `Idempotency-Key`, extra query parameters and extra body fields.
 *
 * @remarks
 * Runs once per call, above retry, so every attempt sends the same request (and the same
 * idempotency key). Call headers override client headers; the SDK's own headers
 * (`Authorization`, set later by auth) override both.
 * @public
 */
export function requestOptionsMiddleware(config: RequestHeadersConfig = {}): Middleware {
  return async (request, next, context) => {
    const { headers, idempotencyKey, queryParams, bodyParams } = context.options;
    const wire = queryParams === undefined && bodyParams === undefined ? request : await withExtraParams(request, queryParams, bodyParams);
    setAll(wire.headers, config.headers);
    setAll(wire.headers, headers);
    wire.headers.set("Accept", "application/json");
    if (config.clientName !== undefined) wire.headers.set("X-Client-Name", config.clientName);
    if (config.userAgent !== undefined) wire.headers.set("User-Agent", config.userAgent);
    if (idempotencyKey !== undefined) wire.headers.set("Idempotency-Key", idempotencyKey);
    return next(wire);
  };
}

function setAll(target: Headers, source: Readonly<Record<string, string>> | undefined): void {
  if (source === undefined) return;
  for (const name in source) target.set(name, source[name] as string);
}

/** Rebuilds the request with extra query parameters and JSON body fields merged in. */
async function withExtraParams(request: Request, queryParams: Record<string, string | number | boolean> | undefined, bodyParams: Record<string, unknown> | undefined): Promise<Request> {
  const url = new URL(request.url);
  for (const name in queryParams) url.searchParams.set(name, String(queryParams[name]));
  const headers = new Headers(request.headers);
  // Read the body as text rather than pass its stream on: a streamed body would need
  // `duplex: "half"` in Node and could not be cloned for retries.
  let body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
  if (bodyParams !== undefined && Object.keys(bodyParams).length > 0) {
    const fields: unknown = body === "" ? {} : JSON.parse(body);
    body = JSON.stringify({ ...(fields as object), ...bodyParams });
    headers.set("Content-Type", "application/json");
  }
  return new Request(url, { method: request.method, headers, body: body === "" ? null : body, signal: request.signal, redirect: request.redirect });
}
