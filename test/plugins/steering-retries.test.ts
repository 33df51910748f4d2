import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  CohereConnectionError,
  CohereError,
  InternalServerError,
  NotImplementedError,
  retryMiddleware,
  ServiceUnavailableError,
  type Middleware,
  type MiddlewarePlugin,
  type RetryInfo,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";
import { refusingPort, unhandledDuring } from "../helpers/scripted-server.js";

const server = useFakeServer();
const fast = { backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.002 } };

/** A copy of `request` without its Idempotency-Key: what a plugin that drops the key sends. */
function withoutKey(request: Request): Request {
  const copy = new Request(request);
  copy.headers.delete("idempotency-key");
  return copy;
}

/**
 * A user's fetch that sends the request, and after a 5xx sends it again through `failover` (to
 * a host that refuses the connection, say): the server may have acted on the first.
 */
function fetchFailingOver(failover: (copy: Request) => Promise<Response>, sent = { calls: 0 }) {
  return async (input: Request) => {
    sent.calls++;
    const copy = input.clone();
    const answer = await fetch(input);
    if (answer.status < 500) return answer;
    await answer.arrayBuffer();
    return failover(copy);
  };
}

/** A failover of `fetchFailingOver` to the same request on `port` of the same host. */
const toPort = (port: number) => (copy: Request) => fetch(new Request(copy.url.replace(/:\d+\//, `:${port}/`), copy));

afterEach(() => vi.restoreAllMocks());

describe("shouldRetry", () => {
  it("is told the failed attempt, its status and error, and the delay the SDK plans", async () => {
    const infos: RetryInfo[] = [];
    server.fake.inject("list", { type: "status", status: 503, retryAfter: "0" }, { times: 2 });
    await server.client({ shouldRetry: (info) => void infos.push(info) }).batches.list();
    expect(
      infos.map(({ operation, attempt, status, delayInSeconds }) => ({ operation, attempt, status, delayInSeconds })),
    ).toEqual([
      { operation: "batches.list", attempt: 1, status: 503, delayInSeconds: 0 },
      { operation: "batches.list", attempt: 2, status: 503, delayInSeconds: 0 },
    ]);
    expect(infos[0]!.error).toBeInstanceOf(ServiceUnavailableError);
  });

  it("false stops at once: the error is thrown after one attempt", async () => {
    server.fake.inject("list", { type: "status", status: 503 }, { times: 3 });
    await expect(server.client({ ...fast, shouldRetry: () => false }).batches.list()).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(server.fake.count("list")).toBe(1);
  });

  it("true retries what the SDK would not (a 501), within maxRetries", async () => {
    server.fake.inject("list", { type: "status", status: 501 }, { times: 5 });
    await expect(
      server.client({ ...fast, maxRetries: 2, shouldRetry: () => true }).batches.list(),
    ).rejects.toBeInstanceOf(NotImplementedError);
    expect(server.fake.count("list")).toBe(3);
  });

  it("is told a Retry-After over the 60 s cap in full, which is not waited, whatever it says", async () => {
    // It was told 60, and a true slept 60 s and sent again before the server's window.
    for (const verdict of [true, undefined]) {
      server.fake.reset();
      server.fake.inject("list", { type: "status", status: 429, retryAfter: "120" }, { times: 1 });
      const delays: number[] = [];
      const shouldRetry = ({ delayInSeconds }: RetryInfo) => {
        delays.push(delayInSeconds);
        return verdict;
      };
      const error = await server
        .client({ shouldRetry })
        .batches.list({}, { abortSignal: AbortSignal.timeout(5_000) })
        .catch((e: unknown) => e);
      expect(delays, `verdict ${verdict}`).toEqual([120]);
      expect((error as Error).name, `verdict ${verdict}`).toBe("TooManyRequestsError");
      expect((error as { retryAfterInSeconds?: number }).retryAfterInSeconds).toBe(120);
      expect(server.fake.count("list")).toBe(1);
    }
  });

  it("the request option replaces the client's", async () => {
    server.fake.inject("list", { type: "status", status: 503 }, { times: 1 });
    const client = server.client({ ...fast, shouldRetry: () => false });
    await client.batches.list({}, { shouldRetry: () => undefined });
    expect(server.fake.count("list")).toBe(2);
  });

  it("can never make a create without an Idempotency-Key go again after a 500", async () => {
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    const asked = vi.fn(() => true);
    const error = await server
      .client({ ...fast, shouldRetry: asked })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.fake.count("create")).toBe(1);
    expect(asked).toHaveBeenCalledTimes(1);
    // The message says why it went once, and what would let it go again.
    expect((error as Error).message).toBe(
      "POST /v2/batches -> 500: Internal Server Error; not sent again: the server may have acted (an idempotencyKey allows it)",
    );
  });

  it("says nothing of a second send where none was due: retries spent, a 400, maxRetries 0", async () => {
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    const spent = await server
      .client({ maxRetries: 0 })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((spent as Error).message).toBe("POST /v2/batches -> 500: Internal Server Error");
    // A pause past the cap ends the call whatever the request: a key would not have helped.
    server.fake.inject("create", { type: "status", status: 500, retryAfter: "120" }, { times: 1 });
    const paused = await server
      .client()
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((paused as Error).message).toBe(
      "POST /v2/batches -> 500: Internal Server Error; the server asked for a pause of 120 s",
    );
    server.fake.inject("create", { type: "status", status: 400 }, { times: 1 });
    const refused = await server
      .client()
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((refused as Error).message).toBe("POST /v2/batches -> 400: Bad Request");
  });

  it("a shouldRetry that throws is reported and the SDK's rule applies", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    server.fake.inject("list", { type: "status", status: 503 }, { times: 1 });
    const shouldRetry = () => {
      throw new Error("bug");
    };
    await server.client({ ...fast, shouldRetry }).batches.list();
    expect(server.fake.count("list")).toBe(2);
    expect(warn).toHaveBeenCalledOnce();
  });

  it("an async shouldRetry is reported, the SDK's rule applies, and its rejection is not left unhandled", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    server.fake.inject("list", { type: "status", status: 503 }, { times: 1 });
    const shouldRetry = (async () => {
      throw new Error("async bug");
    }) as unknown as () => boolean;
    const unhandled = await unhandledDuring(() => server.client({ ...fast, shouldRetry }).batches.list(), 100);
    expect(unhandled).toEqual([]);
    expect(server.fake.count("list")).toBe(2);
    const reported = warn.mock.calls.map(([, error]) => [String(error), String((error as Error).cause)]);
    expect(reported).toEqual([["TypeError: it returned a promise, not a boolean", "Error: async bug"]]);
  });

  it("a shouldRetry that fails at every decision is reported once, not once per failed attempt", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // Code of its own: a callback of the same code as one reported already (the test above's)
    // is not reported again.
    const shouldRetry = () => {
      throw new Error("bug at every decision");
    };
    const client = server.client({ ...fast, maxRetries: 2, shouldRetry });
    for (let i = 0; i < 3; i++) {
      server.fake.inject("list", { type: "status", status: 503 }, { times: 2 });
      await client.batches.list();
    }
    expect(server.fake.count("list")).toBe(9);
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      "cohere-batches: shouldRetry failed and was ignored (reported once).",
    ]);
  });
});

describe("backoff", () => {
  it("sets the delay the SDK plans", async () => {
    const delays: number[] = [];
    server.fake.inject("list", { type: "status", status: 500 }, { times: 2 });
    await server
      .client({
        backoff: { initialDelayInSeconds: 0.01, maxDelayInSeconds: 0.015 },
        shouldRetry: ({ delayInSeconds }) => void delays.push(delayInSeconds),
      })
      .batches.list();
    expect(delays[0]).toBeGreaterThan(0.0074);
    expect(delays[0]).toBeLessThanOrEqual(0.01);
    expect(delays[1]).toBeGreaterThan(0.011);
    expect(delays[1]).toBeLessThanOrEqual(0.015);
  });

  it("is checked at construction", () => {
    expect(() => server.client({ backoff: { initialDelayInSeconds: -1 } })).toThrow(/backoff/);
  });
});

describe("the idempotency rule follows what is sent", () => {
  it("an Idempotency-Key header added by a call-phase plugin makes create retryable after a 500", async () => {
    const keyed: MiddlewarePlugin = {
      name: "idempotency-keys",
      phase: "call",
      handle: (request, next) => {
        request.headers.set("Idempotency-Key", "k-1");
        return next(request);
      },
    };
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    await server.client({ ...fast, middleware: [keyed] }).batches.create(newBatch);
    expect(server.fake.count("create")).toBe(2);
    expect(server.fake.requests.every((r) => r.headers["idempotency-key"] === "k-1")).toBe(true);
  });

  it("a plugin that writes context.idempotent (read-only) cannot make a create without a key go again", async () => {
    // A module's write throws (the plugin fails, typed); sloppy code's is lost. Either way one
    // POST: the write used to make the retry layer send the create three times after 500s.
    const strict: Middleware = (request, next, context) => {
      (context as { idempotent: boolean }).idempotent = true;
      return next(request);
    };
    const sloppy = new Function("request", "next", "context", "context.idempotent = true; return next(request);");
    for (const [plugin, failure] of [
      [strict, /Middleware "strict" failed: .*idempotent/],
      [sloppy as Middleware, /500/],
    ] as const) {
      server.fake.reset();
      server.fake.inject("create", { type: "status", status: 500 }, { times: 3 });
      const error = await server
        .client({ ...fast, middleware: [{ name: "strict", phase: "call", handle: plugin }] })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(failure);
      expect(server.fake.count("create")).toBe(plugin === strict ? 0 : 1);
    }
  });

  // A gateway's allow-list rebuilding the request without the header: the retry layer saw the
  // key, the wire did not, and the create went twice with none (two batches).
  const dropKey: Middleware = (request, next) => {
    const headers = new Headers(request.headers);
    headers.delete("Idempotency-Key");
    return next(new Request(request, { headers }));
  };

  it("a key an attempt's plugin drops counts as none: a create is not sent again after a 500", async () => {
    server.fake.inject("create", { type: "status", status: 500 }, { times: 3 });
    const error = await server
      .client({ ...fast, maxRetries: 2, middleware: [{ name: "allow-list", handle: dropKey }] })
      .batches.create(newBatch, { idempotencyKey: "k-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    expect(server.fake.count("create")).toBe(1);
    expect(server.fake.requests[0]?.headers["idempotency-key"]).toBeUndefined();
    // The caller gave a key: the message does not ask for one.
    expect((error as Error).message).toMatch(
      /; not sent again: the server may have acted, and its Idempotency-Key was not the one sent$/,
    );
  });

  it("a key an attempt's plugin sets, or replaces, for each attempt is not the call's: a create is not sent again", async () => {
    // Each attempt went with a new key, which the server cannot match to the last: two batches.
    const freshKey: Middleware = (request, next) => {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
      return next(request);
    };
    const cases = [
      { middleware: [{ name: "fresh-key", handle: freshKey }], options: {} },
      { middleware: [{ name: "fresh-key", handle: freshKey }], options: { idempotencyKey: "k-1" } },
    ];
    for (const { middleware, options } of cases) {
      server.fake.reset();
      const before = server.fake.listBatches().length;
      // The server acts, then fails: a create sent again with another key makes a second batch.
      server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
      const error = await server
        .client({ ...fast, maxRetries: 2, middleware })
        .batches.create(newBatch, options)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 500 });
      expect(server.fake.count("create")).toBe(1);
      expect(server.fake.listBatches().length - before).toBe(1);
    }
  });

  it("a blank key is none: refused as an option, and not a reason to send a create again as a header", async () => {
    await expect(server.client().batches.create(newBatch, { idempotencyKey: " " })).rejects.toThrow(
      "Invalid request options: idempotencyKey must not be blank",
    );
    server.fake.inject("create", { type: "status", status: 500 }, { times: 3 });
    const error = await server
      .client({ ...fast, maxRetries: 2 })
      .batches.create(newBatch, { headers: { "Idempotency-Key": "" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    expect(server.fake.count("create")).toBe(1);
  });

  it("a key of HTTP whitespace is none; one of other characters (a no-break space) is a key", async () => {
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    await server
      .client({ ...fast, maxRetries: 2 })
      .batches.create(newBatch, { headers: { "Idempotency-Key": "\u00a0" } });
    expect(server.fake.count("create")).toBe(2);
  });

  it("a key kept by the plugins still makes the create retryable", async () => {
    const pass: Middleware = (request, next) => next(request);
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    await server
      .client({ ...fast, maxRetries: 2, middleware: [pass] })
      .batches.create(newBatch, { idempotencyKey: "k-2" });
    expect(server.fake.count("create")).toBe(2);
  });

  it("a key with whitespace at its ends is the key fetch sends, with plugins or logging as without", async () => {
    // The SDK's request held " k1 " as given, the Request a plugin gets "k1" (fetch trims): the
    // same key sent looked like another once any plugin ran, and the create went once.
    const pass: Middleware = (request, next) => next(request);
    const setups = [
      {},
      { middleware: [pass] },
      { logLevel: "info" as const, logger: { debug() {}, info() {}, warn() {}, error() {} } },
    ];
    for (const [index, setup] of setups.entries()) {
      for (const key of [" k1 ", "k1\t"]) {
        server.fake.reset({ batches: true });
        server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
        await server
          .client({ ...fast, maxRetries: 2, ...setup })
          .batches.create(newBatch, { idempotencyKey: `${key}${index}` });
        expect(server.fake.count("create")).toBe(2);
        expect(server.fake.listBatches()).toHaveLength(1);
      }
    }
  });
});

describe("the reason a failure gives for one attempt", () => {
  const suffix = (error: unknown) => /; not sent again: (.*)$/.exec((error as Error).message)?.[1];

  it("is given only where a retry was wanted: not after shouldRetry said false", async () => {
    // It said "an idempotencyKey allows it" where the caller's false would have stopped a keyed one.
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    const error = await server
      .client({ ...fast, shouldRetry: () => false })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("POST /v2/batches -> 500: Internal Server Error");
  });

  it("names the key and the stream: a stream that got a 500 without a key would go again with neither alone", async () => {
    const stream = () =>
      new ReadableStream({
        pull: (controller) => {
          controller.enqueue('{"custom_id":"1"}\n');
          controller.close();
        },
      });
    const cases = [
      // It said "an idempotencyKey allows it", and a key alone would not: the stream is read once.
      {
        status: 500,
        reason: "the server may have acted, and a stream is read once (an idempotencyKey and a Blob allow it)",
      },
      // A 503: the server did not act, and only the stream keeps it from going again.
      { status: 503, reason: "a stream is read once (a Blob is sent again)" },
    ];
    for (const { status, reason } of cases) {
      server.fake.reset();
      server.fake.inject("datasets.create", { type: "status", status }, { times: 1 });
      const error = await server
        .client(fast)
        .datasets.create({ name: "d", type: "batch-chat-v2-input", data: stream() })
        .catch((e: unknown) => e);
      expect(suffix(error), `status ${status}`).toBe(reason);
    }
  });

  it("is not given for a failure no rule retries (a 400), even where shouldRetry said true", async () => {
    server.fake.inject("create", { type: "status", status: 400 }, { times: 1 });
    const error = await server
      .client({ ...fast, shouldRetry: () => true })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("POST /v2/batches -> 400: Bad Request");
  });

  it("says the key was not the one sent where the caller gave one a call-phase plugin dropped", async () => {
    // It asked for an idempotencyKey the caller had given.
    const drop: MiddlewarePlugin = {
      name: "drop",
      phase: "call",
      handle: (request, next) => {
        const headers = new Headers(request.headers);
        headers.delete("Idempotency-Key");
        return next(new Request(request, { headers }));
      },
    };
    server.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    const error = await server
      .client({ ...fast, middleware: [drop] })
      .batches.create(newBatch, { idempotencyKey: "k-1" })
      .catch((e: unknown) => e);
    expect(suffix(error)).toBe("the server may have acted, and its Idempotency-Key was not the one sent");
    expect(server.fake.count("create")).toBe(1);
  });
});

describe("a create whose sent key cannot be read", () => {
  it("is not sent again: the key fetch sent from the header list may be a plugin's", async () => {
    // Taken as the call's own key, the create went three times with three keys of the plugin's.
    const hidden: Middleware = (request, next) => {
      const copy = new Request(request);
      copy.headers.set("Idempotency-Key", crypto.randomUUID());
      const proxy = new Proxy(copy, {
        get: (target, name) => {
          if (name === "headers") throw new Error("no headers for you");
          const value = Reflect.get(target, name, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return next(proxy);
    };
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 2 });
    const before = server.fake.listBatches().length;
    await server
      .client({ ...fast, maxRetries: 2, middleware: [{ name: "hidden", handle: hidden }] })
      .batches.create(newBatch, { idempotencyKey: "k-1" })
      .catch(() => undefined);
    expect(server.fake.listBatches().length - before).toBeLessThanOrEqual(1);
    expect(server.fake.count("create")).toBeLessThanOrEqual(1);
  });
});

describe("a connection never made", () => {
  it("a host name not found (Node's ENOTFOUND, EAI_AGAIN; Deno's words) lets a create without a key go again", async () => {
    // Nothing was sent, yet it went once, with "the server may have acted".
    const failures = [
      () =>
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("getaddrinfo ENOTFOUND x.invalid"), { code: "ENOTFOUND" }),
        }),
      () =>
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("getaddrinfo EAI_AGAIN x"), { code: "EAI_AGAIN" }),
        }),
      () =>
        new TypeError(
          "error sending request for url (http://x.invalid/v2/batches): client error (Connect): dns error: failed to lookup address information: Name or service not known",
        ),
    ];
    for (const failure of failures) {
      let calls = 0;
      // The runtime's fetch in these words (a user's fetch may have sent the create before).
      vi.stubGlobal("fetch", async () => {
        calls++;
        throw failure();
      });
      const error = await server
        .client({ ...fast, maxRetries: 2 })
        .batches.create(newBatch)
        .catch((e: unknown) => e)
        .finally(() => vi.unstubAllGlobals());
      expect((error as Error).name).toBe("CohereConnectionError");
      expect(calls, String(failure().cause ?? failure().message)).toBe(3);
    }
  });

  it("a refused connection in Deno's words lets a create without a key go again, as in Node", async () => {
    // Deno's fetch throws a TypeError with no code: it was not known as refused, so not retried.
    let calls = 0;
    vi.stubGlobal("fetch", async () => {
      calls++;
      throw new TypeError(
        "error sending request for url (http://127.0.0.1:1/v2/batches): client error (Connect): tcp connect error: Connection refused (os error 111)",
      );
    });
    const error = await server
      .client({ ...fast, maxRetries: 2 })
      .batches.create(newBatch)
      .catch((e: unknown) => e)
      .finally(() => vi.unstubAllGlobals());
    expect((error as Error).name).toBe("CohereConnectionError");
    expect(calls).toBe(3);
    expect((error as Error).message).toMatch(/; 3 attempts made$/);
  });
});

describe("junk a plugin passes to next() on a create", () => {
  it("is refused as the plugin's doing, not retried as a connection failure", async () => {
    // Reading its headers threw inside the transport: a CohereConnectionError, retried twice.
    const junk: Middleware = (_request, next) => next({ url: "x" } as unknown as Request);
    const error = await server
      .client({ ...fast, maxRetries: 2, middleware: [{ name: "junk", handle: junk }] })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).name).toBe("CohereError");
    expect((error as Error).message).not.toContain("not sent again");
    expect(server.fake.count("create")).toBe(0);
  });

  it("null, or a Proxy whose traps throw, from an attempt's plugin is refused typed, on a GET too", async () => {
    // Read as it was sent, it failed as a CohereConnectionError: retried, and "the server may have acted".
    const trap = new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap get");
        },
      },
    );
    for (const junk of [null, trap]) {
      const plugin: Middleware = (_request, next) => next(junk as unknown as Request);
      for (const call of [
        (c: ReturnType<typeof server.client>) => c.batches.create(newBatch),
        (c: ReturnType<typeof server.client>) => c.batches.list(),
      ]) {
        server.fake.reset();
        const error = await call(
          server.client({ ...fast, maxRetries: 2, middleware: [{ name: "j", handle: plugin }] }),
        ).catch((e: unknown) => e);
        expect((error as Error).name).toBe("CohereError");
        expect((error as Error).message).toMatch(
          /: Middleware "j" passed next\(\) .+, not a Request; nothing was sent$/,
        );
        expect(server.fake.requests).toEqual([]);
      }
    }
  });
});

describe("a call-phase plugin's request, copied for every attempt", () => {
  it("is not changed by the layers below it: no Authorization, no headers piled up across attempts", async () => {
    let seen: Request | undefined;
    const observe: MiddlewarePlugin = {
      name: "observe",
      phase: "call",
      handle: (request, next) => {
        seen = request;
        return next(request);
      },
    };
    let attempt = 0;
    const tag: Middleware = (request, next) => {
      request.headers.append("x-tag", `a${++attempt}`);
      return next(request);
    };
    server.fake.inject("retrieve", { type: "status", status: 503 }, { times: 2 });
    const [batch] = server.fake.addBatches(1);
    await server.client({ ...fast, maxRetries: 2, middleware: [observe, tag] }).batches.retrieve(batch?.id as string);
    // The token showed in a call-phase logger's request after next(); each attempt began clean.
    expect(seen?.headers.get("authorization")).toBeNull();
    expect(seen?.headers.get("x-tag")).toBeNull();
    expect(server.fake.requests.map((r) => r.headers["x-tag"])).toEqual(["a1", "a2", "a3"]);
  });

  it("keeps the upload body the plugin wrote, on the last attempt and on each retry", async () => {
    // The SDK's own Blob was given again in its place (with maxRetries 0 too, once every attempt was copied).
    const rewrite: MiddlewarePlugin = {
      name: "rewrite",
      phase: "call",
      handle: async (request, next) =>
        next(new Request(request, { body: (await request.clone().text()).replace('"hi"', '"REWRITTEN"') })),
    };
    const data = new Blob(['{"custom_id":"1","body":{"text":"hi"}}\n']);
    for (const maxRetries of [0, 2]) {
      server.fake.reset();
      if (maxRetries > 0) server.fake.inject("datasets.create", { type: "status", status: 503 }, { times: 2 });
      await server
        .client({ ...fast, maxRetries, middleware: [rewrite] })
        .datasets.create({ name: "d", type: "batch-chat-v2-input", data });
      const last = server.fake.requests.at(-1)?.form as FormData;
      expect(await (last.get("data") as File).text(), `maxRetries ${maxRetries}`).toContain('"REWRITTEN"');
    }
  });

  it("of a one-shot streamed upload is not changed either, and only the attempt reads the stream", async () => {
    // It went down as it was: the layers below set the token on the plugin's own request.
    const line = '{"custom_id":"1","body":{"text":"hi"}}\n';
    let pulls = 0;
    const data = new ReadableStream<string>(
      { pull: (controller) => (pulls++ === 0 ? controller.enqueue(line) : controller.close()) },
      { highWaterMark: 0 },
    );
    let seen: Request | undefined;
    let pullsBeforeNext: number | undefined;
    const observe: MiddlewarePlugin = {
      name: "observe",
      phase: "call",
      handle: async (request, next) => {
        seen = request;
        await new Promise((resolve) => setTimeout(resolve, 20));
        pullsBeforeNext = pulls;
        return next(request);
      },
    };
    await server
      .client({ ...fast, middleware: [observe] })
      .datasets.create({ name: "d", type: "batch-chat-v2-input", data });
    expect(pullsBeforeNext).toBe(0);
    expect(seen?.headers.get("authorization")).toBeNull();
    expect(seen?.bodyUsed).toBe(true);
    const sent = server.fake.requests.at(-1)?.form as FormData;
    expect(await (sent.get("data") as File).text()).toBe(line);
    expect(server.fake.count("datasets.create")).toBe(1);
  });

  it("whose body the plugin locked reaches fetch as it is, refused typed, for the caller and the plugin's next()", async () => {
    // The copy threw a raw TypeError past the retry layer.
    let fromNext: unknown;
    const lock: MiddlewarePlugin = {
      name: "lock",
      phase: "call",
      handle: async (request, next) => {
        request.body?.getReader();
        return next(request).catch((error: unknown) => {
          fromNext = error;
          throw error;
        });
      },
    };
    // A one-shot stream: an upload's Blob is the SDK's own, given again whole on each attempt.
    const data = new ReadableStream({ pull: (controller) => controller.close() });
    const error = await server
      .client({ ...fast, middleware: [lock] })
      .datasets.create({ name: "d", type: "batch-chat-v2-input", data })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/^datasets\.create \(POST \/v1\/datasets\): fetch refused the request/);
    expect(fromNext).toBe(error);
    expect(server.fake.count("datasets.create")).toBe(0);
  });

  it("stays usable after next(), on the last attempt too: to read it, or to call next() with it again", async () => {
    // The last attempt moved its body into the copy: the plugin's own request was used up.
    const again: MiddlewarePlugin = {
      name: "again",
      phase: "call",
      handle: async (request, next) => {
        try {
          return await next(request);
        } catch {
          await request.clone().text();
          return next(request);
        }
      },
    };
    for (const maxRetries of [0, 2]) {
      server.fake.reset();
      server.fake.inject("create", { type: "status", status: 500 }, { times: maxRetries + 1 });
      const { batch } = await server
        .client({ ...fast, maxRetries, middleware: [again] })
        .batches.create(newBatch, { idempotencyKey: `k-${maxRetries}` });
      expect(batch.name, `maxRetries ${maxRetries}`).toBe(newBatch.name);
      expect(server.fake.count("create")).toBe(maxRetries + 2);
    }
  });

  it("reaches an attempt's plugin on the attempt's signal, which its timeout aborts", async () => {
    // With a call-phase plugin, the attempt's copy kept a signal that never fired.
    const signals: AbortSignal[] = [];
    const stall: Middleware = (request) => {
      signals.push(request.signal);
      return new Promise<Response>(() => {});
    };
    const pass: MiddlewarePlugin = { name: "pass", phase: "call", handle: (request, next) => next(request) };
    const error = await server
      .client({ maxRetries: 0, timeoutInSeconds: 0.2, middleware: [pass, stall] })
      .batches.list()
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("CohereTimeoutError");
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
  });
});

describe("a hedge's attempts", () => {
  it("keep the create's idempotent flag fixed: a plugin's write cannot make it go again, nor a second next()", async () => {
    // The second next() of a hedge ran on a spread copy of the context, where the write took.
    const hedge: MiddlewarePlugin = {
      name: "hedge",
      phase: "call",
      handle: (request, next) => Promise.any([next(request.clone()), next(request.clone())]),
    };
    const flip: Middleware = (request, next, context) => {
      try {
        (context as { idempotent: boolean }).idempotent = true;
      } catch {}
      return next(request);
    };
    server.fake.inject("create", { type: "status", status: 500 }, { times: 10 });
    await server
      .client({ ...fast, maxRetries: 2, middleware: [hedge, flip] })
      .batches.create(newBatch)
      .catch(() => {});
    // One 500, not retried; the hedge's second next() is refused (no key): nothing more is sent.
    expect(server.fake.count("create")).toBe(1);
  });
});

describe("one retry loop", () => {
  it("use() refuses the exported retry layer, as a function or as a plugin, naming the options to use", () => {
    const client = server.client();
    expect(() => client.use(retryMiddleware())).toThrow(/already retries; set maxRetries, backoff or shouldRetry/);
    expect(() => client.use({ name: "retry2", phase: "call", handle: retryMiddleware() })).toThrow(CohereError);
    expect(() => server.client({ middleware: [{ name: "r", call: retryMiddleware() }] })).toThrow(/already retries/);
  });
});

const pass: Middleware = (request, next) => next(request);

describe("two-phase plugins", () => {
  it("run their call handler once and their attempt handler per attempt, listed in both phases", async () => {
    const events: string[] = [];
    const plugin: MiddlewarePlugin = {
      name: "both",
      call: async (request, next) => {
        events.push("call");
        return next(request);
      },
      attempt: async (request, next, context) => {
        events.push(`attempt ${context.attempt}`);
        return next(request);
      },
    };
    server.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    const client = server.client({ middleware: [plugin] });
    await client.batches.list();
    expect(events).toEqual(["call", "attempt 1", "attempt 2"]);
    expect(client.describeMiddleware().filter((layer) => layer.name === "both")).toEqual([
      { name: "both", phase: "call", builtIn: false },
      { name: "both", phase: "attempt", builtIn: false },
    ]);
  });

  it("refuse a plugin with no handler, or with handle and call together", () => {
    expect(() => server.client({ middleware: [{ name: "none" } as never] })).toThrow(
      /must be a function, \{ name, phase/,
    );
    expect(() => server.client({ middleware: [{ name: "x", handle: pass, call: pass } as never] })).toThrow(
      /Invalid middleware #1/,
    );
  });
});

describe("a plugin's own retry or hedge of a request the server may act on", () => {
  /** A plugin that sends the request again once after a failure, in `phase`; `keyed` adds a key per request. */
  const retryOnce = (phase: "call" | "attempt", seen: string[], keyed?: (n: number) => string): MiddlewarePlugin => {
    let n = 0;
    return {
      name: "own-retry",
      phase,
      handle: async (request, next) => {
        const send = () => {
          const copy = request.clone();
          if (keyed) copy.headers.set("Idempotency-Key", keyed(n++));
          return next(copy);
        };
        // A call-phase next() rejects with the typed error; an attempt's resolves with the raw 500.
        try {
          const response = await send();
          if (response.ok) return response;
          seen.push(`status ${response.status}`);
        } catch (error) {
          seen.push((error as Error).name);
        }
        return send().catch((again: unknown) => {
          seen.push((again as Error).message);
          throw again;
        });
      },
    };
  };

  it.each(["call", "attempt"] as const)(
    "in the %s phase, a create without a key is not sent again: its second next() is refused, nothing sent",
    async (phase) => {
      server.fake.inject("create", { type: "status", status: 500 }, { times: 5 });
      const seen: string[] = [];
      const error = await server
        .client({ maxRetries: 0, middleware: [retryOnce(phase, seen)] })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      expect(CohereError.is(error)).toBe(true);
      expect(server.fake.count("create")).toBe(1);
      expect(seen).toEqual([
        phase === "call" ? "InternalServerError" : "status 500",
        expect.stringContaining(
          'Middleware "own-retry" called next() again for batches.create, which the server may have acted on; nothing was sent',
        ),
      ]);
    },
  );

  it.each([
    ["call", "the default fetch"],
    ["attempt", "the default fetch"],
    ["attempt", "globalThis.fetch given as the fetch option"],
  ] as const)(
    "in the %s phase, a create fetch refused before sending goes again without a key: one batch (%s)",
    async (phase, given) => {
      // Counted as sent, the refusal kept the plugin's own retry from going (the server never saw
      // it). The first create goes to a port the runtime's fetch blocks.
      let sends = 0;
      const blockedPortOnce: MiddlewarePlugin = {
        name: "blocked-port-once",
        attempt: (request, next) =>
          next(sends++ === 0 ? new Request(request.url.replace(/:\d+\//, ":6000/"), request) : request),
      };
      const seen: string[] = [];
      const created = await server
        .client({
          maxRetries: 0,
          middleware: [retryOnce(phase, seen), blockedPortOnce],
          ...(given === "the default fetch" ? {} : { fetch: globalThis.fetch }),
        })
        .batches.create(newBatch);
      expect(seen).toEqual(["CohereError"]);
      expect(server.fake.listBatches().map((batch) => batch.id)).toEqual([created.batch.id]);
    },
  );

  it("an upload whose body a plugin read before next(), through a fetch of the user's: refused unsent, and its resend goes", async () => {
    // The used stream went to the user's fetch as it was, whose refusal proved nothing: the
    // plugin's resend of its copy was refused too, though no upload had arrived.
    const seen: string[] = [];
    const readsFirst: MiddlewarePlugin = {
      name: "reads-first",
      attempt: async (request, next) => {
        const copy = request.clone();
        await request.arrayBuffer();
        try {
          return await next(request);
        } catch (error) {
          seen.push((error as Error).message);
          return next(copy);
        }
      },
    };
    const client = server.client({ maxRetries: 0, fetch: server.fake.fetch, middleware: [readsFirst] });
    const created = await client.datasets.create({
      name: "read-first",
      type: "batch-embed-v2-input",
      data: new Blob(['{"custom_id":"a","body":{"input_type":"search_document","texts":["x"]}}\n']).stream(),
    });
    expect(seen).toEqual([expect.stringMatching(/fetch refused the request: its body was read already/)]);
    expect(created.id).toEqual(expect.any(String));
    expect(server.fake.count("datasets.create")).toBe(1);
  });

  it("a create a plugin wraps in a Proxy whose bodyUsed throws goes, through a fetch of the user's, as through the runtime's", async () => {
    // The read of bodyUsed before the user's fetch threw: a connection failure, retried, counted as sent.
    const wrap = (request: Request) =>
      new Proxy(request, {
        get(target, property) {
          if (property === "bodyUsed") throw new Error("bodyUsed getter broke");
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    const wrapper: MiddlewarePlugin = {
      name: "wrapper",
      attempt: (request, next, context) => next(context.operation === "batches.create" ? wrap(request) : request),
    };
    const created = await server
      .client({ maxRetries: 0, fetch: server.fake.fetch, middleware: [wrapper] })
      .batches.create(newBatch);
    expect(server.fake.listBatches().map((batch) => batch.id)).toEqual([created.batch.id]);
  });

  it("a create a user's fetch sent itself before refusing its own resend is not sent again: one batch", async () => {
    // The refusal was taken as "nothing sent", and the plugin's keyless resend made a second batch.
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    const retrying = async (input: Request) => {
      const answer = await server.fake.fetch(input);
      if (answer.status < 500) return answer;
      return fetch(input); // the same Request, its body used: refused
    };
    const seen: string[] = [];
    const error = await server
      .client({ maxRetries: 0, fetch: retrying, middleware: [retryOnce("attempt", seen)] })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect(seen).toEqual(["CohereError", expect.stringContaining('Middleware "own-retry" called next() again')]);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it.each([
    // The refusal was read as "never left", and the retry layer sent the create again.
    ["failed over to a refusing host", async () => toPort(await refusingPort())],
    // A typed failure of a user's fetch was taken as it was: "refused on the first hop".
    [
      "threw a CohereConnectionError of its own (refused)",
      async () => async () => {
        const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
        throw new CohereConnectionError("failover host refused", { cause: refused });
      },
    ],
  ] as const)(
    "a create without a key whose user's fetch %s after a 500: not sent again, one batch",
    async (_, failover) => {
      server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
      const sent = { calls: 0 };
      const error = await server
        .client({ ...fast, maxRetries: 2, fetch: fetchFailingOver(await failover(), sent) })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe("CohereConnectionError");
      expect(sent.calls).toBe(1);
      expect(server.fake.listBatches()).toHaveLength(1);
    },
  );

  it("a plugin that wraps the refusal of a user's fetch in an error of its own after a 500: not sent again", async () => {
    // Only the SDK's wrapper was marked: the plugin's error, whose cause was fetch's refusal,
    // read as "refused on the first hop", and the create went again: two batches.
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    const failingOver = fetchFailingOver(toPort(await refusingPort()));
    const rewrapping: MiddlewarePlugin = {
      name: "rewrap",
      attempt: (request, next) =>
        next(request).catch((error: unknown) => {
          throw new CohereConnectionError("network trouble", { cause: (error as Error).cause });
        }),
    };
    await server
      .client({ ...fast, maxRetries: 2, fetch: failingOver, middleware: [rewrapping] })
      .batches.create(newBatch)
      .catch(() => undefined);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("with the caller's idempotencyKey on every request it goes again; a key the plugin changes does not", async () => {
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    const seen: string[] = [];
    const created = await server
      .client({ maxRetries: 0, middleware: [retryOnce("call", seen)] })
      .batches.create(newBatch, { idempotencyKey: "k-own" });
    expect(server.fake.count("create")).toBe(2);
    // The server acted on the first; the key made the second its answer again: one batch.
    expect(server.fake.listBatches().map((batch) => batch.id)).toEqual([created.batch.id]);

    server.fake.inject("create", { type: "status", status: 500 }, { times: 5 });
    const changing: string[] = [];
    await server
      .client({ maxRetries: 0, middleware: [retryOnce("call", changing, (n) => `k-${n}`)] })
      .batches.create(newBatch)
      .catch(() => {});
    expect(server.fake.count("create")).toBe(3);
    expect(changing[1]).toContain("nothing was sent");
  });

  it("the refusal reaches a call-phase plugin in the caller's words already", async () => {
    server.fake.inject("create", { type: "status", status: 500 }, { times: 5 });
    const seen: string[] = [];
    const error = await server
      .client({ maxRetries: 0, middleware: [retryOnce("call", seen)] })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^batches\.create \(POST \/v2\/batches\): Middleware "own-retry" called/);
    expect(seen[1]).toBe((error as Error).message);
  });

  it.each(["call", "attempt"] as const)(
    "in the %s phase, it goes again where the server certainly did not act: nothing sent (a plugin below failed), a 503",
    async (phase) => {
      let runs = 0;
      const failsFirst: Middleware = (request, next) =>
        runs++ === 0 ? Promise.reject(new Error("not yet")) : next(request);
      const seen: string[] = [];
      const created = await server
        .client({ maxRetries: 0, middleware: [retryOnce(phase, seen), failsFirst] })
        .batches.create(newBatch);
      expect(created.batch.id).toBeTruthy();
      expect(server.fake.count("create")).toBe(1);

      server.fake.inject("create", { type: "status", status: 503 }, { times: 1 });
      const again = await server
        .client({ maxRetries: 0, middleware: [retryOnce(phase, seen)] })
        .batches.create(newBatch);
      expect(again.batch.id).toBeTruthy();
      expect(server.fake.count("create")).toBe(3);
      expect(seen).toEqual([
        phase === "call" ? "CohereError" : "CohereError",
        phase === "call" ? "ServiceUnavailableError" : "status 503",
      ]);
    },
  );

  it("after the SDK's own retries with a key, any of them may have acted: the key dropped, it is refused", async () => {
    // A 500 after the work (retried: the key went with it), then a 503: the last answer alone said "did not act".
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    server.fake.inject("create", { type: "status", status: 503, retryAfter: "0" }, { times: 1 });
    const dropsKey: MiddlewarePlugin = {
      name: "drops-key",
      phase: "call",
      handle: async (request, next) => {
        try {
          return await next(request.clone());
        } catch {
          return next(withoutKey(request));
        }
      },
    };
    const error = await server
      .client({ ...fast, maxRetries: 1, middleware: [dropsKey] })
      .batches.create(newBatch, { idempotencyKey: "k-1" })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('Middleware "drops-key" called next() again');
    expect(server.fake.count("create")).toBe(2);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("a hedge's sends are counted on its copy of the call: the one the server acted on keeps a third from going", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let fetches = 0;
    // The first hedge's request is slow to leave: the second arrives first, and is acted on (a 500).
    const slowFirst = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (fetches++ === 0) await sleep(150);
      return fetch(input, init);
    };
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    server.fake.inject("create", { type: "status", status: 503, retryAfter: "0" }, { times: 1 });
    let third: unknown;
    const hedge: MiddlewarePlugin = {
      name: "hedge",
      phase: "call",
      handle: async (request, next) => {
        const first = next(request.clone());
        await sleep(20);
        const second = next(request.clone());
        await Promise.allSettled([first, second]);
        return next(withoutKey(request)).catch((error: unknown) => {
          third = error;
          throw error;
        });
      },
    };
    await server
      .client({ maxRetries: 0, fetch: slowFirst, middleware: [hedge] })
      .batches.create(newBatch, { idempotencyKey: "k-1" })
      .catch(() => {});
    expect((third as Error).message).toContain('Middleware "hedge" called next() again');
    expect(server.fake.count("create")).toBe(2);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("an attempt plugin's retry over an inner plugin that answered a 500 itself (nothing sent) goes", async () => {
    let runs = 0;
    const answersFirst: Middleware = (request, next) =>
      runs++ === 0 ? Promise.resolve(new Response('{"message":"inner"}', { status: 500 })) : next(request);
    const seen: string[] = [];
    const created = await server
      .client({ maxRetries: 0, middleware: [retryOnce("attempt", seen), answersFirst] })
      .batches.create(newBatch);
    expect(created.batch.id).toBeTruthy();
    expect(seen).toEqual(["status 500"]);
    expect(server.fake.count("create")).toBe(1);
  });

  it("a plugin below that replaces context.state cannot make a sent create look unsent", async () => {
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    const replacesState: Middleware = async (request, next, context) => {
      const response = await next(request);
      (context as { state: Record<string, unknown> }).state = { ...context.state, status: response.status };
      return response;
    };
    const seen: string[] = [];
    const error = await server
      .client({ maxRetries: 0, middleware: [retryOnce("call", seen), replacesState] })
      .batches.create(newBatch)
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain("called next() again");
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("several sends in one next() (a plugin below retried with keys of its own): any may have acted", async () => {
    // The inner plugin keys each of its runs afresh and retries its own 500 with that key.
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    server.fake.inject("create", { type: "status", status: 503, retryAfter: "0" }, { times: 1 });
    const keysItsRun: Middleware = async (request, next) => {
      const key = crypto.randomUUID();
      const keyed = () => {
        const copy = request.clone();
        copy.headers.set("Idempotency-Key", key);
        return next(copy);
      };
      const first = await keyed();
      return first.status === 500 ? keyed() : first;
    };
    for (const outer of [retryOnce("attempt", []), undefined]) {
      const error = await server
        .client({ ...fast, maxRetries: outer ? 0 : 1, middleware: outer ? [outer, keysItsRun] : [keysItsRun] })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      // Sent again (by the outer plugin, or the SDK's retry) without the acted-on key: two batches.
      expect(CohereError.is(error) || ApiError.is(error), String(error)).toBe(true);
      expect(server.fake.listBatches()).toHaveLength(1);
      server.fake.reset({ batches: true });
      server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
      server.fake.inject("create", { type: "status", status: 503, retryAfter: "0" }, { times: 1 });
    }
  });

  it("a 503 a plugin makes of an answer the server acted on is no proof: neither the SDK nor a plugin above sends again", async () => {
    // A fallback: whatever went wrong, it answers 503 itself.
    const fallback: Middleware = async (request, next) => {
      const response = await next(request).catch(() => undefined);
      return response?.ok ? response : new Response('{"message":"fallback"}', { status: 503 });
    };
    for (const middleware of [[fallback], [retryOnce("call", []), { name: "fb", phase: "call", handle: fallback }]]) {
      server.fake.reset({ batches: true });
      server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
      const error = await server
        .client({ ...fast, maxRetries: 2, middleware: middleware as MiddlewarePlugin[] })
        .batches.create(newBatch)
        .catch((e: unknown) => e);
      expect(ApiError.is(error) || CohereError.is(error), String(error)).toBe(true);
      expect(server.fake.count("create")).toBe(1);
      expect(server.fake.listBatches()).toHaveLength(1);
    }
  });

  it("a retry allowed by the key an attempt sent must carry it: an attempt plugin that drops it then sends nothing", async () => {
    server.fake.inject("create", { type: "status", status: 500, afterAction: true }, { times: 1 });
    const dropsLater: Middleware = (request, next, context) => {
      if (context.attempt === 1) return next(request);
      return next(withoutKey(request));
    };
    const error = await server
      .client({ ...fast, maxRetries: 2, middleware: [dropsLater] })
      .batches.create(newBatch, { idempotencyKey: "K-123456" })
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toContain("went without the Idempotency-Key an earlier one sent");
    expect(server.fake.count("create")).toBe(1);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("an idempotent call (list) may be sent again by a plugin as often as it likes", async () => {
    server.fake.inject("list", { type: "status", status: 500 }, { times: 1 });
    const seen: string[] = [];
    const page = await server.client({ maxRetries: 0, middleware: [retryOnce("call", seen)] }).batches.list();
    expect(page.batches).toEqual([]);
    expect(seen).toEqual(["InternalServerError"]);
    expect(server.fake.count("list")).toBe(2);
  });
});
