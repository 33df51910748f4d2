import { describe, expect, it } from "vitest";
import { CohereClient, type Middleware, type MiddlewarePlugin } from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";

describe("plugin placement and context", () => {
  it("runs a call-phase plugin once per call, outside retries, seeing the final outcome", async () => {
    const fake = new FakeCohere();
    const events: string[] = [];
    const perCall: MiddlewarePlugin = {
      name: "per-call",
      phase: "call",
      handle: async (request, next) => {
        events.push("call start");
        const response = await next(request);
        events.push(`call end ${response.status}`);
        return response;
      },
    };
    const perAttempt: Middleware = async function perAttempt(request, next, context) {
      const response = await next(request);
      events.push(`attempt ${context.attempt} ${response.status}`);
      return response;
    };
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [perAttempt, perCall] });
    fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.list();
    expect(events).toEqual(["call start", "attempt 1 503", "attempt 2 200", "call end 200"]);
    expect(client.describeMiddleware()).toEqual([
      { name: "request-options", phase: "call", builtIn: true },
      { name: "per-call", phase: "call", builtIn: false },
      { name: "retry", phase: "call", builtIn: true },
      { name: "timeout", phase: "attempt", builtIn: true },
      { name: "error-mapping", phase: "attempt", builtIn: true },
      { name: "auth", phase: "attempt", builtIn: true },
      { name: "perAttempt", phase: "attempt", builtIn: false },
      { name: "transport", phase: "attempt", builtIn: true },
    ]);
  });

  it("lists the logging of logLevel as the SDK's own, first of the attempt plugins", () => {
    // It was listed as a user's plugin (builtIn: false).
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const client = new CohereClient({
      token: "test-token",
      logLevel: "info",
      logger,
      middleware: [
        function mine(r, next) {
          return next(r);
        },
      ],
    });
    expect(client.describeMiddleware().slice(-3)).toEqual([
      { name: "logging", phase: "attempt", builtIn: true },
      { name: "mine", phase: "attempt", builtIn: false },
      { name: "transport", phase: "attempt", builtIn: true },
    ]);
  });

  it("lets a call-phase plugin answer from a cache, with no request sent", async () => {
    const fake = new FakeCohere();
    const cache = new Map<string, string>();
    const caching: MiddlewarePlugin = {
      name: "cache",
      phase: "call",
      handle: async (request, next) => {
        const hit = request.method === "GET" ? cache.get(request.url) : undefined;
        if (hit !== undefined) return new Response(hit, { headers: { "content-type": "application/json" } });
        const response = await next(request);
        if (request.method === "GET") cache.set(request.url, await response.clone().text());
        return response;
      },
    };
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch }).use(caching);
    const first = await client.batches.list({ page_size: 3 });
    const second = await client.batches.list({ page_size: 3 });
    expect(second).toEqual(first);
    expect(fake.count("list")).toBe(1);
  });

  it("passes the caller's context object, the same object, to middleware", async () => {
    const fake = new FakeCohere();
    const context = { tenant: "acme", notes: [] as string[] };
    const reader: Middleware = async (request, next, c) => {
      (c.options.context as typeof context).notes.push(`${c.operation} for ${String(c.options.context?.tenant)}`);
      return next(request);
    };
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [reader] });
    await client.batches.list({}, { context });
    expect(context.notes).toEqual(["batches.list for acme"]);
  });

  it("lets middleware read the request body without consuming it", async () => {
    const fake = new FakeCohere();
    const bodies: string[] = [];
    const peek: Middleware = async (request, next) => {
      bodies.push(await request.clone().text());
      return next(request);
    };
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [peek] });
    fake.inject("create", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.create({ name: "n", input_dataset_id: "d", model: "m" });
    expect(bodies).toEqual([
      JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }),
      JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }),
    ]);
    expect(fake.requests.map((r) => r.body)).toEqual(bodies);
  });

  it("refuses a plugin without a handle or with an unknown phase", () => {
    expect(() => new CohereClient({ token: "t", middleware: [{ name: "x" } as never] })).toThrow(/middleware/);
    expect(() =>
      new CohereClient({ token: "t" }).use({ name: "x", phase: "sometimes" as never, handle: async (r, n) => n(r) }),
    ).toThrow(/phase/);
  });
});
