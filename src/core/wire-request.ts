/** The fields of a `RequestInit` the SDK builds its JSON requests from. */
export interface WireInit {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | null;
  readonly signal?: AbortSignal | null;
}

/**
 * A request not yet built: the URL and the init that `fetch(url, init)` takes, with the parts
 * of a `Request` that the SDK's own layers use (`url`, `method`, `headers`, `body` as text,
 * `signal`). A real `Request` is built from it only when something needs one (`realRequest`):
 * a user's plugin, a user's `fetch`, a redirect followed by hand.
 *
 * @remarks
 * Node's fetch copies a `Request` it is given to attach the attempt's signal: building one and
 * handing it over cost twice what fetching a URL did. Without plugins and with the runtime's
 * fetch, the pipeline carries this instead, and `globalFetch` hands fetch the URL and init. It
 * travels typed as `Request` (the type of the public `Middleware`): the SDK's layers that may
 * receive it touch only the members above. Its body is text, so every attempt sends it as it is.
 */
export class WireRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: WireHeaders;
  readonly body: string | null;
  /** As a `Request` built without a mode has: a POST's redirects are then followed by hand. */
  readonly redirect: RequestRedirect = "follow";
  /** The caller's signal; `undefined` without one (the timeout layer gives each attempt its own). */
  readonly signal: AbortSignal | undefined;

  constructor(url: string, init: WireInit) {
    this.url = url;
    this.method = init.method;
    this.headers = new WireHeaders(init.headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? undefined;
  }

  /**
   * The init of `fetch(url, init)` or `new Request(url, init)`, the headers as a plain record;
   * `override`'s signal and redirect mode win (as fetch's init does over a Request's own).
   */
  init(override?: RequestInit): RequestInit {
    return {
      method: this.method,
      headers: this.headers.init(),
      body: this.body,
      redirect: override?.redirect ?? this.redirect,
      signal: override?.signal ?? this.signal ?? null,
    };
  }
}

/**
 * The headers of a `WireRequest`: the part of `Headers` the SDK's layers use (`set`, `has`),
 * over a plain record that fetch takes as it is. A `Headers` would be built here and then
 * copied by fetch into its own list: two header lists per request instead of one.
 *
 * @remarks
 * Names are kept lower-cased (HTTP names are case-insensitive; `set` replaces whatever case was
 * set before) as own properties of a plain object: `__proto__` is defined as a property, never
 * assigned (which would set the prototype), `has` looks at own names only, and such a record
 * goes to fetch as its entries (fetch's conversion of a record assigns, and would drop it).
 * (An object without a prototype would be safe too, but V8 keeps one as a dictionary, and fetch
 * then copies its names into a new array on every request.) Names and values are checked where
 * the options are (`headersSchema`), and by fetch when sent.
 */
export class WireHeaders {
  readonly record: Record<string, string> = {};
  /** Set when a name is `__proto__`, which fetch's conversion of a record would drop. */
  #protoName = false;

  constructor(init?: Readonly<Record<string, string>>) {
    if (init !== undefined) for (const name in init) this.set(name, init[name] as string);
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key === "__proto__") {
      Object.defineProperty(this.record, key, { value, enumerable: true, writable: true });
      this.#protoName = true;
    } else this.record[key] = value;
  }

  /** The headers as fetch's init takes them: the record, or its entries when a name is `__proto__`. */
  init(): HeadersInit {
    return this.#protoName ? Object.entries(this.record) : this.record;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.record, name.toLowerCase());
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    return Object.hasOwn(this.record, key) ? (this.record[key] as string) : null;
  }
}

/**
 * `request` as a real `Request`, built now if it was a `WireRequest`, on `signal` (the SDK's
 * own: the attempt's, or one that follows the caller's for the call) in place of the caller's,
 * or on none (`null`: a call-phase plugin's, when the caller gave no signal to follow). Node's
 * `Request` keeps a listener on the signal it is given until it is garbage collected: on a
 * caller's long-lived signal, one per call would gather (and warn of a leak). That link (a
 * listener, a weak reference, a finalizer) costs Node twice what building the Request does.
 */
export function realRequest(request: Request, signal: AbortSignal | null): Request {
  if (request instanceof WireRequest) {
    // Set, not passed to `init()`: its override falls back to the caller's signal for `null`.
    const init = request.init();
    init.signal = signal;
    return new Request(request.url, init);
  }
  // An upload's (built without one) is given the signal too, so that a fetch or a plugin that
  // reads only `request.signal` stops with the attempt. Any other is passed on as it is: a
  // plugin's own, or one a plugin before got (a copy would move its body and lose its identity).
  return unsignalled.has(request) && !request.bodyUsed
    ? withoutSignal(new Request(request, { signal, duplex: "half" } as RequestInit))
    : request;
}

/**
 * The key under which the Request a user's plugin is handed carries its way back to a
 * WireRequest (see `pluginRequest`): called with `spend`, it also uses up the Request's body, as
 * fetch does with a Request it sends. A property, not a `WeakMap` (an entry per call in a weak
 * table costs every garbage collection); the function is the guard's, loaded with it.
 */
export const toWire: unique symbol = Symbol();

/** A Request that may carry its way back to a WireRequest (see `toWire`). */
export type PluginRequest = Request & { [toWire]?: (spend: boolean) => Request | undefined };

/**
 * What the runtime's fetch is handed for `request`: a WireRequest again for a plugin's Request
 * built from one, else the request itself. Fetch copies a Request it is given (a body through a
 * stream pipe, at a few times the cost of the Request).
 */
export function forRuntimeFetch(request: Request): Request {
  return (request as PluginRequest)[toWire]?.(true) ?? request;
}

/** The Requests the SDK built without a signal (uploads: see `withoutSignal`). */
const unsignalled = new WeakSet<Request>();

/**
 * Marks `request`, built without a signal (a caller's long-lived one would keep a listener of
 * Node's until the Request is collected), for `realRequest` to give it the SDK's own. The
 * copies the SDK makes of it (`realRequest`'s, an attempt's) are marked too.
 */
export function withoutSignal(request: Request): Request {
  unsignalled.add(request);
  return request;
}

/**
 * True for a Request the SDK built, or copied from one it built, body and all: its body is
 * still the SDK's (a plugin that changes a body builds a Request of its own).
 */
export function builtBySdk(request: Request): boolean {
  return unsignalled.has(request);
}

/**
 * The client's fetch when the caller gave none: `globalThis.fetch`, looked up at each request
 * (so that test interceptors work), given the URL and init of a `WireRequest`.
 */
export const globalFetch = (input: Request, init?: RequestInit): Promise<Response> =>
  input instanceof WireRequest ? globalThis.fetch(input.url, input.init(init)) : globalThis.fetch(input, init);
