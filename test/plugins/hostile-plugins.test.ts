import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  CohereAbortError,
  CohereClient,
  CohereError,
  CohereParseError,
  CohereTimeoutError,
  type Middleware,
  type MiddlewareContext,
  type MiddlewarePlugin,
  rateLimitMiddleware,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";
import { earlyAnswerServer, outcome, scriptedServer, sendJson, unhandledDuring } from "../helpers/scripted-server.js";

// Plugins that do what API.md section 6 allows but nobody wrote a test for: a hedge that calls
// next() twice at once, a cache that answers one operation with another's response, a plugin
// that writes to context.options or logs its context, extreme rates and backoffs.

const server = useFakeServer();
const wireBatch = { id: "b-1", name: "nightly", input_dataset_id: "ds-1", model: "command-r" };

describe("a call-phase plugin that calls next() twice at once (a hedge)", () => {
  it("each request keeps its own attempt's timeout", async () => {
    // One request stalls (the server never answers it), the other is answered at once.
    const origin = await scriptedServer((request, response) => {
      if (request.headers["x-slow"] === undefined) sendJson(response, 200, { batch: wireBatch });
    });
    const outcomes: string[] = [];
    const hedge: MiddlewarePlugin = {
      name: "hedge",
      phase: "call",
      handle: async (request, next) => {
        const slow = new Request(request, { headers: { ...Object.fromEntries(request.headers), "x-slow": "1" } });
        const [first, second] = await Promise.allSettled([next(slow), next(request)]);
        outcomes.push(first.status === "rejected" ? (first.reason as Error).name : "ok", second.status);
        if (second.status === "rejected") throw second.reason;
        return second.value;
      },
    };
    // An attempt-phase plugin and a token function: each awaits before reading the attempt's signal.
    const client = new CohereClient({
      token: async () => "test-token-123",
      baseUrl: origin.url,
      timeoutInSeconds: 0.5,
      maxRetries: 0,
      middleware: [hedge, (request, next) => next(request)],
    });
    const { value, error, ms } = await outcome(client.batches.retrieve("b-1"));
    expect(error).toBeUndefined();
    expect(value?.batch.id).toBe("b-1");
    expect(outcomes).toEqual([new CohereTimeoutError(0.5).name, "fulfilled"]);
    expect(ms).toBeLessThan(3000);
  });
});

describe("nothing an attempt-phase plugin starts outlives its attempt (API.md section 6)", () => {
  it("a request it sent with next() and left, and its own fetch on the attempt's signal, end as the attempt ends", async () => {
    // The server never answers: only the attempt's end stops what the plugin left running.
    const closed: number[] = [];
    const origin = await earlyAnswerServer((request) => {
      request.socket.on("close", () => closed.push(performance.now()));
    });
    const left: Promise<unknown>[] = [];
    const answersItself: MiddlewarePlugin = {
      name: "answers-itself",
      phase: "attempt",
      handle: async (request, next, context) => {
        left.push(next(request), fetch(`${origin}/own`, { signal: context.attemptSignal ?? null }));
        for (const promise of left) promise.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        return new Response(JSON.stringify({ batches: [] }), { headers: { "content-type": "application/json" } });
      },
    };
    const client = new CohereClient({
      token: "test-token",
      baseUrl: origin,
      timeoutInSeconds: 30,
      middleware: [answersItself],
    });
    await expect(client.batches.list()).resolves.toEqual({ batches: [] });
    const ended = performance.now();
    const [sent, own] = await Promise.allSettled(left);
    expect(sent).toMatchObject({
      status: "rejected",
      reason: { message: expect.stringContaining("The attempt had ended") },
    });
    expect(CohereError.is((sent as PromiseRejectedResult).reason)).toBe(true);
    expect(own).toMatchObject({ status: "rejected" });
    // Both connections closed at once, not after the 30 s timeout.
    await vi.waitFor(() => expect(closed).toHaveLength(2), { timeout: 2_000 });
    expect(Math.max(...closed) - ended).toBeLessThan(1_000);
  });

  it("a hedge inside one attempt: the loser is stopped as the attempt ends, the winner's answer stands", async () => {
    const origin = await scriptedServer((request, response) => {
      if (request.headers["x-slow"] === undefined) sendJson(response, 200, { batch: wireBatch });
    });
    let loser: Promise<Response> | undefined;
    const hedge: MiddlewarePlugin = {
      name: "hedge",
      phase: "attempt",
      handle: (request, next) => {
        const slow = new Request(request, { headers: { ...Object.fromEntries(request.headers), "x-slow": "1" } });
        loser = next(slow);
        loser.catch(() => {});
        return Promise.race([loser, next(request)]);
      },
    };
    const client = new CohereClient({
      token: "test-token",
      baseUrl: origin.url,
      timeoutInSeconds: 30,
      middleware: [hedge],
    });
    const { value, ms } = await outcome(client.batches.retrieve("b-1"));
    expect(value?.batch.id).toBe("b-1");
    expect(ms).toBeLessThan(3000);
    await expect(loser).rejects.toThrow("The attempt had ended");
  });
});

describe("a plugin's hedge over an inner plugin: what ends with attempt 1 stays with attempt 1", () => {
  it("the retry's signal does not fire at its end when attempt 2 leaves nothing pending", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    server.fake.addBatches(1, { id: "b-hedged" });
    server.fake.inject("retrieve", { type: "status", status: 500 }, { times: 1 });
    server.fake.inject("retrieve", { type: "delay", ms: 300 }, { times: 1 });
    const signals: AbortSignal[] = [];
    const outer: MiddlewarePlugin = {
      name: "outer",
      phase: "attempt",
      handle: async (request, next, context) => {
        signals.push(context.attemptSignal as AbortSignal);
        if (context.attempt > 1) return next(request);
        // Attempt 1: a hedge whose winner is the 500 (retried), its loser (delayed) left pending.
        const first = next(request.clone());
        await sleep(5);
        return Promise.race([first, next(request.clone())]);
      },
    };
    // The inner plugin's losing run ends with attempt 1's signal, after the hook was used.
    const inner: Middleware = async (request, next) => await next(request);
    const { batch } = await server.client({ maxRetries: 2, middleware: [outer, inner] }).batches.retrieve("b-hedged");
    expect(batch.id).toBe("b-hedged");
    await sleep(50);
    expect(signals.map((signal) => (signal.reason as Error | undefined)?.message)).toEqual([
      "The attempt had ended: what a middleware left running in it was stopped",
      undefined,
    ]);
  });
});

describe("what a plugin passes to next() that cannot be sent as the call", () => {
  it("a URL as a string from an attempt plugin is refused typed, not sent as a GET for a create", async () => {
    const plugin: Middleware = (request, next) => next(request.url as unknown as Request);
    const before = server.fake.requests.length;
    const error = await server
      .client({ middleware: [plugin] })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/passed next\(\) a string, not a Request; nothing was sent$/);
    expect(server.fake.requests.length).toBe(before);
  });

  it("a Request whose bodyUsed throws, from a call plugin: its next() rejects with the caller's CohereError", async () => {
    let seen: unknown;
    const proxied: MiddlewarePlugin = {
      name: "px",
      phase: "call",
      handle: (request, next) => {
        const trap = new Proxy(request, {
          get: (target, key) => {
            if (key === "bodyUsed") throw new Error("bodyUsed trap");
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        return next(trap).catch((error: unknown) => {
          seen = error;
          throw error;
        });
      },
    };
    const error = await server
      .client({ middleware: [proxied] })
      .batches.list()
      .catch((e: unknown) => e);
    expect(seen).toBe(error);
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      'batches.list (GET /v2/batches): Middleware "px" passed next() a Request that could not be read: bodyUsed trap',
    );
  });
});

describe("a response a plugin hands to another call is checked for that call", () => {
  it("a list's checked response returned for a retrieve is a CohereParseError", async () => {
    let listed: Response | undefined;
    const cache: MiddlewarePlugin = {
      name: "confused-cache",
      phase: "call",
      handle: async (request, next, context) => {
        if (context.operation === "batches.retrieve" && listed) return listed;
        const response = await next(request);
        if (context.operation === "batches.list") listed = response;
        return response;
      },
    };
    const client = server.client({ middleware: [cache] });
    await client.batches.list();
    const { error } = await outcome(client.batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(CohereParseError);
  });
});

describe("context.options belongs to its call", () => {
  it("a plugin that writes to it cannot change the options of later calls", async () => {
    const writes: unknown[] = [];
    const writer: Middleware = (request, next, context) => {
      try {
        (context.options as { timeoutInSeconds: number }).timeoutInSeconds = 0.001;
      } catch (error) {
        writes.push(error);
      }
      return next(request);
    };
    const client = server.client();
    client.use(writer);
    await outcome(client.batches.list());
    const { error } = await outcome(client.batches.list());
    expect(error).toBeUndefined();
  });

  it("is read-only whether or not the call passed options", async () => {
    const outcomes: string[] = [];
    const writer: Middleware = (request, next, context) => {
      try {
        (context.options as { maxRetries: number }).maxRetries = 9;
        outcomes.push("written");
      } catch (error) {
        outcomes.push((error as Error).name);
      }
      return next(request);
    };
    const client = server.client({ middleware: [writer] });
    await client.batches.list();
    await client.batches.list({}, { timeoutInSeconds: 30 });
    expect(outcomes).toEqual(["TypeError", "TypeError"]);
  });

  it("describeMiddleware gives a list the caller may change without changing the pipeline", () => {
    const client = server.client();
    const described = client.describeMiddleware() as unknown as { name: string }[];
    const names = described.map((layer) => layer.name);
    try {
      described.length = 0;
    } catch {
      // a frozen list refuses the change: as good
    }
    expect(client.describeMiddleware().map((layer) => layer.name)).toEqual(names);
  });
});

describe("the token is not in what a plugin can log", () => {
  it("util.inspect of the context, even with hidden fields", async () => {
    const seen: MiddlewareContext[] = [];
    const client = new CohereClient({
      token: "sk-live-SECRET-abcdef123456",
      baseUrl: server.url,
      middleware: [
        async (request, next, context) => {
          const response = await next(request);
          seen.push(context);
          return response;
        },
      ],
    });
    await outcome(client.batches.list());
    expect(seen).toHaveLength(1);
    expect(inspect(seen[0], { depth: 5, showHidden: true })).not.toContain("sk-live-SECRET");
  });
});

/**
 * Records the retry layer's waits (timers of 50 s or more) in seconds and cuts them short; the
 * attempt's 300 s timer, and short timers, run as they are. Undone by `vi.restoreAllMocks()`.
 */
function recordRetryWaits(): number[] {
  const slept: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((handler: () => void, ms = 0) => {
    if (ms < 50_000 || ms === 300_000) return realSetTimeout(handler, ms);
    slept.push(ms / 1000);
    return realSetTimeout(handler, 0);
  }) as typeof setTimeout);
  return slept;
}

describe("long waits wait", () => {
  it("a rate of one call a month holds the second call back (setTimeout's limit is 24.8 days)", async () => {
    const client = server.client();
    client.use(rateLimitMiddleware({ requestsPerMinute: 1 / (60 * 24 * 30), burst: 1 }));
    await client.batches.list();
    const controller = new AbortController();
    const second = outcome(client.batches.list({}, { abortSignal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.fake.count("list")).toBe(1);
    controller.abort();
    expect((await second).error).toBeDefined();
  });

  it("shouldRetry cannot overrule a Retry-After over 60 s: it is told the whole delay, and nothing is slept", async () => {
    const told: number[] = [];
    const slept = recordRetryWaits();
    try {
      server.fake.inject("list", { type: "status", status: 503, retryAfter: "3600" }, { times: 1 });
      const client = server.client({
        maxRetries: 1,
        shouldRetry: ({ delayInSeconds }) => {
          told.push(delayInSeconds);
          return true;
        },
      });
      await expect(client.batches.list()).rejects.toMatchObject({ status: 503, retryAfterInSeconds: 3600 });
      // It was told 60, and slept 60 s: the retry went before the server's window.
      expect(told).toEqual([3600]);
      expect(slept).toEqual([]);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("a backoff over 60 s is slept as planned, and shouldRetry is told the delay that is slept", async () => {
    const told: number[] = [];
    const slept = recordRetryWaits();
    try {
      server.fake.inject("list", { type: "status", status: 503 }, { times: 1 });
      const client = server.client({
        maxRetries: 1,
        backoff: { initialDelayInSeconds: 120, maxDelayInSeconds: 300 },
        shouldRetry: ({ delayInSeconds }) => {
          told.push(delayInSeconds);
          return undefined;
        },
      });
      await client.batches.list();
      expect(told).toHaveLength(1);
      expect(told[0]).toBeGreaterThanOrEqual(90); // 120 s less at most a quarter of jitter
      // The same delay: slept in ms and read back in s, it may differ in its last bits
      // (115.97523024471198 against 115.975230244712, seen once).
      expect(slept).toHaveLength(1);
      expect(slept[0]).toBeCloseTo(told[0] as number, 9);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe("a plugin that throws a look-alike of the SDK's errors (its brand forged)", () => {
  const brand = Symbol.for("cohere-batches.error");
  const names = ["ServiceUnavailableError", "ApiError", "CohereError"];
  const fast = { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 };

  it("a plain object with the brand is no error: the plugin's failure, typed, not retried", async () => {
    let thrown = 0;
    const forging: Middleware = () => {
      thrown += 1;
      throw { [brand]: names, status: 503, message: "forged" };
    };
    const client = new CohereClient({ token: "t", baseUrl: server.url, backoff: fast, middleware: [forging] });
    const { error } = await outcome(client.batches.list());
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toBe(`batches.list (GET /v2/batches): Middleware "forging" failed: an object`);
    expect(thrown).toBe(1);
  });

  it("an Error whose status throws as it is read is not retried and reaches the caller as thrown (not the getter's throw)", async () => {
    let thrown = 0;
    const forged = Object.defineProperties(new Error("forged"), {
      [brand]: { value: names },
      status: {
        get() {
          throw new Error("boom");
        },
      },
    });
    const forging: Middleware = () => {
      thrown += 1;
      throw forged;
    };
    const client = new CohereClient({ token: "t", baseUrl: server.url, backoff: fast, middleware: [forging] });
    const { error } = await outcome(client.batches.list());
    expect(error).toBe(forged);
    expect(thrown).toBe(1);
  });
});

describe("a plugin that rethrows the SDK's error inside a Proxy whose traps throw", () => {
  it("the caller gets a CohereError without the token the trap's error quotes", async () => {
    const token = "sk-live-0123456789abcdef-secret";
    const wrapping: MiddlewarePlugin = {
      name: "wrapping",
      phase: "call",
      handle: async (request, next) => {
        try {
          return await next(request);
        } catch (error) {
          throw new Proxy(error as object, {
            has() {
              throw new Error(`trap saw ${token}`);
            },
          });
        }
      },
    };
    const client = new CohereClient({ token, baseUrl: server.url, maxRetries: 0, middleware: [wrapping] });
    const { error } = await outcome(client.batches.retrieve("no-such-batch"));
    expect(error).toBeInstanceOf(CohereError);
    expect(inspect(error)).not.toContain(token);
    expect(String((error as Error).message)).not.toContain(token);
  });
});

describe("what a call-phase plugin leaves running ends with the call (API.md section 6)", () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // A common plugin: the call, or a failure after `ms`, whichever comes first.
  const deadline = (ms: number): MiddlewarePlugin => ({
    name: "deadline",
    call: (request, next) =>
      Promise.race([
        next(request),
        pause(ms).then(() => {
          throw new CohereError(`deadline of ${ms} ms passed`);
        }),
      ]),
  });

  it.each([
    ["without", undefined],
    ["with", new AbortController().signal],
  ])(
    "a create left behind by a deadline sleeps no backoff and sends no retry (%s a caller's signal)",
    async (_, abortSignal) => {
      // The retry loop under the abandoned next() slept the 1 s the 503 asked for and sent the
      // create again after the caller was told it failed: a batch the caller did not know of.
      server.fake.inject("create", { type: "status", status: 503, retryAfter: "1" }, { times: 1 });
      const client = server.client({ maxRetries: 2, middleware: [deadline(200)] });
      const { error } = await outcome(client.batches.create(newBatch, abortSignal ? { abortSignal } : {}));
      expect((error as Error).message).toMatch(/deadline of 200 ms passed/);
      await pause(1300);
      expect(server.fake.count("create")).toBe(1);
      expect(server.fake.listBatches()).toHaveLength(0);
    },
  );

  it("a plugin inside it still waiting (a queue) sends nothing once the call has ended", async () => {
    let late: Promise<unknown> | undefined;
    const queue: MiddlewarePlugin = {
      name: "queue",
      call: async (request, next) => {
        await pause(400);
        late = next(request);
        return late as Promise<Response>;
      },
    };
    // Its own code waits 400 ms at most: within the call's 2 s, so only the call's end stops it.
    const client = server.client({ timeoutInSeconds: 2, middleware: [deadline(100), queue] });
    const { error } = await outcome(client.batches.list());
    expect((error as Error).message).toMatch(/deadline of 100 ms passed/);
    await pause(600);
    await expect(late).rejects.toThrow(/called next\(\) after its run had ended; nothing was sent/);
    expect(server.fake.requests).toHaveLength(0);
  });

  it("a plugin inside it sees the call's end in words of its own, not a CohereAbortError nobody caused", async () => {
    server.fake.inject("list", { type: "status", status: 503, retryAfter: "1" }, { times: 1 });
    let seen: unknown;
    const observer: MiddlewarePlugin = {
      name: "observer",
      call: (request, next) =>
        next(request).catch((error: unknown) => {
          seen = error;
          throw error;
        }),
    };
    const client = server.client({ maxRetries: 2, middleware: [deadline(100), observer] });
    const { error } = await outcome(client.batches.list());
    expect((error as Error).message).toMatch(/deadline of 100 ms passed/);
    await pause(100);
    expect(CohereError.is(seen)).toBe(true);
    expect(CohereAbortError.is(seen)).toBe(false);
    expect((seen as Error).message).toMatch(
      /The call had ended: a middleware answered or failed while this was pending/,
    );
    expect(server.fake.count("list")).toBe(1);
  });

  it("a call of it waiting in the rate limiter's line leaves it: the calls behind take no later slot", async () => {
    // The abandoned waiter kept its place, took the next slot (its next() then refused) and
    // pushed every call behind it one slot later.
    const limiter = rateLimitMiddleware({ requestsPerMinute: 60, burst: 1 });
    const plain = server.client({ middleware: [limiter] });
    const hurried = server.client({ middleware: [deadline(100), limiter] });
    const started = performance.now();
    await plain.batches.list(); // takes the one token: the next slot is a second away
    const waiting = outcome(hurried.batches.list());
    await pause(200);
    const behind = outcome(plain.batches.list());
    expect(((await waiting).error as Error).message).toMatch(/deadline of 100 ms passed/);
    const { error, ms } = await behind;
    expect(error).toBeUndefined();
    expect(ms + 200).toBeLessThan(1_600);
    expect(performance.now() - started).toBeGreaterThan(800);
    expect(server.fake.count("list")).toBe(2);
  });

  it("a next() left running by a plugin that failed at once reaches no plugin below: the rate limiter keeps its slot", async () => {
    // The inner plugin's code ran after the call had ended: the limiter put the call in its line
    // (or took a token), and every call behind went a slot later; its timer kept Node alive.
    const leaving: MiddlewarePlugin = {
      name: "leaving",
      call: (request, next) => {
        next(request).catch(() => {});
        throw new CohereError("gave up");
      },
    };
    for (const burst of [1, 2]) {
      server.fake.reset();
      const limiter = rateLimitMiddleware({ requestsPerMinute: 60, burst });
      const plain = server.client({ middleware: [limiter] });
      const hurried = server.client({ middleware: [leaving, limiter] });
      await plain.batches.list(); // with burst 1, the next slot is a second away
      const started = performance.now();
      expect(((await outcome(hurried.batches.list())).error as Error).message).toMatch(/gave up/);
      await pause(150); // the left next() has reached the limiter by now
      const { error } = await outcome(plain.batches.list());
      expect(error).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(burst === 1 ? 1_500 : 500);
      expect(server.fake.count("list")).toBe(2);
    }
  });

  it("a plugin that freezes what its context holds (a snapshot) does not fail the call at its end", async () => {
    // The record of the call's end was an object on the context: frozen, the write that ends
    // the call was a raw TypeError out of the SDK's own finally.
    const snapshot: MiddlewarePlugin = {
      name: "snapshot",
      call: (request, next, context) => {
        for (const key of Reflect.ownKeys(context)) {
          const value: unknown = (context as unknown as Record<PropertyKey, unknown>)[key];
          if (typeof value === "object" && value !== null && !(value instanceof AbortSignal)) Object.freeze(value);
        }
        return next(request);
      },
    };
    expect(await server.client({ middleware: [snapshot] }).batches.list()).toEqual({ batches: [] });
  });

  it("a next() called in the abort event that ends the plugin's run sends nothing", async () => {
    // The run ended (its own time ran out), and the plugin called next() from its request's
    // abort event: before the run's end was seen, it went, and the SDK's retries with it.
    server.fake.inject("list", { type: "status", status: 503, retryAfter: "0" }, { times: 3 });
    let late: Promise<unknown> | undefined;
    const overstaying: MiddlewarePlugin = {
      name: "late",
      call: (request, next) => {
        request.signal.addEventListener("abort", () => {
          late = next(request);
          late.catch(() => {});
        });
        return new Promise(() => {});
      },
    };
    const client = server.client({ timeoutInSeconds: 0.2, maxRetries: 3, middleware: [overstaying] });
    const { error } = await outcome(client.batches.list({}, { abortSignal: new AbortController().signal }));
    expect(error).toBeInstanceOf(CohereTimeoutError);
    await pause(300);
    await expect(late).rejects.toThrow(/called next\(\) after its run had ended; nothing was sent/);
    expect(server.fake.requests).toHaveLength(0);
  });
});

describe("a plugin that freezes what the SDK passes on gets a typed error (API.md section 7a)", () => {
  it("an attempt-phase plugin that returns a frozen or sealed response", async () => {
    for (const seal of [Object.freeze, Object.seal, Object.preventExtensions]) {
      const freezing: MiddlewarePlugin = { name: "immutable", attempt: async (r, next) => seal(await next(r)) };
      const { error } = await outcome(server.client({ middleware: [freezing] }).batches.list());
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(/Middleware "immutable" returned a frozen or sealed Response/);
    }
  });

  it("but one that answers with a frozen Response of its own (a mock) is read as any other", async () => {
    const mock: MiddlewarePlugin = {
      name: "mock",
      attempt: async () => Object.freeze(new Response('{"batches":[]}', { status: 200 })),
    };
    expect(await server.client({ middleware: [mock] }).batches.list()).toEqual({ batches: [] });
  });

  it("an attempt-phase plugin that freezes its context", async () => {
    const freezing: MiddlewarePlugin = {
      name: "freezer",
      attempt: async (r, next, context) => {
        const response = await next(r);
        Object.freeze(context);
        return response;
      },
    };
    const { error } = await outcome(server.client({ middleware: [freezing] }).batches.list());
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/^batches.list \(GET \/v2\/batches\): The call failed: /);
  });
});

describe("a plugin that writes junk where only the SDK writes", () => {
  it("context.attemptSignal set to something that is not a signal: the call fails typed, and nothing is left unhandled", async () => {
    // A custom fetch rejected on the junk signal while the transport could not listen to it:
    // its rejection went unhandled, and Node's default (throw) ended the process.
    const meddling: MiddlewarePlugin = {
      name: "meddling",
      handle: (request, next, context) => {
        (context as { attemptSignal?: unknown }).attemptSignal = 5;
        return next(request);
      },
    };
    let error: unknown;
    const unhandled = await unhandledDuring(async () => {
      const client = server.client({ fetch: server.fake.fetch, maxRetries: 0, middleware: [meddling] });
      error = (await outcome(client.batches.list())).error;
    }, 100);
    expect(unhandled).toEqual([]);
    expect(CohereError.is(error), String(error)).toBe(true);
  });
});
