// What a plugin is handed is a real Request on a signal of the SDK's: in the call phase one that
// ends with the call (the caller's abort), in the attempt phase the attempt's own (its timeout,
// the caller's abort). The SDK builds as few of them as it can (an attempt's copy of a call-phase
// plugin's request is the SDK's cheaper WireRequest again, and the runtime's fetch gets that
// rather than a Request to copy), and none of this may lose what a plugin set or make a request
// whose body was read go out.
import { describe, expect, it } from "vitest";
import { CohereError, type Middleware, type MiddlewarePlugin } from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();
const fast = { backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.002 } };

describe("a two-phase plugin's requests", () => {
  it("in the attempt phase end with their attempt's timeout; in the call phase stay open for the retry", async () => {
    const callSignals: AbortSignal[] = [];
    const attemptSignals: AbortSignal[] = [];
    const openWhileAnswered: boolean[] = [];
    const plugin: MiddlewarePlugin = {
      name: "both",
      call: (request, next) => {
        callSignals.push(request.signal);
        return next(request);
      },
      attempt: async (request, next, context) => {
        attemptSignals.push(request.signal);
        // The first attempt stalls until its timeout; the retry goes through.
        if (context.attempt === 1) return new Promise<Response>(() => {});
        const response = await next(request);
        openWhileAnswered.push(!request.signal.aborted);
        return response;
      },
    };
    const page = await server
      .client({ ...fast, maxRetries: 1, timeoutInSeconds: 0.2, middleware: [plugin] })
      .batches.list();
    expect(page.batches).toEqual([]);
    expect(openWhileAnswered).toEqual([true]);
    // The first ended at its timeout; the second answered, and left nothing running to end.
    expect(attemptSignals.map((signal) => (signal.reason as Error | undefined)?.message)).toEqual([
      "Timed out after 0.2 s",
      undefined,
    ]);
    expect(callSignals.map((signal) => signal.aborted)).toEqual([false]);
  });

  it("in both phases end with the caller's abort", async () => {
    const signals: AbortSignal[] = [];
    const stall: Middleware = (request) => {
      signals.push(request.signal);
      return new Promise<Response>(() => {});
    };
    const plugin: MiddlewarePlugin = {
      name: "both",
      call: (request, next) => {
        signals.push(request.signal);
        return next(request);
      },
      attempt: stall,
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await server
      .client({ middleware: [plugin] })
      .batches.list({}, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("CohereAbortError");
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });
});

describe("a create through a call-phase and an attempt-phase plugin", () => {
  it("sends the headers each set in place and the whole body, on every attempt, and the call's request stays clean", async () => {
    let seen: Request | undefined;
    const call: MiddlewarePlugin = {
      name: "call",
      phase: "call",
      handle: (request, next) => {
        seen = request;
        request.headers.set("x-call", "c");
        return next(request);
      },
    };
    let attempt = 0;
    const tag: Middleware = (request, next) => {
      request.headers.set("x-attempt", `a${++attempt}`);
      return next(request);
    };
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    await server.client({ ...fast, middleware: [call, tag] }).batches.create(newBatch, { idempotencyKey: "k-plugins" });
    const sent = server.fake.requests.filter((r) => r.operation === "create");
    expect(sent.map((r) => [r.headers["x-call"], r.headers["x-attempt"], r.headers["idempotency-key"]])).toEqual([
      ["c", "a1", "k-plugins"],
      ["c", "a2", "k-plugins"],
    ]);
    expect(sent.map((r) => JSON.parse(r.body))).toEqual([newBatch, newBatch]);
    expect(seen?.headers.get("x-attempt")).toBeNull();
    expect(seen?.headers.get("authorization")).toBeNull();
    expect(seen?.bodyUsed).toBe(false);
  });

  it("sends no Content-Type on any attempt when a plugin deleted it (fetch's default for text is not added)", async () => {
    const drop: Middleware = (request, next) => {
      request.headers.delete("content-type");
      return next(request);
    };
    for (const plugin of [{ name: "drop", phase: "call", handle: drop } as const, drop]) {
      server.fake.reset();
      server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
      await server
        .client({ ...fast, middleware: [plugin] })
        .batches.create(newBatch, { idempotencyKey: "k-no-type" })
        .catch(() => undefined);
      const sent = server.fake.requests.filter((r) => r.operation === "create");
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.map((r) => r.headers["content-type"])).toEqual(sent.map(() => undefined));
    }
  });

  it("whose body a plugin read before next() is refused typed and never sent, in either phase", async () => {
    const read: Middleware = async (request, next) => {
      await request.text();
      return next(request);
    };
    for (const plugin of [{ name: "read", phase: "call", handle: read } as const, read]) {
      server.fake.reset();
      const error = await server
        .client({ ...fast, middleware: [plugin] })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect(server.fake.count("create")).toBe(0);
    }
  });

  it("that an attempt's plugin hands on twice is sent once: its body went with the first, as with fetch", async () => {
    let second: unknown;
    const twice: Middleware = async (request, next) => {
      const first = await next(request);
      second = await next(request).catch((e: unknown) => e);
      return first;
    };
    const { batch } = await server.client({ middleware: [twice] }).batches.create(newBatch);
    expect(batch.name).toBe(newBatch.name);
    expect(second).toBeInstanceOf(CohereError);
    expect(server.fake.count("create")).toBe(1);
  });
});

describe("a Request a plugin builds on a signal of its own", () => {
  it("is sent under the SDK's signals in either phase, with or without the caller's: its abort is no caller's abort", async () => {
    const outcomes: string[] = [];
    for (const phase of ["call", "attempt"] as const) {
      for (const callerSignal of [undefined, new AbortController().signal]) {
        const plugin: MiddlewarePlugin = {
          name: "own-signal",
          phase,
          handle: (request, next) => next(new Request(request, { signal: AbortSignal.abort(new Error("mine")) })),
        };
        const page = await server
          .client({ middleware: [plugin] })
          .batches.list({}, callerSignal === undefined ? {} : { abortSignal: callerSignal })
          .then(
            (value) => `${(value.batches ?? []).length} batches`,
            (error: unknown) => (error as Error).name,
          );
        outcomes.push(`${phase}, caller's signal ${callerSignal !== undefined}: ${page}`);
      }
    }
    expect(outcomes).toEqual([
      "call, caller's signal false: 0 batches",
      "call, caller's signal true: 0 batches",
      "attempt, caller's signal false: 0 batches",
      "attempt, caller's signal true: 0 batches",
    ]);
  });
});
