// Users' plugins run for each results part download (API.md section 9: `datasets.download`), in
// both phases, while nothing of the client's reaches the storage host (section 10): no header of
// the SDK's, a plugin's Authorization refused before sending, the signed URL's query out of the
// SDK's own log lines, spans and messages.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  CohereAbortError,
  CohereConnectionError,
  CohereError,
  type Logger,
  loggingMiddleware,
  type MiddlewareContext,
  type MiddlewarePlugin,
  rateLimitMiddleware,
  tracingMiddleware,
} from "../../src/index.js";
import { openTelemetryPlugin } from "../../src/otel/index.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";
import { everythingShown } from "../helpers/error-text.js";

const env = useResultsFake();

interface Seen {
  phase: "call" | "attempt";
  operation: string;
  via: string | undefined;
  route: string;
  attempt: number;
  state: MiddlewareContext["state"];
}

/** A plugin with a handler in each phase that records what it sees of each download. */
function recorder(seen: Seen[], bodies: boolean[] = []): MiddlewarePlugin {
  const record = (phase: Seen["phase"], context: MiddlewareContext) => {
    if (context.operation !== "datasets.download") return;
    const { operation, via, route, attempt, state } = context;
    seen.push({ phase, operation, via, route, attempt, state });
  };
  return {
    name: "recorder",
    call: async (request, next, context) => {
      record("call", context);
      const response = await next(request);
      if (context.operation === "datasets.download") bodies.push(response.ok && !response.bodyUsed);
      return response;
    },
    attempt: (request, next, context) => {
      record("attempt", context);
      return next(request);
    },
  };
}

/** The signature values of the download URLs the fake served. */
function signatures(): string[] {
  const values = env.fake.requests
    .filter((r) => r.operation === "datasets.download")
    .map((r) => new URL(r.url).searchParams.get("signature") as string);
  expect(values.length).toBeGreaterThan(0);
  return values;
}

describe("users' plugins on downloads", () => {
  it("a call-phase and an attempt-phase handler see datasets.download, via results, for each part, one state per call", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.reset();
    const seen: Seen[] = [];
    const bodies: boolean[] = [];
    const client = env.client({ middleware: [recorder(seen, bodies)] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(30);
    expect(seen.map(({ phase }) => phase)).toEqual(["call", "attempt", "call", "attempt", "call", "attempt"]);
    for (const entry of seen)
      expect(entry).toMatchObject({
        operation: "datasets.download",
        via: "results",
        route: "{signed-url}",
        attempt: 1,
      });
    // One state per call, shared by its two handlers; each part's call its own.
    const states = new Set(seen.map(({ state }) => state));
    expect(states.size).toBe(3);
    for (let i = 0; i < 6; i += 2) expect(seen[i]?.state).toBe(seen[i + 1]?.state);
    // The call-phase next() resolved with the streamed response, its body unread for the decoder.
    expect(bodies).toEqual([true, true, true]);
  });

  it("an attempt-phase handler sees each attempt of a retried download, in the same call's state", async () => {
    const batch = await env.completedBatch(embedRequests(10));
    env.fake.inject("datasets.download", { type: "status", status: 503, retryAfter: "0" });
    const seen: Seen[] = [];
    const client = env.client({ middleware: [recorder(seen)] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(10);
    const first = seen.slice(0, 3);
    expect(first.map(({ phase, attempt }) => [phase, attempt])).toEqual([
      ["call", 1],
      ["attempt", 1],
      ["attempt", 2],
    ]);
    expect(new Set(first.map(({ state }) => state)).size).toBe(1);
  });

  it("plugins pass the part on as a stream: it is not buffered, and maxResponseBytes does not apply to it", async () => {
    const batch = await env.completedBatch(embedRequests(3000));
    const passThrough: MiddlewarePlugin = { name: "pass", call: (r, next) => next(r), attempt: (r, next) => next(r) };
    const client = env.client({ maxResponseBytes: 8192, middleware: [passThrough] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(3000);
  });

  it("a plugin added by use() after a download runs for the next downloads", async () => {
    const batch = await env.completedBatch(embedRequests(10));
    const client = env.client();
    await collect(client.batches.results(batch.id as string));
    const seen: Seen[] = [];
    client.use(recorder(seen));
    await collect(client.batches.results(batch.id as string));
    expect(seen.filter(({ phase }) => phase === "attempt")).toHaveLength(3);
  });

  it("describeMiddleware() lists the call pipeline, unchanged by downloads", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    const client = env.client({ logLevel: "info", logger: quietLogger(), middleware: [recorder([])] });
    const expected = [
      ["request-options", "call", true],
      ["recorder", "call", false],
      ["retry", "call", true],
      ["timeout", "attempt", true],
      ["error-mapping", "attempt", true],
      ["auth", "attempt", true],
      ["logging", "attempt", true],
      ["recorder", "attempt", false],
      ["transport", "attempt", true],
    ];
    const listed = () => client.describeMiddleware().map(({ name, phase, builtIn }) => [name, phase, builtIn]);
    expect(listed()).toEqual(expected);
    await collect(client.batches.results(batch.id as string));
    expect(listed()).toEqual(expected);
  });
});

describe("nothing of the client's reaches the storage host", () => {
  const setsAuthorization = (phase: "call" | "attempt"): MiddlewarePlugin => ({
    name: `authorizer-${phase}`,
    phase,
    handle: (request, next) => {
      request.headers.set("Authorization", "Bearer test-token");
      return next(request);
    },
  });

  for (const phase of ["call", "attempt"] as const) {
    it(`a ${phase}-phase plugin that sets Authorization fails the download before sending, not retried`, async () => {
      const batch = await env.completedBatch(embedRequests(5));
      env.fake.reset();
      const client = env.client({ middleware: [setsAuthorization(phase)] });
      const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).constructor).toBe(CohereError);
      const message = (error as Error).message;
      expect(message).toMatch(/plugin set Authorization on a download of a signed URL/);
      expect(message).toContain('context.operation === "datasets.download"');
      // The API calls went (the plugin's header is Cohere's own there); the part was never requested.
      expect(env.fake.count("retrieve")).toBe(1);
      expect(env.fake.count("datasets.download")).toBe(0);
      expect(env.fake.downloadAuthorizations).toEqual([]);
    });
  }

  // API.md 10: never any Cohere header: a plugin written for Cohere's API that adds one of them,
  // or another credential, or sends the signed URL elsewhere (a gateway), is stopped before sending.
  const withHeader = (name: string, value: string) => (request: Request) => {
    request.headers.set(name, value);
    return request;
  };
  const cases: [string, (request: Request) => Request][] = [
    ["Proxy-Authorization", withHeader("Proxy-Authorization", "Bearer test-token")],
    ["Cookie", withHeader("Cookie", "session=test-token")],
    ["X-Client-Name", withHeader("X-Client-Name", "my-app")],
    ["Idempotency-Key", withHeader("Idempotency-Key", "k-1")],
    ["X-Team (one of the client's headers)", withHeader("X-Team", "search")],
    ["another origin", (r) => new Request(r.url.replace(/^http:\/\/[^/]+/, "http://127.0.0.1:9"), r)],
  ];
  for (const [what, change] of cases) {
    it(`a plugin that adds ${what} to a download fails it before sending`, async () => {
      const batch = await env.completedBatch(embedRequests(5));
      env.fake.reset();
      const adds: MiddlewarePlugin = {
        name: "adds",
        handle: (request, next, context) => next(context.operation === "datasets.download" ? change(request) : request),
      };
      const client = env.client({ middleware: [adds], headers: { "X-Team": "search" } });
      const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
      expect(CohereError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/download of a signed URL/);
      expect((error as Error).message).toContain('context.operation === "datasets.download"');
      expect(env.fake.count("datasets.download")).toBe(0);
    });
  }

  it("a plugin that skips datasets.download keeps its header on API calls and off the storage host", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    let skipped = 0;
    const gatewayHeader: MiddlewarePlugin = {
      name: "gateway",
      handle: (request, next, context) => {
        if (context.operation === "datasets.download") {
          skipped++;
          return next(request);
        }
        request.headers.set("X-Gateway", "g-1");
        return next(request);
      },
    };
    const client = env.client({ middleware: [gatewayHeader] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
    const downloads = env.fake.requests.filter((r) => r.operation === "datasets.download");
    expect(downloads).toHaveLength(3);
    expect(skipped).toBe(3);
    for (const { headers } of downloads) expect(headers["x-gateway"]).toBeUndefined();
    expect(env.fake.requests.find((r) => r.operation === "retrieve")?.headers["x-gateway"]).toBe("g-1");
  });

  it("tracingMiddleware does not tag downloads, and rateLimitMiddleware does not count them against Cohere's rate", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    // Two slots, then one a minute: the two API calls of results() take them; a download that
    // waited for a slot would hold the test for minutes.
    const limit = rateLimitMiddleware({ requestsPerMinute: 1, burst: 2 });
    const client = env.client({ middleware: [limit, tracingMiddleware()] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
    for (const { operation, headers } of env.fake.requests) {
      const tagged = headers["x-client-request-id"] !== undefined || headers["x-client-attempt-id"] !== undefined;
      expect([operation, tagged]).toEqual([operation, operation !== "datasets.download"]);
    }
    expect(env.fake.count("datasets.download")).toBe(3);
  });

  it("log lines of downloads carry no query value of the signed URL, even one the options allow", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const lines: unknown[] = [];
    const logger = recordingLogger(lines);
    const client = env.client({
      logLevel: "debug",
      logger,
      middleware: [loggingMiddleware({ logger, level: "debug", allowedQueryParameters: ["signature", "expires"] })],
    });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
    const text = JSON.stringify(lines);
    // Both loggers (the logLevel one, the plugin) logged each of the three parts.
    expect(text.match(/"operation":"datasets.download"/g)).toHaveLength(6);
    expect(text).toContain("?expires=REDACTED&signature=REDACTED");
    for (const signature of signatures()) expect(text).not.toContain(signature);
  });

  it("OpenTelemetry records download spans with url.full redacted, and sends no traceparent to the storage host", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
    const client = env.client({ middleware: [openTelemetryPlugin({ tracer })] });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
    const downloads = exporter.getFinishedSpans().filter((span) => span.name === "GET {signed-url}");
    // A call span and an attempt span per part.
    expect(downloads).toHaveLength(6);
    const attempts = downloads.filter((span) => span.attributes["url.full"] !== undefined);
    expect(attempts).toHaveLength(3);
    for (const span of attempts)
      expect(span.attributes["url.full"]).toMatch(/\/part-\d\.avro\?expires=REDACTED&signature=REDACTED$/);
    const text = JSON.stringify(downloads.map((span) => span.attributes));
    for (const signature of signatures()) expect(text).not.toContain(signature);
    for (const request of env.fake.requests) {
      if (request.operation === "datasets.download") expect(request.headers.traceparent).toBeUndefined();
      else expect(request.headers.traceparent).toMatch(/^00-/);
    }
  });

  it("a plugin's failure that quotes the signed URL reaches the caller without its query values", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const quoting: MiddlewarePlugin = {
      name: "quoting",
      handle: (request, _next, context) => {
        if (context.operation === "datasets.download") throw new Error(`cannot fetch ${request.url}`);
        return _next(request);
      },
    };
    const error = await collect(env.client({ middleware: [quoting] }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(
      /^datasets\.download \(GET part 0 \(part-0\.avro\) of dataset [^)]+\): Middleware "quoting" failed: cannot fetch .+\/part-0\.avro\?expires=/,
    );
    expect((error as Error).message).toContain("signature=[REDACTED]");
    expect((error as { cause?: unknown }).cause).toBeUndefined();
  });
});

describe("a download's signed URL, quoted or echoed back", () => {
  it.each(["call", "attempt"] as const)(
    "a %s-phase plugin's CohereError subclass quoting request.url reaches the caller as thrown, without the query values in its message, stack, toJSON, inspect, a span's status or a log line",
    async (phase) => {
      const batch = await env.completedBatch(embedRequests(5));
      env.fake.reset();
      const thrown: Error[] = [];
      const secrets: string[] = [];
      const mirror: MiddlewarePlugin = {
        name: "mirror",
        phase,
        handle: (request, next, context) => {
          if (context.operation !== "datasets.download") return next(request);
          secrets.push(...new URL(request.url).searchParams.values());
          const error = new CohereConnectionError(`mirror unreachable for ${request.url}`);
          thrown.push(error);
          throw error;
        },
      };
      const exporter = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
      const lines: unknown[] = [];
      const client = env.client({
        maxRetries: 0,
        logLevel: "debug",
        logger: recordingLogger(lines),
        middleware: [openTelemetryPlugin({ tracer }), mirror],
      });
      const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
      // The class and the object are the plugin's (users match on them).
      expect(error).toBeInstanceOf(CohereConnectionError);
      expect(error).toBe(thrown[0]);
      expect((error as Error).message).toMatch(
        /mirror unreachable for .+\/part-0\.avro\?expires=\[REDACTED\]&signature=\[REDACTED\]; 1 attempt made$/,
      );
      const statuses = exporter.getFinishedSpans().map((span) => span.status.message ?? "");
      expect(statuses.join("\n")).toContain("signature=[REDACTED]");
      expect(secrets).toHaveLength(2); // expires and signature
      const text = [everythingShown(error), statuses.join("\n"), JSON.stringify(lines)].join("\n");
      for (const secret of secrets) expect(text).not.toContain(secret);
    },
  );

  it.each([200, 403])(
    "a storage host that echoes the signature in x-request-id and content-type (status %i) has it redacted in the log lines",
    async (status) => {
      const batch = await env.completedBatch(embedRequests(5));
      env.fake.reset();
      const signatures: string[] = [];
      // A storage host (here a fetch in front of the fake's) that puts the signature in headers the log shows.
      const echoing = async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const signature = new URL(request.url).searchParams.get("signature");
        if (signature === null) return fetch(request);
        signatures.push(signature);
        const answer = status === 200 ? await fetch(request) : new Response("no", { status });
        const headers = new Headers(answer.headers);
        headers.set("content-type", `${status === 200 ? "avro/binary" : "text/plain"}; sig=${signature}`);
        headers.set("x-request-id", `req-${signature}`);
        return new Response(answer.body, { status, headers });
      };
      const lines: unknown[] = [];
      const logger = recordingLogger(lines);
      const client = env.client({
        maxRetries: 0,
        fetch: echoing,
        logLevel: "debug",
        logger,
        middleware: [loggingMiddleware({ logger, level: "debug" })],
      });
      await collect(client.batches.results(batch.id as string)).catch(() => undefined);
      expect(signatures.length).toBeGreaterThan(0);
      const text = JSON.stringify(lines);
      expect(text).toContain('"x-request-id":"req-[REDACTED]"');
      expect(text).toContain('"requestId":"req-[REDACTED]"');
      expect(text).toContain("sig=[REDACTED]");
      for (const signature of signatures) expect(text).not.toContain(signature);
    },
  );
});

function quietLogger(): Logger {
  const nothing = () => {};
  return { debug: nothing, info: nothing, warn: nothing, error: nothing };
}

function recordingLogger(lines: unknown[]): Logger {
  const record = (message: string, data?: unknown) => {
    lines.push({ message, data });
  };
  return { debug: record, info: record, warn: record, error: record };
}

describe("a plugin's hold on a download ends with the call", () => {
  /** The signals the runtime's fetch is given for the storage host's parts in this test, in order. */
  function recordDownloadSignals(): AbortSignal[] {
    const signals: AbortSignal[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes(".avro") && init?.signal) signals.push(init.signal);
      return original(input, init);
    }) as typeof fetch;
    onTestFinished(() => {
      globalThis.fetch = original;
    });
    return signals;
  }

  // A cache that keeps a copy of each download: it reads a clone while it waits.
  const cloningCache: MiddlewarePlugin = {
    name: "cloning-cache",
    phase: "call",
    handle: async (request, next, context) => {
      const response = await next(request);
      if (context.operation === "datasets.download") await response.clone().arrayBuffer();
      return response;
    },
  };

  it("a plugin stalled on a clone of a stalled part: the call's end aborts the part's fetch (the connection closes)", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    env.fake.inject("datasets.download", { type: "stall-body" });
    const signals = recordDownloadSignals();
    const client = env.client({ middleware: [cloningCache], timeoutInSeconds: 0.5, maxRetries: 0 });
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect(signals.length).toBe(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("the Request a plugin is handed follows its run's signal, as an API call's does (a plugin that fetches it itself stops with the attempt)", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    env.fake.inject("datasets.download", { type: "delay", ms: 2_000 });
    const handed: AbortSignal[] = [];
    const watcher: MiddlewarePlugin = {
      name: "watcher",
      attempt: (request, next, context) => {
        if (context.operation === "datasets.download") handed.push(request.signal);
        return next(request);
      },
    };
    const client = env.client({ middleware: [watcher], timeoutInSeconds: 0.3, maxRetries: 0 });
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect(handed.length).toBe(1);
    expect(handed[0]?.aborted).toBe(true);
  });

  it("the same, ended by the caller's abort", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    env.fake.inject("datasets.download", { type: "stall-body" });
    const signals = recordDownloadSignals();
    const client = env.client({ middleware: [cloningCache], timeoutInSeconds: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 300);
    const error = await collect(client.batches.results(batch.id as string, { abortSignal: controller.signal })).catch(
      (e: unknown) => e,
    );
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    expect(signals.length).toBe(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("a response a plugin left unread (it called next() twice) is released once the part is read", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.reset();
    const twice: MiddlewarePlugin = {
      name: "twice",
      phase: "call",
      handle: async (request, next, context) => {
        if (context.operation !== "datasets.download") return next(request);
        await next(request.clone());
        return next(request);
      },
    };
    const signals = recordDownloadSignals();
    const records = await collect(env.client({ middleware: [twice] }).batches.results(batch.id as string));
    expect(records.length).toBe(30);
    // Three parts, two fetches each; every one released when its part was read.
    expect(signals.length).toBe(6);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it("a caller that leaves early is not held by a clone a plugin keeps open", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.reset();
    const keeper: MiddlewarePlugin = {
      name: "keeper",
      phase: "call",
      handle: async (request, next, context) => {
        const response = await next(request);
        // A copy it means to read later: its branch of the body stays open, uncancelled.
        if (context.operation === "datasets.download") void response.clone().body?.getReader().read();
        return response;
      },
    };
    const signals = recordDownloadSignals();
    const left = (async () => {
      for await (const _ of env.client({ middleware: [keeper] }).batches.results(batch.id as string)) break;
      return "left";
    })();
    const outcome = await Promise.race([left, new Promise((resolve) => setTimeout(resolve, 3000, "held"))]);
    expect(outcome).toBe("left");
    expect(signals.length).toBe(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  for (const phase of ["call", "attempt"] as const) {
    it(`a ${phase}-phase plugin that reads a download's body (not a clone) is a CohereError saying so`, async () => {
      const batch = await env.completedBatch(embedRequests(5));
      env.fake.reset();
      const reader: MiddlewarePlugin = {
        name: "body-logger",
        phase,
        handle: async (request, next, context) => {
          const response = await next(request);
          if (context.operation === "datasets.download") await response.text();
          return response;
        },
      };
      const error = await collect(env.client({ middleware: [reader] }).batches.results(batch.id as string)).catch(
        (e: unknown) => e,
      );
      expect(CohereError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/already read.*clone\(\)/);
    });
  }
});

describe("the end of a download's call, re-attacked", () => {
  it("a plugin that hands on a clone, and a caller that leaves early: no unhandled rejection", async () => {
    const batch = await env.completedBatch(embedRequests(300));
    env.fake.reset();
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const cloning: MiddlewarePlugin = {
        name: "return-clone",
        handle: async (request, next, context) => {
          const response = await next(request);
          return context.operation === "datasets.download" ? response.clone() : response;
        },
      };
      let read = 0;
      for await (const _ of env.client({ middleware: [cloning] }).batches.results(batch.id as string))
        if (++read === 5) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("a download retried a dozen times leaves no listener per attempt (no MaxListenersExceededWarning)", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    env.fake.inject("datasets.download", { type: "status", status: 503, retryAfter: "0" }, { times: 12 });
    const warnings: string[] = [];
    const record = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", record);
    try {
      const client = env.client({
        maxRetries: 12,
        backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 },
      });
      expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
      expect(env.fake.count("datasets.download")).toBe(15); // part 0 thirteen times, then parts 1 and 2
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings.filter((warning) => warning.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    } finally {
      process.off("warning", record);
    }
  });

  it("a plugin that changes the request after next(), with a fetch that sends later, does not get Authorization through", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const late: MiddlewarePlugin = {
      name: "late",
      handle: (request, next, context) => {
        const answer = next(request);
        if (context.operation === "datasets.download") request.headers.set("Authorization", "Bearer test-token");
        return answer;
      },
    };
    const client = env.client({
      middleware: [late],
      fetch: async (input, init) => {
        await null;
        return fetch(input, init);
      },
    });
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(5);
    expect(env.fake.downloadAuthorizations).toEqual([]);
  });
});

describe("a part's body that breaks off, quoting its signed URL", () => {
  it("reaches the caller without the signature, in message, stack, JSON and inspect", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.reset();
    // A fetch that fails the body the way node-fetch does: its message quotes the URL.
    const breaking = async (input: Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!input.url.includes(".avro")) return response;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value } = await reader.read();
          if (value) controller.enqueue(value.subarray(0, 10));
          controller.error(new Error(`Invalid response body while trying to fetch ${input.url}: Premature close`));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const client = env.client({ fetch: breaking, maxRetries: 0 });
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    const shown = everythingShown(error);
    expect(shown).toMatch(/Premature close/);
    for (const signature of signatures()) expect(shown).not.toContain(signature);
  });
});
