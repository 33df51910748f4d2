/**
 * What a raw method resolves with: the parsed data and the HTTP response it came from.
 *
 * @example
 * ```ts
 * const { data, status, requestId } = await client.batches.withRawResponse.retrieve(batchId);
 * ```
 * @public
 */
export interface HttpResponse<T> {
  /** The parsed, checked body. */
  readonly data: T;
  /** The HTTP status (2xx). */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The final URL, after any redirect. */
  readonly url: string;
  /** The server's request id (`x-request-id`), for support tickets. */
  readonly requestId: string | undefined;
  /** The response itself; its body has already been read. */
  readonly rawResponse: Response;
}

/** The request id a response carries: `x-request-id`, else `x-trace-id`, the name some gateways use. */
export function readRequestId(headers: Headers): string | undefined {
  try {
    return headers.get("x-request-id") ?? headers.get("x-trace-id") ?? undefined;
  } catch {
    // A look-alike's `headers.get` that throws (a custom fetch's): the answer stands, without an id.
    return undefined;
  }
}
