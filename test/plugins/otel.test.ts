import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  type Context,
  context,
  type ContextManager,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorage } from "node:async_hooks";
import { createContext, runInContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CohereError, type MiddlewareContext, NotFoundError } from "../../src/index.js";
import { openTelemetryPlugin } from "../../src/otel/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("test");

afterEach(() => exporter.reset());

function spans() {
  return exporter.getFinishedSpans();
}

/** A hedge: `request` sent through `next`, and again 50 ms later; both sends (the first never unhandled). */
async function sendTwice(request: Request, next: (request: Request) => Promise<Response>) {
  const first = next(request.clone());
  first.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  return [first, next(request.clone())] as const;
}

/** A context manager made of its `active` and `with` (bind, enable and disable as a no-op). */
function contextManager(active: () => Context, withContext: (ctx: Context, fn: () => unknown) => unknown) {
  const manager = {
    active,
    with: (ctx: Context, fn: (...args: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]) =>
      withContext(ctx, () => fn.apply(thisArg, args)),
    bind: (_: Context, target: unknown) => target,
    enable: () => manager,
    disable: () => manager,
  } as unknown as ContextManager;
  return manager;
}

/**
 * Runs `run` with `manager` as the global context manager; by default an AsyncLocalStorage one,
 * as the OpenTelemetry Node SDK registers.
 */
async function withContextManager(run: () => Promise<void>, manager?: ContextManager): Promise<void> {
  const store = new AsyncLocalStorage<Context>();
  context.setGlobalContextManager(
    manager ??
      contextManager(
        () => store.getStore() ?? ROOT_CONTEXT,
        (ctx, fn) => store.run(ctx, fn),
      ),
  );
  try {
    await run();
  } finally {
    context.disable();
  }
}

describe("cohere-batches/otel", () => {
  it("makes one call span and one child span per attempt, with the HTTP client attributes", async () => {
    server.fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 1 });
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
    const { batch } = await server.client().batches.create({ name: "n", input_dataset_id: "d", model: "m" });
    await client.batches.retrieve(batch.id!);
    const [first, second, call] = spans();
    expect(spans()).toHaveLength(3);
    expect(call!.name).toBe("GET /v2/batches/{id}");
    expect(call!.kind).toBe(SpanKind.INTERNAL);
    expect(call!.attributes).toMatchObject({
      "http.response.status_code": 200,
      "cohere.operation": "batches.retrieve",
    });
    const url = new URL(server.url);
    for (const attempt of [first!, second!]) {
      expect(attempt.name).toBe("GET /v2/batches/{id}");
      expect(attempt.kind).toBe(SpanKind.CLIENT);
      expect(attempt.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
      expect(attempt.spanContext().traceId).toBe(call!.spanContext().traceId);
      expect(attempt.attributes).toMatchObject({
        "http.request.method": "GET",
        "url.full": `${server.url}/v2/batches/${batch.id}`,
        "url.template": "/v2/batches/{id}",
        "server.address": url.hostname,
        "server.port": Number(url.port),
      });
    }
    expect(first!.attributes).toMatchObject({ "http.response.status_code": 503, "error.type": "503" });
    expect(first!.attributes["http.request.resend_count"]).toBeUndefined();
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes).toMatchObject({ "http.response.status_code": 200, "http.request.resend_count": 1 });
  });

  it("sends each attempt's span context as traceparent", async () => {
    await server.client({ middleware: [openTelemetryPlugin({ tracer })] }).batches.list();
    const [attempt] = spans();
    const { traceId, spanId } = attempt!.spanContext();
    expect(server.fake.requests.at(-1)!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it("ends the call span with the caller's typed error: a 404, a body that fails the check", async () => {
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
    await expect(client.batches.retrieve("missing")).rejects.toBeInstanceOf(NotFoundError);
    expect(spans().at(-1)!.attributes).toMatchObject({ "error.type": "404", "http.response.status_code": 404 });
    server.fake.inject("list", { type: "status", status: 200, body: { batches: 7 } });
    await expect(client.batches.list()).rejects.toThrow();
    const [attempt, call] = spans().slice(-2);
    // The attempt got a 200; the call, what the caller got.
    expect(attempt!.attributes["http.response.status_code"]).toBe(200);
    expect(call!.attributes["error.type"]).toBe("CohereParseError");
    expect(call!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("a 2xx whose body then stalls or breaks off: the attempt span has the status and the error's type", async () => {
    const client = server.client({
      middleware: [openTelemetryPlugin({ tracer })],
      maxRetries: 1,
      timeoutInSeconds: 0.3,
    });
    server.fake.inject("list", { type: "stall-body" }, { times: 1 });
    server.fake.inject("list", { type: "reset-mid-body" }, { times: 1 });
    await expect(client.batches.list()).rejects.toThrow();
    const [stalled, reset, call] = spans();
    expect(stalled!.attributes).toMatchObject({ "http.response.status_code": 200, "error.type": "CohereTimeoutError" });
    expect(reset!.attributes).toMatchObject({
      "http.response.status_code": 200,
      "error.type": "CohereConnectionError",
    });
    expect(call!.attributes).toMatchObject({ "http.response.status_code": 200, "error.type": "CohereConnectionError" });
    // An attempt that got no answer has no status (the first attempt's is not carried over).
    server.fake.inject("list", { type: "stall-body" }, { times: 1 });
    server.fake.inject("list", { type: "drop" }, { times: 1 });
    await expect(client.batches.list()).rejects.toThrow();
    const [, dropped, dropCall] = spans().slice(-3);
    expect(dropped!.attributes["error.type"]).toBe("CohereConnectionError");
    expect(dropped!.attributes["http.response.status_code"]).toBeUndefined();
    expect(dropCall!.attributes["http.response.status_code"]).toBeUndefined();
  });

  it("a call aborted during the pause after a 503: its span says CohereAbortError, not the 503 no longer in hand", async () => {
    server.fake.inject("retrieve", { type: "status", status: 503, retryAfter: "5" });
    const controller = new AbortController();
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
    setTimeout(() => controller.abort(), 200);
    await expect(client.batches.retrieve("b-1", { abortSignal: controller.signal })).rejects.toThrow();
    const [attempt, call] = spans();
    expect(attempt!.attributes).toMatchObject({ "http.response.status_code": 503, "error.type": "503" });
    expect(call!.attributes["error.type"]).toBe("CohereAbortError");
    expect(call!.attributes["http.response.status_code"]).toBeUndefined();
  });

  it("a hedge whose other try is still pausing after a 503: the call span has the failure the caller got", async () => {
    server.fake.inject("retrieve", { type: "status", status: 503, retryAfter: "1" }, { times: 1 });
    // The other try's connection drops, and again on its retry.
    server.fake.inject("retrieve", { type: "drop" }, { times: 2 });
    const hedge = {
      name: "hedge",
      call: async (request: Request, next: (request: Request) => Promise<Response>) => {
        const first = next(request).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
        try {
          return await next(request);
        } finally {
          await first;
        }
      },
    };
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer }), hedge], maxRetries: 1 });
    await expect(client.batches.retrieve("b-1")).rejects.toThrow("Connection failed");
    const call = spans().find((span) => span.kind === SpanKind.INTERNAL)!;
    expect(call.attributes["error.type"]).toBe("CohereConnectionError");
    expect(call.attributes["http.response.status_code"]).toBeUndefined();
  });

  it("says what started the call", async () => {
    server.fake.addBatches(3);
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
    for await (const _ of client.batches.listAll({ page_size: 2 })) void _;
    const calls = spans().filter((span) => span.kind === SpanKind.INTERNAL);
    expect(calls.map((span) => span.attributes["cohere.via"])).toEqual(["listAll", "listAll"]);
  });
});

describe("cohere-batches/otel: telemetry never fails a call", () => {
  const broken = (what: string) => () => {
    throw new Error(`${what} is broken`);
  };

  /** Runs `work` with console.warn captured; resolves with the warnings' first arguments. */
  async function warnedDuring(work: () => Promise<void>): Promise<string[]> {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await work();
      return warn.mock.calls.map(([message]) => String(message));
    } finally {
      warn.mockRestore();
    }
  }

  it("a tracer whose startSpan throws: the call and a failing call keep their outcomes", async () => {
    const tracer = { startSpan: broken("startSpan"), startActiveSpan: broken("startActiveSpan") } as unknown as Tracer;
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const warnings = await warnedDuring(async () => {
      expect((await client.batches.list()).batches).toBeDefined();
      await expect(client.batches.retrieve("no-such-batch")).rejects.toBeInstanceOf(NotFoundError);
    });
    // Four spans failed (a call and an attempt, twice): one warning, not one per span.
    expect(warnings).toEqual([
      "cohere-batches/otel: starting a span failed and was ignored (reported once per plugin).",
    ]);
    // Nothing to propagate from a span that was not started.
    expect(server.fake.requests.at(-1)!.headers.traceparent).toBeUndefined();
  });

  it("a tracer whose startSpan returns no span (null, a number, {}): reported as starting a span, no traceparent sent", async () => {
    for (const made of [null, undefined, 42, {}, Promise.resolve(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))]) {
      const tracer = { startSpan: () => made } as unknown as Tracer;
      const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
      const warnings = await warnedDuring(async () => {
        expect((await client.batches.list()).batches).toBeDefined();
      });
      expect(warnings, String(made)).toEqual([
        "cohere-batches/otel: starting a span failed and was ignored (reported once per plugin).",
      ]);
      expect(server.fake.requests.at(-1)!.headers.traceparent).toBeUndefined();
    }
  });

  it("a span whose ids are upper-case hex: no traceparent of its own (W3C takes lower case only), reported; the caller's go as given", async () => {
    const upper = trace.wrapSpanContext({ traceId: "A".repeat(32), spanId: "B".repeat(16), traceFlags: 1 });
    const tracer = { startSpan: () => upper } as unknown as Tracer;
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const callers = { traceparent: `00-${"c".repeat(32)}-${"d".repeat(16)}-01`, tracestate: "vendor=caller" };
    const warnings = await warnedDuring(async () => {
      expect((await client.batches.list()).batches).toBeDefined();
      expect((await client.batches.list({}, { headers: callers })).batches).toBeDefined();
    });
    const [own, given] = server.fake.requests.slice(-2).map(({ headers }) => [headers.traceparent, headers.tracestate]);
    expect(own).toEqual([undefined, undefined]);
    expect(given).toEqual([callers.traceparent, callers.tracestate]);
    expect(warnings).toEqual([
      "cohere-batches/otel: writing traceparent for a span whose ids are upper-case hex failed and was ignored (reported once per plugin).",
    ]);
  });

  it("each kind of failure is reported once per plugin, however many calls: another plugin reports its own", async () => {
    const tracer = { startSpan: broken("startSpan") } as unknown as Tracer;
    const first = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const second = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const warnings = await warnedDuring(async () => {
      for (let i = 0; i < 20; i++) await first.batches.list();
      await second.batches.list();
    });
    expect(warnings).toEqual([
      "cohere-batches/otel: starting a span failed and was ignored (reported once per plugin).",
      "cohere-batches/otel: starting a span failed and was ignored (reported once per plugin).",
    ]);
  });

  it("spans whose every method throws: the call and a failing call keep their outcomes", async () => {
    const span = new Proxy({}, { get: (_, key) => broken(`span.${String(key)}`) });
    const tracer = { startSpan: () => span } as unknown as Tracer;
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const warnings = await warnedDuring(async () => {
      expect((await client.batches.list()).batches).toBeDefined();
      await expect(client.batches.retrieve("no-such-batch")).rejects.toBeInstanceOf(NotFoundError);
    });
    expect(new Set(warnings)).toEqual(
      new Set([
        "cohere-batches/otel: writing traceparent failed and was ignored (reported once per plugin).",
        "cohere-batches/otel: recording the response on a span failed and was ignored (reported once per plugin).",
        "cohere-batches/otel: recording the error on a span failed and was ignored (reported once per plugin).",
        "cohere-batches/otel: ending a span failed and was ignored (reported once per plugin).",
      ]),
    );
  });

  it("a context manager that throws: the call is sent once and succeeds", async () => {
    await withContextManager(
      async () => {
        const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
        const sent = server.fake.requests.length;
        const warnings = await warnedDuring(async () => {
          expect((await client.batches.list()).batches).toBeDefined();
        });
        expect(server.fake.requests.length - sent).toBe(1);
        // (The SDK's span processor exports through the same manager, so no span reaches the exporter.)
        expect(warnings).toContain(
          "cohere-batches/otel: activating the call span failed and was ignored (reported once per plugin).",
        );
        expect(warnings).toContain(
          "cohere-batches/otel: activating the attempt span failed and was ignored (reported once per plugin).",
        );
      },
      contextManager(() => ROOT_CONTEXT, broken("with")),
    );
  });

  /** Runs `work`, collecting the process's unhandled rejections (which would crash Node). */
  async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 30));
      return unhandled;
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  }

  it("a console.warn that throws loses the report of a rejected end(), not the call: nothing unhandled", async () => {
    const span = {
      spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }),
      setAttribute() {
        return this;
      },
      setStatus() {
        return this;
      },
      end: () => Promise.reject(new Error("exporter down")),
    };
    const tracer = { startSpan: () => span } as unknown as Tracer;
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {
      throw new Error("console is broken");
    });
    try {
      const unhandled = await unhandledDuring(async () => {
        expect((await client.batches.list()).batches).toBeDefined();
      });
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  /**
   * A `list` (and, unless `only: "list"`, a `retrieve` that fails) through the plugin on
   * `tracer`, then a moment for late rejections: what went unhandled, and what was warned.
   */
  async function callsThrough(tracer: Tracer, only?: "list") {
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })], maxRetries: 0 });
    let warnings: string[] = [];
    const unhandled = await unhandledDuring(async () => {
      warnings = await warnedDuring(async () => {
        expect((await client.batches.list()).batches).toBeDefined();
        if (only === undefined)
          await expect(client.batches.retrieve("no-such-batch")).rejects.toBeInstanceOf(NotFoundError);
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
    });
    return { unhandled, warnings };
  }

  it("spans whose methods return rejecting promises (an async exporter): reported, never unhandled", async () => {
    const rejecting = () => Promise.reject(new Error("exporter down"));
    const span = {
      spanContext: () => ({ traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 }),
      setAttribute: rejecting,
      setStatus: rejecting,
      end: rejecting,
    };
    for (const tracer of [{ startSpan: () => span }, { startSpan: rejecting }] as unknown as Tracer[]) {
      const { unhandled, warnings } = await callsThrough(tracer);
      expect(unhandled).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
    }
  });

  it("a span whose promises are of a subclass whose then throws, beside native ones, or whose context is a promise: nothing unhandled", async () => {
    class Odd<T> extends Promise<T> {
      // biome-ignore lint/suspicious/noThenProperty: the hostile span's promises
      override then(): never {
        throw new Error("odd then");
      }
    }
    const oddRejection = () => Odd.reject(new Error("odd subclass rejection"));
    const rejecting = () => Promise.reject(new Error("exporter down"));
    const valid = { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 };
    const spans = [
      { spanContext: () => valid, setAttribute: oddRejection, setStatus: rejecting, end: rejecting },
      { spanContext: rejecting, setAttribute: rejecting, setStatus: rejecting, end: rejecting },
      {
        spanContext: () => ({ ...valid, traceState: { serialize: rejecting } }),
        setAttribute: () => undefined,
        setStatus: () => undefined,
        end: () => undefined,
      },
    ];
    for (const span of spans) {
      const { unhandled } = await callsThrough({ startSpan: () => span } as unknown as Tracer);
      expect(unhandled).toEqual([]);
      expect(server.fake.requests.at(-1)!.headers.tracestate).toBeUndefined();
    }
  });

  it("span methods answering with another realm's rejected promises (node:vm): reported, never unhandled", async () => {
    const realm = createContext({});
    const foreign = () => runInContext('Promise.reject(new Error("foreign realm rejection"))', realm) as unknown;
    const valid = { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 };
    const span = { spanContext: () => valid, setAttribute: foreign, setStatus: foreign, end: foreign };
    for (const tracer of [{ startSpan: () => span }, { startSpan: foreign }] as unknown as Tracer[]) {
      const { unhandled, warnings } = await callsThrough(tracer, "list");
      expect(unhandled).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
    }
  });

  it.each([
    [
      "calls the callback twice",
      (fn: () => unknown) => {
        fn();
        return fn();
      },
    ],
    ["calls it later, not at once", (fn: () => unknown) => void queueMicrotask(() => void fn())],
    ["never calls it and returns junk", () => 42],
    ["never calls it and returns a rejected promise", () => Promise.reject(new Error("ctx boom"))],
    [
      "keeps the context until the callback's promise settles",
      (fn: () => unknown) => Promise.resolve(fn()).finally(() => {}),
    ],
  ])(
    "a context manager that %s: one create is sent, the call keeps its outcome, nothing unhandled",
    async (_, withFn) => {
      await withContextManager(
        async () => {
          // Spans exported by no processor: the SDK's own processor runs its export through the
          // manager too, and would leave that manager's rejections unhandled itself.
          const tracer = new BasicTracerProvider().getTracer("unexported");
          const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
          const unhandled = await unhandledDuring(async () => {
            await warnedDuring(async () => {
              const { batch } = await client.batches.create({ name: "n", input_dataset_id: "d", model: "m" });
              expect(batch.id).toBeDefined();
              await expect(client.batches.retrieve("no-such-batch")).rejects.toBeInstanceOf(NotFoundError);
            });
          });
          expect(server.fake.count("create")).toBe(1);
          expect(server.fake.count("retrieve")).toBe(1);
          expect(unhandled).toEqual([]);
        },
        contextManager(
          () => ROOT_CONTEXT,
          (_, fn) => withFn(fn),
        ),
      );
    },
  );

  it("a context manager whose active() throws: spans are still made, a root call span and its attempt, and traceparent sent; reported once", async () => {
    // The SDK's span processors export through the context manager too (and fail with it): a
    // processor of the test's own sees the spans end.
    const ended: ReadableSpan[] = [];
    const recording = new BasicTracerProvider({
      spanProcessors: [
        {
          onStart: () => {},
          onEnd: (span: ReadableSpan) => void ended.push(span),
          forceFlush: async () => {},
          shutdown: async () => {},
        },
      ],
    }).getTracer("recording");
    await withContextManager(
      async () => {
        const client = server.client({ middleware: [openTelemetryPlugin({ tracer: recording })] });
        const sent = server.fake.requests.length;
        const warnings = await warnedDuring(async () => {
          await client.batches.list();
          await client.batches.list();
        });
        expect(warnings).toEqual([
          "cohere-batches/otel: reading the active context failed and was ignored (reported once per plugin).",
        ]);
        expect(ended).toHaveLength(4);
        const calls = ended.filter((span) => span.kind === SpanKind.INTERNAL);
        const attempts = ended.filter((span) => span.kind === SpanKind.CLIENT);
        expect(calls.map((span) => span.parentSpanContext)).toEqual([undefined, undefined]);
        expect(attempts.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(
          calls.map((span) => span.spanContext().spanId).sort(),
        );
        expect(attempts.map((span) => span.attributes["http.response.status_code"])).toEqual([200, 200]);
        expect(server.fake.requests.slice(sent).map((request) => request.headers.traceparent)).toEqual(
          attempts.map((span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`),
        );
      },
      contextManager(broken("active"), (_, fn) => fn()),
    );
  });
});

describe("cohere-batches/otel: what a span says", () => {
  it("url.full shows no page token (the server's text, which may echo the key) nor a caller's extra query values", async () => {
    server.fake.addBatches(3);
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer })] });
    for await (const _ of client.batches.listAll({ page_size: 2 }, { queryParams: { secret: "s3cr3t" } })) void _;
    const urls = spans()
      .filter((span) => span.kind === SpanKind.CLIENT)
      .map((span) => String(span.attributes["url.full"]));
    expect(urls).toHaveLength(2);
    expect(urls[0]).toBe(`${server.url}/v2/batches?page_size=2&secret=REDACTED`);
    expect(urls[1]).toMatch(/\?page_size=2&page_token=REDACTED&secret=REDACTED$/);
    expect(server.fake.requests.at(-1)!.url).toMatch(/page_token=(?!REDACTED)/);
  });

  it("keeps a plain URL as it is", async () => {
    await server.client({ middleware: [openTelemetryPlugin({ tracer })] }).batches.list({ page_size: 5 });
    expect(spans()[0]!.attributes["url.full"]).toBe(`${server.url}/v2/batches?page_size=5`);
  });

  it("a trace state that throws as it is serialised: the caller's tracestate is not sent either", async () => {
    const valid = { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 };
    const state = {
      serialize: () => {
        throw new Error("broken state");
      },
    };
    const span = {
      spanContext: () => ({ ...valid, traceState: state }),
      setAttribute: () => undefined,
      setStatus: () => undefined,
      end: () => undefined,
    };
    const tracer = { startSpan: () => span } as unknown as Tracer;
    const headers = { traceparent: `00-${"c".repeat(32)}-${"d".repeat(16)}-01`, tracestate: "caller=stale" };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await server.client({ middleware: [openTelemetryPlugin({ tracer })], headers }).batches.list();
    } finally {
      warn.mockRestore();
    }
    const sent = server.fake.requests.at(-1)!.headers;
    expect(sent.traceparent).toBe(`00-${"a".repeat(32)}-${"b".repeat(16)}-01`);
    expect(sent.tracestate).toBeUndefined();
  });

  it("no span to propagate (no OpenTelemetry SDK installed): the caller's traceparent and tracestate go as they are", async () => {
    const headers = { traceparent: `00-${"c".repeat(32)}-${"d".repeat(16)}-01`, tracestate: "caller=mine" };
    await server.client({ middleware: [openTelemetryPlugin()], headers }).batches.list();
    const sent = server.fake.requests.at(-1)!.headers;
    expect(sent.traceparent).toBe(headers.traceparent);
    expect(sent.tracestate).toBe("caller=mine");
  });

  it("a caller's tracestate, of another trace, is not sent with the attempt's traceparent", async () => {
    const headers = { traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01`, tracestate: "foo=bar" };
    await server.client({ middleware: [openTelemetryPlugin({ tracer })], headers }).batches.list();
    const sent = server.fake.requests.at(-1)!.headers;
    expect(sent.traceparent).toBe(`00-${spans()[0]!.spanContext().traceId}-${spans()[0]!.spanContext().spanId}-01`);
    expect(sent.tracestate).toBeUndefined();
  });
});

describe("cohere-batches/otel: its options, its instances, the active span", () => {
  it("refuses options that are not what OpenTelemetryOptions says, typed, as the other built-in plugins do", () => {
    const throwing = Object.defineProperty({}, "tracer", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const trapped = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    for (const [options, message] of [
      [null, "must be an object { tracer?, propagate? } (got null)"],
      [[], "must be an object { tracer?, propagate? } (got an array)"],
      // A misspelt key left traceparent on, though the caller meant to turn it off.
      [{ propagte: false }, '"propagte" is not a known option (tracer, propagate)'],
      [{ propagate: "no" }, "propagate must be a boolean (got string)"],
      [{ tracer: 5 }, "tracer must be an OpenTelemetry Tracer (with startSpan)"],
      [throwing, "they could not be read"],
      // A Proxy's trap that throws, or a revoked Proxy: typed too, not the trap's own error.
      [revoked, "they could not be read"],
      [{ tracer: trapped }, "tracer could not be read (its startSpan threw)"],
      [{ tracer: revoked }, "tracer could not be read (its startSpan threw)"],
    ] as const) {
      const refused = (() => {
        try {
          openTelemetryPlugin(options as never);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(CohereError);
      expect((refused as Error).message).toBe(`Invalid openTelemetryPlugin options: ${message}`);
    }
  });

  it("two plugins, two providers: each attempt span is the child of its own plugin's call span", async () => {
    const other = new InMemorySpanExporter();
    const otherTracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(other)] }).getTracer("b");
    const client = server.client({
      middleware: [openTelemetryPlugin({ tracer }), openTelemetryPlugin({ tracer: otherTracer, propagate: false })],
    });
    await client.batches.list();
    for (const exported of [spans(), other.getFinishedSpans()]) {
      const [attempt, call] = exported;
      expect(exported).toHaveLength(2);
      expect(attempt!.kind).toBe(SpanKind.CLIENT);
      // The second plugin's call span was the parent of the first's attempt span (one key for both).
      expect(attempt!.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
    }
  });

  it("the attempt span is the active span while the request is sent: a fetch instrumentation's span is its child", async () => {
    await withContextManager(async () => {
      let activeInFetch: string | undefined;
      const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        activeInFetch = trace.getActiveSpan()?.spanContext().spanId;
        return globalThis.fetch(input, init);
      };
      await server.client({ fetch, middleware: [openTelemetryPlugin({ tracer })] }).batches.list();
      const [attempt] = spans();
      expect(attempt!.kind).toBe(SpanKind.CLIENT);
      expect(activeInFetch).toBe(attempt!.spanContext().spanId);
    });
  });

  it("hedges: each send after the first is a resend, and a loser cut short has no status of the winner's", async () => {
    // An attempt-phase hedge before the plugin: the first request waits 2 s for its headers, the
    // second answers at once. The loser's span said 200 (the winner's), and neither said resend.
    const { batch } = await server.client().batches.create({ name: "n", input_dataset_id: "d", model: "m" });
    server.fake.inject("retrieve", { type: "delay", ms: 2_000 });
    const hedge = {
      name: "hedge",
      attempt: async (request: Request, next: (request: Request) => Promise<Response>) =>
        Promise.any(await sendTwice(request, next)),
    };
    await server.client({ middleware: [hedge, openTelemetryPlugin({ tracer })] }).batches.retrieve(batch.id!);
    await vi.waitFor(() => expect(spans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(2));
    const sentAs = server.fake.requests.slice(-2).map((request) => request.headers.traceparent?.split("-")[2]);
    const clientSpans = spans().filter((span) => span.kind === SpanKind.CLIENT);
    const loser = clientSpans.find((span) => span.spanContext().spanId === sentAs[0])!;
    const winner = clientSpans.find((span) => span.spanContext().spanId === sentAs[1])!;
    expect(loser.attributes["http.response.status_code"]).toBeUndefined();
    expect(loser.attributes["http.request.resend_count"]).toBeUndefined();
    expect(winner.attributes).toMatchObject({ "http.response.status_code": 200, "http.request.resend_count": 1 });
  });

  it("a call-phase hedge before the plugin: each run's retry is the child of its own run's call span", async () => {
    await withContextManager(async () => {
      const { batch } = await server.client().batches.create({ name: "n", input_dataset_id: "d", model: "m" });
      // The first run's first attempt gets a 503 and retries after the second run has started.
      server.fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 150 });
      const hedge = {
        name: "hedge",
        call: async (request: Request, next: (request: Request) => Promise<Response>) => {
          const sends = await sendTwice(request, next);
          await Promise.allSettled(sends);
          return sends[0];
        },
      };
      await server.client({ middleware: [hedge, openTelemetryPlugin({ tracer })] }).batches.retrieve(batch.id!);
      const calls = spans().filter((span) => span.kind === SpanKind.INTERNAL);
      const attempts = spans().filter((span) => span.kind === SpanKind.CLIENT);
      expect([calls.length, attempts.length]).toEqual([2, 3]);
      const [firstSent, , retry] = server.fake.requests.slice(-3).map((r) => r.headers.traceparent?.split("-")[2]);
      const parentOf = (spanId: string | undefined) =>
        attempts.find((span) => span.spanContext().spanId === spanId)?.parentSpanContext?.spanId;
      // The retry belongs to the run whose first attempt got the 503.
      expect(parentOf(retry)).toBe(parentOf(firstSent));
      expect(attempts.map((span) => span.attributes["http.request.resend_count"]).sort()).toEqual([1, 2, undefined]);
    });
  });

  it("a queue before the plugin that carries one call's context into another's: each attempt stays its own call's", async () => {
    // A concurrency-1 queue that starts queued work when the previous job ends (as hand-written
    // rate limiters do) runs the second call's next() in the first call's async context.
    await withContextManager(async () => {
      const { batch } = await server.client().batches.create({ name: "n", input_dataset_id: "d", model: "m" });
      const queue: (() => void)[] = [];
      let busy = false;
      const pump = () => {
        if (busy) return;
        const job = queue.shift();
        if (job === undefined) return;
        busy = true;
        job();
      };
      const limiter = {
        name: "limiter",
        attempt: (request: Request, next: (request: Request) => Promise<Response>) =>
          new Promise<Response>((resolve, reject) => {
            queue.push(() =>
              next(request)
                .then(resolve, reject)
                .finally(() => {
                  busy = false;
                  pump();
                }),
            );
            pump();
          }),
      };
      const client = server.client({ middleware: [limiter, openTelemetryPlugin({ tracer })] });
      await Promise.all([client.batches.retrieve(batch.id!), client.batches.retrieve(batch.id!)]);
      const calls = spans().filter((span) => span.kind === SpanKind.INTERNAL);
      const attempts = spans().filter((span) => span.kind === SpanKind.CLIENT);
      expect(attempts.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(
        calls.map((span) => span.spanContext().spanId).sort(),
      );
      const traces = server.fake.requests.slice(-2).map((r) => r.headers.traceparent?.split("-")[1]);
      expect(new Set(traces).size).toBe(2);
    });
  });

  it("a second send of a plugin's in the same attempt, dropped, has no status of the first's", async () => {
    const { batch } = await server.client().batches.create({ name: "n", input_dataset_id: "d", model: "m" });
    server.fake.inject("retrieve", { type: "reset-mid-body" }, { times: 1 });
    server.fake.inject("retrieve", { type: "drop" }, { times: 1 });
    const resendOnce = {
      name: "resend-once",
      attempt: async (request: Request, next: (request: Request) => Promise<Response>) => {
        try {
          return await next(request.clone());
        } catch {
          return await next(request.clone());
        }
      },
    };
    const client = server.client({ middleware: [resendOnce, openTelemetryPlugin({ tracer })], maxRetries: 0 });
    await expect(client.batches.retrieve(batch.id!)).rejects.toThrow();
    const [first, second] = server.fake.requests.slice(-2).map((r) => r.headers.traceparent?.split("-")[2]);
    const attempts = spans().filter((span) => span.kind === SpanKind.CLIENT);
    const of = (spanId: string | undefined) => attempts.find((span) => span.spanContext().spanId === spanId)!;
    expect(of(first).attributes["http.response.status_code"]).toBe(200);
    expect(of(second).attributes["http.response.status_code"]).toBeUndefined();
    expect(of(second).attributes["http.request.resend_count"]).toBe(1);
  });

  it("another plugin that copies or freezes the call's state costs the telemetry nothing, nor the call", async () => {
    const copier = {
      name: "copier",
      call: (request: Request, next: (request: Request) => Promise<Response>, context: MiddlewareContext) => {
        for (const key of Reflect.ownKeys(context.state)) context.state[key] = { ...(context.state[key] as object) };
        Object.freeze(context.state);
        return next(request);
      },
    };
    server.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    const client = server.client({ middleware: [openTelemetryPlugin({ tracer }), copier] });
    await expect(client.batches.list()).resolves.toBeDefined();
    const attempts = spans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(attempts.map((span) => span.attributes["http.request.resend_count"])).toEqual([undefined, 1]);
  });

  it("server.address is an IPv6 address without the URL's brackets", async () => {
    const fetch = async () => Response.json({ batches: [] });
    await server
      .client({ baseUrl: "http://[::1]:4242", fetch, middleware: [openTelemetryPlugin({ tracer })] })
      .batches.list();
    expect(spans()[0]!.attributes).toMatchObject({ "server.address": "::1", "server.port": 4242 });
  });

  it("a tracer's trace state past 512 characters is cut at an entry's end: a huge one made the server answer 431", async () => {
    const entries = Array.from({ length: 40 }, (_, i) => `vendor${i}=${"x".repeat(20)}`);
    const span = {
      spanContext: () => ({
        traceId: "a".repeat(32),
        spanId: "b".repeat(16),
        traceFlags: 1,
        traceState: { serialize: () => entries.join(",") },
      }),
      setAttribute: () => undefined,
      setStatus: () => undefined,
      end: () => undefined,
    };
    const tracer = { startSpan: () => span } as unknown as Tracer;
    await server.client({ middleware: [openTelemetryPlugin({ tracer })] }).batches.list();
    const sent = String(server.fake.requests.at(-1)!.headers.tracestate);
    expect(sent.length).toBeLessThanOrEqual(512);
    expect(sent).toBe(entries.slice(0, sent.split(",").length).join(","));
    expect(sent.split(",").length).toBe(Math.floor(513 / (entries[0]!.length + 1)));
  });

  it("entries over 128 characters go first when a trace state is cut (W3C): a long first one took all with it", async () => {
    const long = `big=${"y".repeat(600)}`;
    const span = {
      spanContext: () => ({
        traceId: "a".repeat(32),
        spanId: "b".repeat(16),
        traceFlags: 1,
        traceState: { serialize: () => [long, "b=1", `c=${"z".repeat(130)}`, "d=2"].join(",") },
      }),
      setAttribute: () => undefined,
      setStatus: () => undefined,
      end: () => undefined,
    };
    const tracer = { startSpan: () => span } as unknown as Tracer;
    await server.client({ middleware: [openTelemetryPlugin({ tracer })] }).batches.list();
    expect(server.fake.requests.at(-1)!.headers.tracestate).toBe("b=1,d=2");
  });

  it("a trace state cut to nothing is not sent: no empty header, no commas in place of entries", async () => {
    for (const [state, sent] of [
      [`big=${"y".repeat(600)}`, undefined],
      [Array.from({ length: 5 }, (_, i) => `k${i}=${"v".repeat(130)}`).join(","), undefined],
      [`${",".repeat(600)}a=1`, "a=1"],
    ] as const) {
      const span = {
        spanContext: () => ({
          traceId: "a".repeat(32),
          spanId: "b".repeat(16),
          traceFlags: 1,
          traceState: { serialize: () => state },
        }),
        setAttribute: () => undefined,
        setStatus: () => undefined,
        end: () => undefined,
      };
      const tracer = { startSpan: () => span } as unknown as Tracer;
      await server.client({ middleware: [openTelemetryPlugin({ tracer })] }).batches.list();
      expect(server.fake.requests.at(-1)!.headers.tracestate).toBe(sent);
    }
  });

  it("a global provider whose getTracer throws: the plugin is built, warns once, and calls go on", async () => {
    trace.setGlobalTracerProvider({
      getTracer: () => {
        throw new Error("no tracer today");
      },
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const client = server.client({ middleware: [openTelemetryPlugin()] });
      await client.batches.list();
      await client.batches.list();
      expect(warn.mock.calls.map(([message]) => message)).toEqual([
        "cohere-batches/otel: getting the tracer failed and was ignored (reported once per plugin).",
      ]);
    } finally {
      warn.mockRestore();
      trace.disable();
    }
  });
});
