import { describe, expect, it } from "vitest";
import {
  CohereParseError,
  CohereTimeoutError,
  InternalServerError,
  NotFoundError,
  type MiddlewarePlugin,
} from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

/** A call-phase plugin that records what its `next()` gave it. */
function observer(outcomes: unknown[]): MiddlewarePlugin {
  return {
    name: "observer",
    phase: "call",
    handle: async (request, next) => {
      try {
        const response = await next(request);
        outcomes.push(response.status);
        return response;
      } catch (error) {
        outcomes.push(error);
        throw error;
      }
    },
  };
}

describe("a call-phase plugin's next() is what the caller gets", () => {
  it("rejects with the caller's CohereParseError for a 2xx body that fails the check", async () => {
    const outcomes: unknown[] = [];
    server.fake.inject("list", { type: "status", status: 200, body: { batches: "not a list" } });
    const error = await server
      .client({ middleware: [observer(outcomes)] })
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereParseError);
    expect(outcomes).toEqual([error]);
  });

  it("rejects with the typed ApiError after the retries, the same object the caller gets", async () => {
    const outcomes: unknown[] = [];
    server.fake.inject("retrieve", { type: "status", status: 500 }, { times: 3 });
    const error = await server
      .client({ middleware: [observer(outcomes)], maxRetries: 2 })
      .batches.retrieve("b-1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(outcomes).toEqual([error]);
  });

  it("rejects with the failure in the caller's words already: its message, as the plugin reads it, is the caller's", async () => {
    const seen: string[] = [];
    const recorder: MiddlewarePlugin = {
      name: "recorder",
      phase: "call",
      handle: (request, next) =>
        next(request).catch((error: unknown) => {
          seen.push((error as Error).message);
          throw error;
        }),
    };
    server.fake.inject("retrieve", { type: "status", status: 404, body: { message: "nf" } });
    server.fake.inject("list", { type: "status", status: 500 }, { times: 2 });
    server.fake.inject("list", { type: "stall-body" }, { times: 2 });
    const client = server.client({ middleware: [recorder], maxRetries: 1, timeoutInSeconds: 0.2 });
    const failures = [
      await client.batches.retrieve("b-1").catch((e: unknown) => e),
      await client.batches.list().catch((e: unknown) => e),
      await client.batches.list().catch((e: unknown) => e),
    ];
    expect(failures.map((error) => (error as Error).message)).toEqual([
      "GET /v2/batches/{id} -> 404: nf",
      "GET /v2/batches -> 500: Internal Server Error (2 attempts made)",
      expect.stringMatching(
        /^batches\.list \(GET \/v2\/batches\) timed out after 0\.2 s per attempt; 2 attempts made$/,
      ),
    ]);
    expect(seen).toEqual(failures.map((error) => (error as Error).message));
  });

  it("rejects what is no Request (a string, null, {}) with a CohereError in the caller's words; nothing is sent", async () => {
    for (const junk of ["/v2/batches", null, {}, { url: "http://x", method: "GET" }]) {
      let seen: unknown;
      const sender: MiddlewarePlugin = {
        name: "junk",
        phase: "call",
        handle: (_, next) =>
          next(junk as unknown as Request).catch((error: unknown) => {
            seen = error;
            throw error;
          }),
      };
      const before = server.fake.requests.length;
      const error = await server
        .client({ middleware: [sender] })
        .batches.list()
        .catch((e: unknown) => e);
      expect(seen).toBe(error);
      expect((error as Error).message).toMatch(
        /^batches\.list \(GET \/v2\/batches\): Middleware "junk" passed next\(\) (a string|null|an object), not a Request; nothing was sent$/,
      );
      expect(server.fake.requests.length).toBe(before);
    }
  });

  it("resolves with a checked 2xx response whose body it can still read", async () => {
    server.fake.addBatches(2);
    let body: unknown;
    const reader: MiddlewarePlugin = {
      name: "reader",
      phase: "call",
      handle: async (request, next) => {
        const response = await next(request);
        body = await response.clone().json();
        return response;
      },
    };
    const page = await server.client({ middleware: [reader] }).batches.list();
    expect(body).toEqual(JSON.parse(JSON.stringify(page)));
  });
});

describe("a response a call-phase plugin returns itself is checked like the network's", () => {
  const answering = (response: () => Response): MiddlewarePlugin => ({
    name: "mock",
    phase: "call",
    handle: async () => response(),
  });

  it("a 404 it returns is a NotFoundError, also through withRawResponse", async () => {
    const client = server.client({
      middleware: [answering(() => Response.json({ message: "no such batch" }, { status: 404 }))],
    });
    const error = await client.batches.withRawResponse.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({ message: "no such batch" });
    expect(server.fake.count()).toBe(0);
  });

  it("a 500 it returns is an InternalServerError, not a parse error, and is not retried", async () => {
    const client = server.client({ middleware: [answering(() => new Response("<html>oops</html>", { status: 500 }))] });
    await expect(client.batches.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.fake.count()).toBe(0);
  });

  it("a 200 whose body fails the schema is a CohereParseError", async () => {
    const client = server.client({ middleware: [answering(() => Response.json({ batch: 42 }))] });
    await expect(client.batches.retrieve("b-1")).rejects.toBeInstanceOf(CohereParseError);
  });

  it("an outer call-phase plugin sees the inner one's mock as the caller does", async () => {
    const outcomes: unknown[] = [];
    const client = server.client({
      middleware: [observer(outcomes), answering(() => new Response("", { status: 404 }))],
    });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(outcomes).toEqual([error]);
  });
});

describe("an attempt-phase plugin sees the truth of its attempt", () => {
  it("sees a timed-out attempt as CohereTimeoutError, never as a connection error", async () => {
    const seen: unknown[] = [];
    const watcher: MiddlewarePlugin = {
      name: "watcher",
      handle: async (request, next) => {
        try {
          return await next(request);
        } catch (error) {
          seen.push(error);
          throw error;
        }
      },
    };
    server.fake.inject("list", { type: "delay", ms: 2_000 });
    server.fake.inject("list", { type: "stall-body" });
    const error = await server
      .client({ middleware: [watcher], timeoutInSeconds: 0.2, maxRetries: 1 })
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(seen).toHaveLength(2);
    for (const failure of seen) expect(failure).toBeInstanceOf(CohereTimeoutError);
  });

  it("reads the status of an answer whose body then stalled (context.responseStatus), and none for no answer", async () => {
    const statuses: unknown[] = [];
    const watcher: MiddlewarePlugin = {
      name: "watcher",
      handle: async (request, next, context) => {
        try {
          return await next(request);
        } finally {
          statuses.push(context.responseStatus);
        }
      },
    };
    server.fake.inject("list", { type: "stall-body" });
    server.fake.inject("list", { type: "delay", ms: 2_000 });
    await expect(
      server.client({ middleware: [watcher], timeoutInSeconds: 0.2, maxRetries: 2 }).batches.list(),
    ).resolves.toBeDefined();
    expect(statuses).toEqual([200, undefined, 200]);
  });
});
