import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { afterEach } from "vitest";

/** One request a scripted server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/** A loopback HTTP server answering with `handler`, recording what it received. */
export interface ScriptedServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** Starts a server closed after the current test: a hostile or odd server, written per test. */
export async function scriptedServer(handler: Handler): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      authorization: request.headers.authorization,
      body,
    });
    handler(request, response, body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received };
}

/**
 * A loopback server that reads and drops whatever it is sent, answering once the body ends:
 * for uploads too large (or endless) for `scriptedServer`, which keeps each body. Closed after
 * the current test.
 */
export async function sinkServer(): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end('{"id":"ds-1"}'));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/**
 * A loopback server whose handler runs as soon as a request's headers arrive, before its body
 * is read (a server that answers an upload early: a 401, a 413). Closed after the current test.
 */
export async function earlyAnswerServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A loopback port with nothing listening on it: a connection there is refused. */
export async function refusingPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Answers with JSON. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** Rejections nobody handled while `run` ran (and a little after), for "never crash" checks. */
export async function unhandledDuring(run: () => Promise<unknown>, settleMs = 300): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return unhandled;
}

/** The settled outcome of a call, so a test can check its error without a try/catch. */
export function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  return promise.then(
    (value) => ({ value, ms: performance.now() - started }),
    (error: unknown) => ({ error, ms: performance.now() - started }),
  );
}
