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
  it.each([
    ["list (a GET: fetch follows)", (c: CohereClient) => c.batches.list(), { batches: [] }],
    [
      "create (a POST: the SDK follows 307 itself)",
      (c: CohereClient) => c.batches.create({ name: "n", input_dataset_id: "d", model: "m" }),
      { batch: { id: "b", name: "n", input_dataset_id: "d", model: "m" } },
    ],
  ])("is not sent along a 307 to another origin: %s", async (_, call, answer) => {
    const received: IncomingHttpHeaders[] = [];
    const other = await listen((request, response) => {
      received.push(request.headers);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(answer));
    });
    const origin = await listen((_request, response) => {
      response.statusCode = 307;
      response.setHeader("location", `${other}/v2/batches`);
      response.end();
    });
    const result = await call(new CohereClient({ token, baseUrl: origin }));
    // The redirect was followed (one request reached the other origin), without the key.
    expect(result).toEqual(answer);
    expect(received).toHaveLength(1);
    expect(received[0]?.authorization).toBeUndefined();
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
      // A hostile or buggy server that echoes the request's Authorization in its body and headers.
      response.setHeader("content-type", "application/json");
      response.setHeader("x-echo", String(request.headers.authorization));
      response.end(JSON.stringify({ message: `bad request from ${request.headers.authorization}` }));
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
    expect((error as Error).message).toBe("GET /v2/batches -> 400: bad request from Bearer [REDACTED]");
  });

  it("never appears in a parse error's issue, where JSON.parse quotes the start of a 2xx body", async () => {
    // A token short enough to fit in the ten characters JSON.parse quotes: the issue showed it.
    const short = "sk-0123456";
    const origin = await listen((request, response) => {
      response.setHeader("content-type", "text/plain");
      response.end(String(request.headers.authorization).slice("Bearer ".length));
    });
    const error = await new CohereClient({ token: short, baseUrl: origin, maxRetries: 0 }).batches
      .list()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/the body is not JSON/);
    for (const text of [(error as Error).message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(short);
    }
  });
});
