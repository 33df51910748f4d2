/** The fields of a `RequestInit` the SDK builds requests from. */
export interface WireInit {
  readonly method: string;
  readonly headers?: HeadersInit;
  readonly body?: string | null;
  readonly signal?: AbortSignal | null;
}

let idleSignal: AbortSignal | undefined;

/**
 * A request not yet built: the URL and the init that `fetch(url, init)` takes, with the parts
 * of a `Request` that the SDK's own layers use (`url`, `method`, `headers`, `body` as sent,
 * `signal`, `redirect`, `clone`). A real `Request` is built from it only when something needs
 * one (`toRequest`): a user's plugin, a user's `fetch`, a redirect followed by hand.
 *
 * @remarks
 * Building a `Request` and handing it to Node's fetch costs more than the fetch of a plain URL:
 * fetch copies the SDK's Request to attach the attempt's signal. Without plugins and with the
 * runtime's fetch, the pipeline carries this instead, and `globalFetch` hands fetch the URL
 * and init. It travels typed as `Request` (the type of the public `Middleware`): the layers
 * that may receive it touch only the members above.
 */
export class WireRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The JSON text sent, or null: never a stream, so an attempt can send it again. */
  readonly body: string | null;
  readonly redirect: RequestRedirect = "follow";
  readonly #signal: AbortSignal | undefined;

  constructor(url: string, init: WireInit) {
    this.url = url;
    this.method = init.method;
    this.headers = new Headers(init.headers);
    this.body = init.body ?? null;
    this.#signal = init.signal ?? undefined;
  }

  /** The caller's signal, or one that never fires (as a `Request` built without one has). */
  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal;
    idleSignal ??= new AbortController().signal;
    return idleSignal;
  }

  /** Another request to send again: the body is text, so the copy shares it. */
  clone(): WireRequest {
    return new WireRequest(this.url, {
      method: this.method,
      headers: this.headers,
      body: this.body,
      signal: this.#signal ?? null,
    });
  }

  /** The same request as a real `Request`, for code that needs one. */
  toRequest(): Request {
    return new Request(this.url, {
      method: this.method,
      headers: this.headers,
      body: this.body,
      signal: this.#signal ?? null,
    });
  }
}

/** `request` as a real `Request`, built now if it was a `WireRequest`. */
export function realRequest(request: Request): Request {
  return request instanceof WireRequest ? request.toRequest() : request;
}

/**
 * The client's fetch when the caller gave none: `globalThis.fetch`, looked up at each request
 * (so that test interceptors work), given the URL and init of a `WireRequest`.
 */
export const globalFetch = (input: Request, init?: RequestInit): Promise<Response> =>
  input instanceof WireRequest
    ? globalThis.fetch(input.url, {
        method: input.method,
        headers: input.headers,
        body: input.body,
        ...init,
      })
    : globalThis.fetch(input, init);
