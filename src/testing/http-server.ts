/**
 * Serves a {@link FakeCohere} over real HTTP on a loopback port (Node only), for tests that
 * need real sockets: timeouts, connection resets, a browser page, another process.
 *
 * Each node request becomes a WHATWG `Request` whose signal aborts when the client goes away,
 * and is answered by `fake.handle`. Socket-level faults are played on the socket itself: a
 * rejected `handle` (a dropped connection) destroys the socket before any response; a response
 * body that errors (a reset mid-body) destroys it after the bytes already sent.
 *
 * @packageDocumentation
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import type { FakeCohere, HandleOptions } from "./fake-cohere.js";
import { checkKnownKeys } from "./option-checks.js";
import type { FakeCohereServer, FakeCohereServerOptions } from "./server-types.js";

export type { FakeCohereServer, FakeCohereServerOptions };

/** Headers a browser page may send, announced in every preflight answer. */
const ALLOWED_HEADERS = ["authorization", "content-type", "x-client-name", "idempotency-key", "x-request-id"];

const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after, retry-after-ms, idempotent-replayed",
};

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = (req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  res.writeHead(204, {
    ...CORS_HEADERS,
    "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
    "access-control-allow-headers": [...new Set([...ALLOWED_HEADERS, ...requested])].join(", "),
    "access-control-max-age": "600",
    vary: "access-control-request-headers",
  });
  res.end();
}

// The body streams on into the Request rather than being gathered first, so that a large
// upload is held once (by whoever reads it), not twice.
function toRequest(req: IncomingMessage, fallbackHost: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? "");
  }
  const method = req.method ?? "GET";
  const url = requestUrl(req.url ?? "/", hostOf(req.headers.host) ?? fallbackHost);
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {};
  return new Request(url, { method, headers, signal, ...body } as RequestInit);
}

/**
 * The URL a request line's target names. The origin form (`/v2/batches`) is put after the host,
 * concatenated rather than resolved against a base, so a path like "//x" stays a path. The
 * absolute form (`http://host/v2/batches`, what a client sends to a proxy) must be accepted by
 * a server (RFC 9112, 3.2.2), its own host winning over the Host header. Any other form (`*`, a
 * bare word) makes a URL the Request refuses: a 400.
 */
function requestUrl(target: string, host: string): string {
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
function hostOf(header: string | undefined): string | undefined {
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

function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/** Which origin a listener is: the API, or the download origin of dataset parts. */
type Role = NonNullable<HandleOptions["role"]>;

async function serve(
  fake: FakeCohere,
  role: Role,
  req: IncomingMessage,
  res: ServerResponse,
  fallbackHost: string,
): Promise<void> {
  if (req.method === "OPTIONS") {
    answerPreflight(req, res);
    return;
  }
  const disconnected = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) disconnected.abort(new DOMException("the client disconnected", "AbortError"));
  });
  let request: Request;
  try {
    request = toRequest(req, fallbackHost, disconnected.signal);
  } catch {
    res.writeHead(400, { ...CORS_HEADERS, "content-type": "application/json" });
    res.end(JSON.stringify({ message: "malformed HTTP request" }));
    return;
  }
  let response: Response;
  try {
    // The port decides, not the Host header: a client may reach either as localhost:<port>.
    response = await fake.handle(request, { role });
  } catch {
    // A dropped connection (or a client that already left): no response at all.
    req.socket.destroy();
    return;
  }
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...CORS_HEADERS });
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(res, value);
    }
    res.end();
  } catch {
    // The body broke off (reset mid-body, or a stalled body whose client left): reset the socket.
    req.socket.destroy();
  }
}

/**
 * Starts an HTTP server on a loopback port that serves `fake`, with CORS for browser tests:
 * `Access-Control-Allow-Origin: *` on every response, and preflight `OPTIONS` answered
 * (not recorded) with methods `GET, POST, DELETE, OPTIONS` and the usual headers plus any requested.
 *
 * A second server, on another port, is the download origin of dataset parts (the fake's
 * `downloadOrigin` is set to it): signed URLs point at another host, as Cohere's do. Each port
 * serves its own role whatever the request's Host header says: the API port only the API, the
 * download port only downloads.
 *
 * @example
 * ```ts
 * const fake = new FakeCohere();
 * const server = await startFakeCohereServer(fake);
 * const client = new CohereClient({ token: "test-token", baseUrl: server.url });
 * // ...
 * await server.close();
 * ```
 * One fake is served by one server at a time: its signed URLs name one download origin, so a
 * second server would move every URL the first hands out to itself. Close the first, or give
 * each server a `FakeCohere` of its own.
 *
 * @throws Node's system error (the promise rejects) when a port cannot be listened on, such as
 * `EADDRINUSE` for an `options.port` in use or `EADDRNOTAVAIL` for a `host` not on this machine;
 * a `TypeError` or `RangeError` for an option that is not one, and an `Error` for a fake that
 * a server serves already.
 */
export async function startFakeCohereServer(
  fake: FakeCohere,
  options: FakeCohereServerOptions = {},
): Promise<FakeCohereServer> {
  if (typeof fake !== "object" || fake === null || typeof (fake as Partial<FakeCohere>).handle !== "function")
    throw new TypeError("fake must be a FakeCohere");
  checkKnownKeys<FakeCohereServerOptions>("options", options, { port: true, host: true });
  const { port = 0, host = "127.0.0.1" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    // A number as it is: JSON says null for NaN and Infinity.
    throw new RangeError(
      `port must be an integer from 0 to 65535, got ${typeof port === "number" ? String(port) : JSON.stringify(port)}`,
    );
  // An empty host would listen on every interface, and make no URL.
  if (typeof host !== "string" || host === "")
    throw new TypeError(`host must be an address of this machine, got ${JSON.stringify(host)}`);
  const current = served.get(fake);
  if (current !== undefined)
    throw new Error(
      `this FakeCohere is already served ${current.url === "" ? "(its server is starting)" : `at ${current.url}`}: close that server first, or give each server a FakeCohere of its own`,
    );
  // Reserved before the first wait: two starts at once cannot both pass the check above.
  const mine = { url: "" };
  served.set(fake, mine);
  const release = () => {
    if (served.get(fake) === mine) served.delete(fake);
  };
  let api: Listener | undefined;
  let downloads: Listener | undefined;
  try {
    api = await listen(fake, "api", host, port);
    mine.url = api.url;
    downloads = await listen(fake, "download", host, 0);
    fake.downloadOrigin = downloads.url;
  } catch (error) {
    release();
    await Promise.all([api?.close(), downloads?.close()]);
    throw error;
  }
  const listeners = [api, downloads];
  let closing: Promise<void> | undefined;
  return {
    url: api.url,
    port: api.port,
    downloadUrl: downloads.url,
    close: () => {
      // Free at once: a server started right after this call serves the fake from then on.
      release();
      closing ??= Promise.all(listeners.map((listener) => listener.close())).then(() => undefined);
      return closing;
    },
  };
}

/** The fakes a server serves (or is starting to serve) now, and that server's URL once known. */
const served = new WeakMap<FakeCohere, { url: string }>();

interface Listener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function listen(fake: FakeCohere, role: Role, host: string, requestedPort: number): Promise<Listener> {
  const sockets = new Set<Socket>();
  let fallbackHost = host;
  const server = createServer((req, res) => {
    serve(fake, role, req, res, fallbackHost).catch(() => req.socket.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(requestedPort, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  fallbackHost = `${urlHost}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
