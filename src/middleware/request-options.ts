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
 * Puts a call's headers on the wire request: client and call headers, `Accept`,
 * `X-Client-Name`, `User-Agent` and `Idempotency-Key`. (Extra query parameters and body fields
 * are merged in earlier, when the request is built.)
 *
 * @remarks
 * Runs once per call, above retry, so every attempt sends the same request (and the same
 * idempotency key). Call headers override client headers; the SDK's own headers
 * (`Authorization`, set later by auth) override both.
 * @example
 * ```ts
 * // Already in every client's pipeline, built from the client's options:
 * const layer = requestOptionsMiddleware({ clientName: "nightly-jobs" });
 * ```
 * @throws Never itself; it passes on what the layers below throw.
 * @public
 */
export function requestOptionsMiddleware(config: RequestHeadersConfig = {}): Middleware {
  return (request, next, context) => {
    const { headers, idempotencyKey } = context.options;
    setAll(request.headers, config.headers);
    setAll(request.headers, headers);
    request.headers.set("Accept", "application/json");
    if (config.clientName !== undefined) request.headers.set("X-Client-Name", config.clientName);
    if (config.userAgent !== undefined) request.headers.set("User-Agent", config.userAgent);
    if (idempotencyKey !== undefined) request.headers.set("Idempotency-Key", idempotencyKey);
    return next(request);
  };
}

function setAll(target: Headers, source: Readonly<Record<string, string>> | undefined): void {
  if (source === undefined) return;
  for (const name in source) target.set(name, source[name] as string);
}
