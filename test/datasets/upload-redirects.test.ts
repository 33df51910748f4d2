import { describe, expect, it } from "vitest";
import { CohereClient, CohereConnectionError, CohereError, type Middleware } from "../../src/index.js";
import { scriptedServer } from "../helpers/scripted-server.js";

const upload = { name: "requests", type: "batch-chat-v2-input", data: '{"custom_id":"1","body":{}}\n' } as const;

describe("an upload is never redirected (fetch would keep a copy of every byte to follow one)", () => {
  it.each([307, 308, 302])(
    "a %i fails the call with a CohereError, and nothing is sent to the new location",
    async (status) => {
      const server = await scriptedServer((request, response) => {
        if (request.url?.startsWith("/v1/datasets")) {
          response.writeHead(status, { location: "/elsewhere" });
          response.end();
        } else {
          response.writeHead(200, { "content-type": "application/json" });
          response.end('{"id":"moved"}');
        }
      });
      const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 2 });
      const error = await client.datasets.create(upload).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      // fetch refuses it ("unexpected redirect"); a connection error that is not a refusal: not retried.
      expect(String(error)).toMatch(/redirect/i);
      expect(server.received.map((r) => new URL(r.url, server.url).pathname)).toEqual(["/v1/datasets"]);
    },
  );

  it.each([307, 308])(
    "a %i is not retried, even with an idempotencyKey (the server would redirect again)",
    async (status) => {
      // fetch's refusal ("unexpected redirect") was a connection failure, retried: three uploads.
      const server = await scriptedServer((_request, response) => {
        response.writeHead(status, { location: "/elsewhere" });
        response.end();
      });
      const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 2 });
      const error = await client.datasets.create(upload, { idempotencyKey: "k-1" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect(error).not.toBeInstanceOf(CohereConnectionError);
      expect(server.received).toHaveLength(1);
    },
  );
});

describe("a request whose body was read already", () => {
  it("sent again by a plugin is refused as a CohereError, not retried as a connection failure", async () => {
    const server = await scriptedServer((_request, response) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end('{"message":"try again"}');
    });
    const twice: Middleware = async (request, next) => {
      await next(request).catch(() => undefined);
      return next(request);
    };
    async function* lines() {
      yield '{"custom_id":"1","body":{}}\n';
    }
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 2, middleware: [twice] });
    const error = await client.datasets.create({ ...upload, data: lines() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect(server.received).toHaveLength(1);
  });
});
