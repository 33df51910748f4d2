// @vitest-environment node
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";

const token = "sk-live-0123456789abcdef-secret";
const servers: Server[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

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

describe("the token goes only where it should", () => {
  it("is not sent along a redirect to another origin (a 307 to another port)", async () => {
    const received: IncomingHttpHeaders[] = [];
    const other = await listen((request, response) => {
      received.push(request.headers);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ batches: [] }));
    });
    const origin = await listen((_request, response) => {
      response.statusCode = 307;
      response.setHeader("location", `${other}/v2/batches`);
      response.end();
    });
    const client = new CohereClient({ token, baseUrl: origin });
    const result = await client.batches.list().then(
      (page) => ({ page }),
      (error: unknown) => ({ error }),
    );
    // Following is allowed, carrying the key is not.
    for (const headers of received) expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it("is sent along a redirect within the same origin", async () => {
    const seen: (string | undefined)[] = [];
    const origin = await listen((request, response) => {
      seen.push(request.headers.authorization);
      if (request.url === "/v2/batches") {
        response.statusCode = 307;
        response.setHeader("location", "/v2/batches-moved");
        response.end();
        return;
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ batches: [] }));
    });
    await new CohereClient({ token, baseUrl: origin }).batches.list();
    expect(seen).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
  });

  it("never appears in what an error shows, whatever the server echoes back", async () => {
    const origin = await listen((request, response) => {
      response.statusCode = 400;
      // A hostile or buggy server that echoes request headers: that is the server's text,
      // kept in `body`, but the SDK adds nothing of its own.
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ message: "bad request" }));
      void request;
    });
    const error = await new CohereClient({ token, baseUrl: origin, maxRetries: 0 }).batches
      .list()
      .catch((e: unknown) => e);
    for (const text of [
      (error as Error).message,
      (error as Error).stack ?? "",
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String(error),
    ]) {
      expect(text).not.toContain(token);
    }
  });
});
