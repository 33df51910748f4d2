import { describe, expect, it } from "vitest";
import { CohereError, type Middleware, type MiddlewareContext } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

describe("users' middleware", () => {
  it("runs once per attempt, after auth, and sees the wire request and raw responses", async () => {
    const seen: { attempt: number; operation: string; authorization: string | null; status: number }[] = [];
    const spy: Middleware = async (request, next, context) => {
      const response = await next(request);
      seen.push({
        attempt: context.attempt,
        operation: context.operation,
        authorization: request.headers.get("authorization"),
        status: response.status,
      });
      return response;
    };
    server.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    await server.client({ middleware: [spy] }).batches.list();
    expect(seen).toEqual([
      { attempt: 1, operation: "batches.list", authorization: "Bearer test-token", status: 503 },
      { attempt: 2, operation: "batches.list", authorization: "Bearer test-token", status: 200 },
    ]);
  });

  it("runs in the order given, options first, then client.use, which chains", async () => {
    const order: string[] = [];
    const named =
      (name: string): Middleware =>
      async (request, next) => (order.push(name), next(request));
    const client = server.client({ middleware: [named("a"), named("b")] });
    expect(client.use(named("c")).use(named("d"))).toBe(client);
    await client.batches.list();
    expect(order).toEqual(["a", "b", "c", "d"]);
  });

  it("can change the wire request and answer without the network", async () => {
    const tag: Middleware = async (request, next) => {
      const tagged = new Request(request);
      tagged.headers.set("x-trace", "t-1");
      return next(tagged);
    };
    await server.client({ middleware: [tag] }).batches.list();
    expect(server.fake.requests.at(-1)!.headers["x-trace"]).toBe("t-1");

    const cached: Middleware = async () => Response.json({ batches: [], next_page_token: "from-cache" });
    expect(await server.client({ middleware: [cached] }).batches.list()).toEqual({
      batches: [],
      next_page_token: "from-cache",
    });
    expect(server.fake.count("list")).toBe(1);
  });

  it("reads the resolved options and the caller's signal from the context", async () => {
    let context: MiddlewareContext | undefined;
    const controller = new AbortController();
    await server
      .client({ timeoutInSeconds: 42, middleware: [async (request, next, c) => ((context = c), next(request))] })
      .batches.list({}, { maxRetries: 5, abortSignal: controller.signal, idempotencyKey: "k" });
    expect(context!.options).toMatchObject({ timeoutInSeconds: 42, maxRetries: 5, idempotencyKey: "k" });
    expect(context!.signal).toBe(controller.signal);
  });

  it("sees an error it throws reach the caller as a CohereError carrying it, without a retry", async () => {
    const failure = new Error("policy says no");
    let calls = 0;
    const error = await server
      .client({
        middleware: [
          async () => {
            calls++;
            return Promise.reject(failure);
          },
        ],
      })
      .batches.list()
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).cause).toBe(failure);
    expect((error as Error).message).toContain("policy says no");
    expect(calls).toBe(1);
  });
});
