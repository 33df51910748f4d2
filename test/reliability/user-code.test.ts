import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  CohereAbortError,
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereTimeoutError,
  loggingMiddleware,
  type Middleware,
  type MiddlewarePlugin,
  tracingMiddleware,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";
import { outcome, unhandledDuring } from "../helpers/scripted-server.js";
import { unreadableValue } from "../helpers/unreadable.js";

const server = useFakeServer();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => {});
const abortAfter = (ms: number) => AbortSignal.timeout(ms);

describe("users' code is bounded by the attempt's timeout and the caller's abort (API.md 6, 7a)", () => {
  it("a token function that never settles is a CohereTimeoutError, and nothing is sent", async () => {
    const client = new CohereClient({ token: never, baseUrl: server.url, timeoutInSeconds: 0.2, maxRetries: 0 });
    const { error, ms } = await outcome(client.batches.list());
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(ms).toBeLessThan(2_000);
    expect(server.fake.requests).toHaveLength(0);
  });

  it.each([
    ["an abort", { abortSignal: abortAfter(50) }, CohereAbortError],
    ["a timeout", { timeoutInSeconds: 0.05, maxRetries: 0 }, CohereTimeoutError],
  ])(
    "a slow token function ended by %s: the typed error, promptly, and no unhandled rejection",
    async (_, options, ErrorClass) => {
      const client = new CohereClient({ token: () => sleep(200).then(() => "test-token"), baseUrl: server.url });
      let result: Awaited<ReturnType<typeof outcome>> | undefined;
      const unhandled = await unhandledDuring(async () => {
        result = await outcome(client.batches.list({}, options));
      });
      expect(result?.error).toBeInstanceOf(ErrorClass);
      expect(result?.ms).toBeLessThan(180);
      expect(unhandled).toEqual([]);
      expect(server.fake.requests).toHaveLength(0);
    },
  );

  it("an attempt middleware that never calls next is a CohereTimeoutError (or CohereAbortError on abort)", async () => {
    const stuck: Middleware = () => never();
    const client = server.client({ middleware: [stuck], timeoutInSeconds: 0.1, maxRetries: 0 });
    expect((await outcome(client.batches.list())).error).toBeInstanceOf(CohereTimeoutError);
    const aborted = await outcome(client.batches.list({}, { timeoutInSeconds: 60, abortSignal: abortAfter(50) }));
    expect(aborted.error).toBeInstanceOf(CohereAbortError);
    expect(aborted.ms).toBeLessThan(1_000);
  });

  it("a response body a middleware supplies that stalls is a CohereTimeoutError", async () => {
    const stalling: Middleware = async () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"batches":[')) }), {
        headers: { "content-type": "application/json" },
      });
    const client = server.client({ middleware: [stalling], timeoutInSeconds: 0.1, maxRetries: 0 });
    const { error, ms } = await outcome(client.batches.list());
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(ms).toBeLessThan(2_000);
  });

  it.each(["call", "attempt"] as const)(
    "a %s-phase plugin that sleeps is ended by the caller's abort, with nothing unhandled",
    async (phase) => {
      const slow: MiddlewarePlugin = { name: "slow", phase, handle: (r, next) => sleep(200).then(() => next(r)) };
      const client = server.client({ middleware: [slow] });
      let result: Awaited<ReturnType<typeof outcome>> | undefined;
      const unhandled = await unhandledDuring(async () => {
        result = await outcome(client.batches.list({}, { abortSignal: abortAfter(50) }));
      });
      expect(result?.error).toBeInstanceOf(CohereAbortError);
      expect(result?.ms).toBeLessThan(180);
      expect(unhandled).toEqual([]);
    },
  );

  it.each([
    ["before it calls next", (): Middleware => () => never()],
    ["after next has answered", (): Middleware => (r, next) => next(r).then(() => never())],
  ])(
    "a call-phase plugin that never settles %s is a CohereTimeoutError after timeoutInSeconds of its own time",
    async (_, make) => {
      // Nothing bounded a call-phase plugin but the caller's abort: without one, the call hung.
      const client = server.client({ middleware: [{ name: "stuck", call: make() }], timeoutInSeconds: 0.2 });
      const { error, ms } = await outcome(client.batches.list());
      expect(error).toBeInstanceOf(CohereTimeoutError);
      expect((error as Error).message).toMatch(/Middleware "stuck" ran for more than 0.2 s outside next\(\)/);
      expect(ms).toBeLessThan(2_000);
    },
  );

  it("a call-phase plugin's time inside next() (the attempts and their backoff) is not its own", async () => {
    // Each attempt takes 150 ms of a 200 ms timeout; the plugin spends 100 ms before and after.
    server.fake.inject("list", { type: "delay", ms: 150 }, { times: 3 });
    server.fake.inject("list", { type: "status", status: 503 }, { times: 2 });
    const pacing: MiddlewarePlugin = {
      name: "pacing",
      call: async (request, next) => {
        await sleep(100);
        const response = await next(request);
        await sleep(100);
        return response;
      },
    };
    const client = server.client({
      middleware: [pacing],
      timeoutInSeconds: 0.2,
      maxRetries: 2,
      backoff: { initialDelayInSeconds: 0.05, maxDelayInSeconds: 0.05 },
    });
    const { error } = await outcome(client.batches.list());
    expect(error).toBeUndefined();
  });

  it("an attempt-phase plugin sees a timed-out attempt as CohereTimeoutError, as the caller does", async () => {
    const seen: string[] = [];
    const observer: Middleware = (request, next) =>
      next(request).catch((error: unknown) => {
        seen.push((error as Error).name);
        throw error;
      });
    server.fake.inject("list", { type: "delay", ms: 2_000 });
    const client = server.client({ middleware: [observer], timeoutInSeconds: 0.1, maxRetries: 0 });
    expect((await outcome(client.batches.list())).error).toBeInstanceOf(CohereTimeoutError);
    expect(seen).toEqual(["CohereTimeoutError"]);
  });

  it("a thousand concurrent calls with random aborts leave no unhandled rejection", async () => {
    const client = new CohereClient({
      token: async () => {
        await sleep(Math.random() * 20);
        return "test-token";
      },
      baseUrl: server.url,
      middleware: [
        async (request, next) => {
          await sleep(Math.random() * 10);
          return next(request);
        },
      ],
    });
    const results: unknown[] = [];
    const unhandled = await unhandledDuring(async () => {
      const calls = Array.from({ length: 1_000 }, () =>
        outcome(client.batches.list({}, { abortSignal: abortAfter(Math.floor(Math.random() * 40)) })),
      );
      results.push(...(await Promise.all(calls)));
    });
    expect(unhandled).toEqual([]);
    for (const result of results as { error?: unknown }[])
      if (result.error !== undefined) expect(CohereError.is(result.error)).toBe(true);
  }, 30_000);
});

describe("whatever users' middleware throws or returns ends as a typed error (API.md 7a)", () => {
  it.each([
    ["undefined", () => undefined],
    ["a string", () => "not a response"],
    ["a plain object", () => ({ status: 200, headers: {} })],
    ["a promise of null", async () => null],
  ])("a middleware that returns %s: CohereError, not retried", async (_, handle) => {
    const client = server.client({ middleware: [handle as unknown as Middleware] });
    const { error } = await outcome(client.batches.list());
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/not a Response/);
  });

  it.each([
    ["an Error", new Error("plugin bug")],
    ["a string", "plugin bug"],
    ["undefined", undefined],
  ])("a middleware that throws %s: CohereError carrying it as the cause", async (_, thrown) => {
    const throwing: Middleware = () => {
      throw thrown;
    };
    const { error } = await outcome(server.client({ middleware: [throwing] }).batches.list());
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).cause).toBe(thrown);
  });

  it("a middleware that throws a Proxy whose every trap throws: a CohereError that can be logged", async () => {
    const unreadable = unreadableValue();
    const throwing: Middleware = () => {
      throw unreadable;
    };
    for (const phase of ["call", "attempt"] as const) {
      const client = server.client({ middleware: [{ name: "hostile", phase, handle: throwing }] });
      const { error } = await outcome(client.batches.list());
      expect(CohereError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        'batches.list (GET /v2/batches): Middleware "hostile" failed: a value that cannot be read',
      );
      // Not kept as the cause: util.inspect (console.log) walks causes, and this one throws.
      expect((error as Error).cause).toBeUndefined();
      expect(inspect(error)).toContain('Middleware "hostile" failed');
    }
  });

  it("a CohereError a middleware throws reaches the caller unchanged", async () => {
    const refusal = new CohereError("refused by policy");
    const refusing: Middleware = async () => {
      throw refusal;
    };
    expect((await outcome(server.client({ middleware: [refusing] }).batches.list())).error).toBe(refusal);
  });
});

describe("a custom fetch that misbehaves ends as a typed error (API.md 7a)", () => {
  it.each([
    ["resolves with undefined", async () => undefined],
    ["resolves with a plain object", async () => ({ status: 200 })],
    [
      "resolves with an object whose status getter throws",
      async () => ({
        get status() {
          throw new Error("no status for you");
        },
      }),
    ],
  ])("a fetch that %s: a CohereError saying so, not a retried connection error", async (_, fetch) => {
    let calls = 0;
    const counting = (...args: unknown[]) => {
      calls++;
      return (fetch as (...a: unknown[]) => unknown)(...args);
    };
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, fetch: counting as never });
    const { error } = await outcome(client.batches.list());
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/not a Response/);
    expect(calls).toBe(1);
  });

  it.each([
    ["rejects with a Proxy whose every trap throws", () => Promise.reject(unreadableValue())],
    [
      "throws a Proxy whose every trap throws",
      () => {
        throw unreadableValue();
      },
    ],
    [
      "rejects with an object whose cause getter throws",
      () =>
        Promise.reject({
          message: "socket gone",
          get cause() {
            throw new Error("no cause for you");
          },
        }),
    ],
    [
      "rejects with an Error whose message getter throws",
      () => {
        const error = new Error("hidden");
        Object.defineProperty(error, "message", {
          get() {
            throw new Error("no message for you");
          },
        });
        return Promise.reject(error);
      },
    ],
  ])("a fetch that %s: a CohereConnectionError, retried, nothing unhandled", async (_, fetch) => {
    let calls = 0;
    const counting = () => {
      calls++;
      return (fetch as () => Promise<Response>)();
    };
    const client = new CohereClient({
      token: "test-token",
      baseUrl: server.url,
      fetch: counting,
      maxRetries: 1,
      backoff: { initialDelayInSeconds: 0.001 },
    });
    let result: Awaited<ReturnType<typeof outcome>> | undefined;
    const unhandled = await unhandledDuring(async () => {
      result = await outcome(client.batches.list());
    }, 50);
    expect(result?.error).toBeInstanceOf(CohereConnectionError);
    expect(String((result?.error as Error | undefined)?.message)).toMatch(
      /Connection failed: (unknown error|socket gone); 2 attempts made/,
    );
    expect(calls).toBe(2);
    expect(unhandled).toEqual([]);
    expect(inspect(result?.error)).toContain("CohereConnectionError");
  });

  /** The real answer to `request`, as a look-alike with `getters` (that throw) in place of its own. */
  async function lookAlike(request: Request, getters: PropertyDescriptorMap): Promise<Response> {
    const real = await fetch(request);
    const { status, statusText, ok, url, headers, body } = real;
    const like = { status, statusText, ok, url, headers, body, arrayBuffer: () => real.arrayBuffer() };
    return Object.defineProperties(like, getters) as unknown as Response;
  }
  const throwing = (what: string) => ({
    get: () => {
      throw new Error(`no ${what} for you`);
    },
  });

  it.each(["ok", "url"])(
    "a fetch that resolves with a look-alike whose %s getter throws: a CohereError saying so, not retried",
    async (name) => {
      for (const phase of ["fetch", "attempt", "call"] as const) {
        let calls = 0;
        const answer = (request: Request) => {
          calls++;
          return lookAlike(request, { [name]: throwing(name) });
        };
        const client = server.client(
          phase === "fetch"
            ? { fetch: answer }
            : { middleware: [{ name: "p", phase, handle: (request) => answer(request) }] },
        );
        const { error } = await outcome(client.batches.list());
        expect(CohereError.is(error), phase).toBe(true);
        expect(error).toBeInstanceOf(CohereError);
        expect((error as Error).message).toMatch(/not a Response/);
        expect(calls).toBe(1);
      }
    },
  );

  it("a fetch whose look-alike's headers.get throws for the request id: the call stands, without one", async () => {
    const headers = (real: Headers) => ({
      value: {
        get: (name: string) => {
          if (/request-id|trace-id/.test(name)) throw new Error("no id for you");
          return real.get(name);
        },
        has: (name: string) => real.has(name),
        forEach: real.forEach.bind(real),
        [Symbol.iterator]: () => real[Symbol.iterator](),
      },
    });
    const client = server.client({
      fetch: async (request: Request) => {
        const response = await lookAlike(request, {});
        return Object.defineProperties(response, { headers: headers(response.headers) });
      },
    });
    const { status, requestId, data } = await client.batches.withRawResponse.list();
    expect([status, requestId, Array.isArray(data.batches)]).toEqual([200, undefined, true]);
  });

  it("a fetch that throws synchronously: a typed error, and no unhandled rejection", async () => {
    const throwing = () => {
      throw new Error("bad fetch");
    };
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, fetch: throwing, maxRetries: 0 });
    let result: Awaited<ReturnType<typeof outcome>> | undefined;
    const unhandled = await unhandledDuring(async () => {
      result = await outcome(client.batches.list());
    }, 50);
    expect(CohereError.is(result?.error)).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it("a fetch that never settles is a CohereTimeoutError", async () => {
    const client = new CohereClient({
      token: "t-oken-12",
      baseUrl: server.url,
      fetch: never,
      timeoutInSeconds: 0.1,
      maxRetries: 0,
    });
    expect((await outcome(client.batches.list())).error).toBeInstanceOf(CohereTimeoutError);
  });
});

describe("users' callbacks cannot fail a call (API.md 7a)", () => {
  const throwingLogger = {
    debug: () => {},
    info: () => {
      throw new Error("logger down");
    },
    warn: () => {},
    error: () => {},
  };

  it("a logger that throws: create succeeds, and exactly one batch exists", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const client = server.client({ middleware: [loggingMiddleware({ logger: throwingLogger })] });
    const { batch } = await client.batches.create(newBatch);
    expect(batch.name).toBe("nightly");
    expect(server.fake.count("create")).toBe(1);
    vi.restoreAllMocks();
  });

  it("a logger or an onAttempt that fails on every call is reported once each, not once per call", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const failing = () => ({ ...throwingLogger, info: () => Promise.reject(new Error("logger down")) });
    const [first, second] = [failing(), failing()];
    const onAttempt = () => {
      throw new Error("exporter down");
    };
    const client = server.client({
      middleware: [loggingMiddleware({ logger: first }), tracingMiddleware({ onAttempt })],
    });
    for (let i = 0; i < 5; i++) await client.batches.list();
    await server.client({ middleware: [loggingMiddleware({ logger: second })] }).batches.list();
    await new Promise((resolve) => setTimeout(resolve, 10)); // the loggers' rejections are reported late
    expect(warn.mock.calls.map(([message, error]) => [message, String(error)])).toEqual([
      ["cohere-batches: onAttempt failed and was ignored (reported once).", "Error: exporter down"],
      ["cohere-batches: the logger failed and was ignored (reported once).", "Error: logger down"],
      ["cohere-batches: the logger failed and was ignored (reported once).", "Error: logger down"],
    ]);
    vi.restoreAllMocks();
  });

  it("a callback written inline (a new function at every call) that always fails is reported once, not per call", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const client = server.client({ backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 } });
    const { batch } = await client.batches.create(newBatch);
    for (let i = 0; i < 10; i++) {
      server.fake.inject("retrieve", { type: "status", status: 503 }, { times: 1 });
      await client.batches.retrieve(batch.id!, {
        shouldRetry: () => {
          throw new Error(`inline shouldRetry ${i}`);
        },
      });
      await client.batches
        .waitUntilDone(batch.id!, {
          pollIntervalInSeconds: 0.001,
          timeoutInSeconds: 0.02, // the batch stays queued: each wait ends here, having polled
          onProgress: () => {
            throw new Error(`inline onProgress ${i}`);
          },
        })
        .catch(() => {});
    }
    expect(warn.mock.calls.map(([message, error]) => [message, String(error)])).toEqual([
      ["cohere-batches: shouldRetry failed and was ignored (reported once).", "Error: inline shouldRetry 0"],
      ["cohere-batches: onProgress failed and was ignored (reported once).", "Error: inline onProgress 0"],
    ]);
    vi.restoreAllMocks();
  });

  it("callbacks whose code does not tell them apart (bound functions, Proxies) are each reported", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const progress = (name: string) =>
      function (this: unknown) {
        throw new Error(`progress of ${name}`);
      };
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    const callbacks = [
      progress("a").bind(null),
      progress("b").bind(null),
      new Proxy(progress("c"), {}),
      new Proxy(progress("d"), {}),
    ];
    // The batch is done before the waits: each polls once, calls its callback once and ends
    // (a wait timed to end while the batch was queued could end before its first poll under load).
    server.clock.advance(24 * 3_600_000);
    for (const onProgress of callbacks) {
      await expect(client.batches.waitUntilDone(batch.id!, { timeoutInSeconds: 5, onProgress })).resolves.toMatchObject(
        {
          id: batch.id,
        },
      );
    }
    expect(warn.mock.calls.map(([, error]) => String(error))).toEqual([
      "Error: progress of a",
      "Error: progress of b",
      "Error: progress of c",
      "Error: progress of d",
    ]);
    vi.restoreAllMocks();
  });

  it("a tracing onAttempt that throws: the call succeeds", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const tracing = tracingMiddleware({
      onAttempt: () => {
        throw new Error("exporter down");
      },
    });
    await expect(server.client({ middleware: [tracing] }).batches.list()).resolves.toEqual({ batches: [] });
    vi.restoreAllMocks();
  });
});

describe("a middleware that drops the promise next returns leaves nothing unhandled (API.md 7a)", () => {
  it("calls next without awaiting it and stops waiting: the typed error, no unhandled rejection", async () => {
    const dropping: Middleware = (request, next) => {
      void next(request);
      return never();
    };
    // The request is still in flight when the attempt times out: the dropped promise rejects.
    server.fake.inject("list", { type: "delay", ms: 2_000 });
    const client = server.client({ middleware: [dropping], timeoutInSeconds: 0.2, maxRetries: 0 });
    let result: Awaited<ReturnType<typeof outcome>> | undefined;
    const unhandled = await unhandledDuring(async () => {
      result = await outcome(client.batches.list());
    });
    expect(result?.error).toBeInstanceOf(CohereTimeoutError);
    expect(unhandled).toEqual([]);
  });
});

describe("a plugin's next() called after its run has ended sends nothing (API.md 6: nothing a plugin does outlives the attempt)", () => {
  const page = () =>
    new Response(JSON.stringify({ batches: [] }), { status: 200, headers: { "content-type": "application/json" } });

  it.each(["attempt", "call"] as const)(
    "%s phase: called from a timer after it answered, it rejects typed",
    async (phase) => {
      let late: Promise<unknown> | undefined;
      const deferring: MiddlewarePlugin = {
        name: "deferring",
        phase,
        handle: (request, next) => {
          late = sleep(50).then(() => next(request));
          return Promise.resolve(page());
        },
      };
      const unhandled = await unhandledDuring(async () => {
        expect(await server.client({ middleware: [deferring] }).batches.list()).toEqual({ batches: [] });
        await expect(late).rejects.toThrow(
          /Middleware "deferring" called next\(\) after its run had ended; nothing was sent/,
        );
      });
      expect(server.fake.requests).toHaveLength(0);
      expect(unhandled).toEqual([]);
    },
  );

  it("after its attempt timed out, a late next() sends nothing either", async () => {
    let late: Promise<unknown> | undefined;
    const stalling: Middleware = (request, next) => {
      late = sleep(300).then(() => next(request));
      return never();
    };
    const client = server.client({ middleware: [stalling], timeoutInSeconds: 0.1, maxRetries: 0 });
    await expect(client.batches.list()).rejects.toBeInstanceOf(CohereTimeoutError);
    await expect(late).rejects.toBeInstanceOf(CohereError);
    expect(server.fake.requests).toHaveLength(0);
  });
});
