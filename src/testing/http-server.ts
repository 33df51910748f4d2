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
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { CORS_HEADERS, preflightHeaders } from "./cors-headers.js";
import type { FakeCohere, HandleOptions } from "./fake-cohere.js";
import { hostOf, requestUrl } from "./request-target.js";
import { type Reservation, reserve } from "./served-fakes.js";
import { checkServerArguments } from "./server-option-checks.js";
import type { FakeCohereServer, FakeCohereServerOptions } from "./server-types.js";

export type { FakeCohereServer, FakeCohereServerOptions };

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, preflightHeaders(req.headers["access-control-request-headers"]));
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
  const disconnected = disconnectSignal(res);
  let request: Request;
  try {
    request = toRequest(req, fallbackHost, disconnected);
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
  await writeResponse(req, res, response);
}

/** A signal that aborts when the client goes away before its response is finished. */
function disconnectSignal(res: ServerResponse): AbortSignal {
  const disconnected = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) disconnected.abort(new DOMException("the client disconnected", "AbortError"));
  });
  return disconnected.signal;
}

/** Sends `response` as its body streams, with the CORS headers. */
async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
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
 * a `TypeError` or `RangeError` for an option that is not one, and a `RangeError` for a fake
 * that a server serves already (its message names that server's URL).
 * @public
 */
export async function startFakeCohereServer(
  fake: FakeCohere,
  options: FakeCohereServerOptions = {},
): Promise<FakeCohereServer> {
  const { port, host } = checkServerArguments(fake, options);
  const reservation = reserve(fake);
  const { api, downloads } = await listenBoth(fake, host, port, reservation);
  const listeners = [api, downloads];
  let closing: Promise<void> | undefined;
  return {
    url: api.url,
    port: api.port,
    downloadUrl: downloads.url,
    close: () => {
      // Free at once: a server started right after this call serves the fake from then on.
      reservation.release();
      closing ??= Promise.all(listeners.map((listener) => listener.close())).then(() => undefined);
      return closing;
    },
  };
}

/** The API's listener, then the download origin's (which `fake` then names); if either fails, neither stays. */
async function listenBoth(
  fake: FakeCohere,
  host: string,
  port: number,
  reservation: Reservation,
): Promise<{ api: Listener; downloads: Listener }> {
  let api: Listener | undefined;
  let downloads: Listener | undefined;
  try {
    api = await listen(fake, "api", host, port);
    reservation.setUrl(api.url);
    downloads = await listen(fake, "download", host, 0);
    fake.downloadOrigin = downloads.url;
  } catch (error) {
    reservation.release();
    await Promise.all([api?.close(), downloads?.close()]);
    throw error;
  }
  return { api, downloads };
}

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
  await listening(server, requestedPort, host);
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

/** Resolves once `server` listens on `port` of `host`, rejects with the error it could not. */
function listening(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
