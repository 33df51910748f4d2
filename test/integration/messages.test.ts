import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveClientOptions } from "../../src/core/client-options.js";
import { runtime as browserRuntime } from "../../src/platform/browser.js";
import { runtime as edgeRuntime } from "../../src/platform/edge.js";
import {
  ApiError,
  CohereAbortError,
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereTimeoutError,
  NotFoundError,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

async function messageOf(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(CohereError);
    return (error as Error).message;
  }
  throw new Error("expected the call to fail");
}

describe("bad input: the message says what to write instead", () => {
  it("reports an unknown camelCase key before the missing field it stands for, with the snake_case name", async () => {
    const client = server.client();
    const request = { name: "n", inputDatasetId: "d", model: "m" } as never;
    expect(await messageOf(() => client.batches.create(request))).toBe(
      "Invalid request: inputDatasetId is not a known field; did you mean input_dataset_id?",
    );
    expect(await messageOf(() => client.batches.list({ pageSize: 10 } as never))).toBe(
      "Invalid request: pageSize is not a known field; did you mean page_size?",
    );
    expect(server.fake.requests).toHaveLength(0);
  });

  it("says a missing field is required", async () => {
    const client = server.client();
    expect(await messageOf(() => client.batches.create({} as never))).toBe("Invalid request: name is required");
    expect(await messageOf(() => client.batches.create({ name: "n", model: "m" } as never))).toBe(
      "Invalid request: input_dataset_id is required",
    );
  });

  it("suggests the camelCase client option for a snake_case one, and keeps 'misspelt?' when nothing is close", () => {
    expect(() => new CohereClient({ token: "t", base_url: "x" } as never)).toThrow(
      "Invalid client options: base_url is not a known field; did you mean baseUrl?",
    );
    expect(() => new CohereClient({ token: "t", apiKey: "x" } as never)).toThrow(
      "Invalid client options: apiKey is not a known field (misspelt?)",
    );
  });
});

describe("baseUrl: the message says how to fix it", () => {
  it.each([
    [
      "api.cohere.com",
      'Invalid baseUrl: the value is not an absolute URL; add the scheme: did you mean "https://api.cohere.com"?',
    ],
    [
      "localhost:8080",
      'Invalid baseUrl: protocol must be http: or https: (got localhost:); add the scheme: did you mean "http://localhost:8080"?',
    ],
    [
      "https://api.cohere.com/v2",
      'Invalid baseUrl: "https://api.cohere.com/v2" ends in /v2, but every path already starts with its version (/v2/batches, /v1/datasets); pass "https://api.cohere.com"',
    ],
    [
      "https://proxy.example/cohere/v1/",
      'Invalid baseUrl: "https://proxy.example/cohere/v1/" ends in /v1, but every path already starts with its version (/v2/batches, /v1/datasets); pass "https://proxy.example/cohere"',
    ],
  ])("%s", (baseUrl, message) => {
    expect(() => new CohereClient({ token: "t", baseUrl })).toThrow(message);
  });

  it("does not show an API key pasted as the baseUrl, in the message nor in a scheme's hint", () => {
    // The token's place swapped with baseUrl's: both quoted the key until 2026-12-04.
    const key = "Xy7kQ2mN9pR4sT6vW8zA1bC3dE5fG7hJ9kL2mN4p";
    expect(() => new CohereClient({ token: key, baseUrl: key })).toThrow(
      /^Invalid baseUrl: the value is not an absolute URL$/,
    );
  });

  it("still takes a base URL with a path that is not a version", () => {
    expect(() => new CohereClient({ token: "t", baseUrl: "https://proxy.example/cohere" })).not.toThrow();
  });
});

/** A client whose one call-phase plugin throws `error` (a circuit breaker that is open). */
function throwingPlugin(error: Error) {
  return server.client({
    middleware: [
      {
        name: "circuit-breaker",
        phase: "call",
        handle: async () => {
          throw error;
        },
      },
    ],
  });
}

describe("failures name the call", () => {
  it("an ApiError names the method and the route; the id is only in `url`", async () => {
    const error = (await server
      .client()
      .batches.retrieve("no-such-batch")
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    // The SDK's part holds the route, not the id; what follows is the server's own message.
    expect(error.message).toBe(`GET /v2/batches/{id} -> 404: ${(error.body as { message: string }).message}`);
    expect(error.url).toBe(`${server.url}/v2/batches/no-such-batch`);
    expect(JSON.parse(JSON.stringify(error)).url).toBe(error.url);
  });

  it("an ApiError after retries says how many attempts were made", async () => {
    server.fake.inject("list", { type: "status", status: 500, body: { message: "boom" } }, { times: 2 });
    const error = await server
      .client({ maxRetries: 1 })
      .batches.list()
      .catch((e: unknown) => e);
    expect((error as ApiError).message).toBe("GET /v2/batches -> 500: boom (2 attempts made)");
  });

  it("a timeout names the operation, the limit and the attempts", async () => {
    server.fake.inject("retrieve", { type: "delay", ms: 2_000 }, { times: 2 });
    const { batch } = await server.client().batches.create(newBatch);
    const error = await server
      .client({ timeoutInSeconds: 0.2, maxRetries: 1 })
      .batches.retrieve(batch.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe(
      "batches.retrieve (GET /v2/batches/{id}) timed out after 0.2 s per attempt; 2 attempts made",
    );
  });

  it("a refused connection names the operation and the attempts", async () => {
    const port = await closedPort();
    const client = new CohereClient({ token: "t", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(
      /^batches\.list \(GET \/v2\/batches\): Connection failed: .+; 2 attempts made$/,
    );
    expect((error as Error).stack).toContain("2 attempts made");
  });

  it("an abort names the call", async () => {
    server.fake.inject("retrieve", { type: "delay", ms: 2_000 });
    const { batch } = await server.client().batches.create(newBatch);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await server
      .client()
      .batches.retrieve(batch.id, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).message).toBe("batches.retrieve (GET /v2/batches/{id}): The request was aborted");
  });

  it("a token function's failure names the call and says why it failed", async () => {
    const client = server.client({
      token: () => {
        throw new Error("vault sealed");
      },
    });
    // A plain CohereError of the SDK's, named like the typed failures (a plugin's own keeps its
    // words, below).
    expect(await messageOf(() => client.batches.list())).toBe(
      "batches.list (GET /v2/batches): The token function failed: vault sealed",
    );
    const throwsString = server.client({
      token: () => {
        throw "vault unreachable";
      },
    });
    expect(await messageOf(() => throwsString.batches.list())).toBe(
      "batches.list (GET /v2/batches): The token function failed: vault unreachable",
    );
  });

  it("the SDK's own plain failures during a call name it: a fetch that resolves junk, a plugin that returns junk", async () => {
    const junkFetch = server.client({ fetch: async () => 42 as unknown as Response });
    expect(await messageOf(() => junkFetch.batches.retrieve("b-1"))).toBe(
      "batches.retrieve (GET /v2/batches/{id}): The fetch function resolved with something that is not a Response",
    );
    // Returned at once, not as a promise: refused the same way (it was a connection failure, retried).
    const syncJunk = server.client({ fetch: (() => undefined) as unknown as typeof fetch, maxRetries: 2 });
    expect(await messageOf(() => syncJunk.batches.list())).toBe(
      "batches.list (GET /v2/batches): The fetch function resolved with something that is not a Response",
    );
    expect(await messageOf(() => syncJunk.batches.cancel("b-1"))).toBe(
      "batches.cancel (POST /v2/batches/{id}:cancel): The fetch function resolved with something that is not a Response",
    );
    const junkPlugin = server.client({ middleware: [{ name: "junk", handle: async () => 42 as unknown as Response }] });
    expect(await messageOf(() => junkPlugin.batches.cancel("b-1"))).toBe(
      'batches.cancel (POST /v2/batches/{id}:cancel): Middleware "junk" returned 42, not a Response',
    );
    expect(server.fake.requests).toHaveLength(0);
  });

  it("a plugin's own CohereError reaches the caller unchanged, one instance shared by many calls too", async () => {
    const open = new CohereError("Circuit open: not calling Cohere");
    const client = throwingPlugin(open);
    const calls: (() => Promise<unknown>)[] = [() => client.batches.list(), () => client.batches.retrieve("b-1")];
    for (const call of calls) {
      const error = await Promise.resolve()
        .then(call)
        .catch((e: unknown) => e);
      expect(error).toBe(open);
      expect((error as Error).message).toBe("Circuit open: not calling Cohere");
    }
  });

  it("a plugin's own CohereError with a NaN field comes back as the same object (NaN !== NaN replaced it)", async () => {
    class CircuitOpenError extends CohereError {
      override name = "CircuitOpenError";
      reopensInSeconds = Number.NaN;
    }
    const open = new CircuitOpenError("Circuit open");
    const client = throwingPlugin(open);
    expect(await client.batches.list().catch((e: unknown) => e)).toBe(open);
  });

  it("a token function that throws a number: in the message, not kept raw as the cause", async () => {
    const client = server.client({
      token: () => {
        throw 12345678901234;
      },
    });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect((error as Error).message).toBe("batches.list (GET /v2/batches): The token function failed: 12345678901234");
    expect((error as Error).cause).toBeUndefined();
  });

  it.each([
    [null, "null was thrown"],
    [undefined, "undefined was thrown"],
    [false, "false was thrown"],
    [12n, "12n was thrown"],
    [Symbol("vault sealed"), "Symbol(vault sealed) was thrown"],
    ["", "an empty string was thrown"],
  ])("a token function that throws %s: named, not 'unknown error'", async (thrown, words) => {
    const client = server.client({
      token: () => {
        throw thrown;
      },
    });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect((error as Error).message).toBe(`batches.list (GET /v2/batches): The token function failed: ${words}`);
    expect((error as Error).cause).toBeUndefined();
    expect(server.fake.requests).toHaveLength(0);
  });

  it("a custom fetch that throws null, or a symbol holding the token: named, and cleaned", async () => {
    const token = "co_0123456789abcdefghijklmnopqrstuvwxyzA";
    const nullClient = server.client({
      maxRetries: 0,
      fetch: () => {
        throw null;
      },
    });
    expect(await messageOf(() => nullClient.batches.list())).toBe(
      "batches.list (GET /v2/batches): Connection failed: null was thrown; 1 attempt made",
    );
    const symbolClient = server.client({
      token,
      maxRetries: 0,
      fetch: () => {
        throw Symbol(`Bearer ${token}`);
      },
    });
    expect(await messageOf(() => symbolClient.batches.list())).toBe(
      "batches.list (GET /v2/batches): Connection failed: Symbol(Bearer [REDACTED]) was thrown; 1 attempt made",
    );
  });

  it("an abort named when the signal had fired before the call, too", async () => {
    const error = await server
      .client()
      .batches.list({}, { abortSignal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).message).toBe("batches.list (GET /v2/batches): The request was aborted");
    expect(server.fake.requests).toHaveLength(0);
  });

  it("a thrown string is cleaned of the token before it is cut: no part of a token at the cut", async () => {
    const token = "co_0123456789abcdefghijklmnopqrstuvwxyzA";
    const client = server.client({
      token,
      maxRetries: 0,
      fetch: async () => {
        throw `proxy refused ${"-".repeat(160)} Authorization: Bearer ${token}`;
      },
    });
    const message = await messageOf(() => client.batches.list());
    expect(message).toMatch(/^batches\.list \(GET \/v2\/batches\): Connection failed: proxy refused -+/);
    expect(message).not.toContain("co_0123");
  });

  it("a custom fetch that throws a string: its words, not 'unknown error'", async () => {
    const client = server.client({
      maxRetries: 0,
      fetch: () => {
        throw "no route to the proxy";
      },
    });
    expect(await messageOf(() => client.batches.list())).toBe(
      "batches.list (GET /v2/batches): Connection failed: no route to the proxy; 1 attempt made",
    );
  });

  it("a 429 whose Retry-After is past the retry layer's 60 s says what the server asked", async () => {
    server.fake.inject("list", { type: "status", status: 429, retryAfter: "120" });
    expect(await messageOf(() => server.client().batches.list())).toBe(
      "GET /v2/batches -> 429: Too Many Requests; the server asked for a pause of 120 s",
    );
    // A server's figure, rounded and bounded in the words (the exact one is `retryAfterInSeconds`).
    server.fake.inject("list", { type: "status", status: 429, retryAfter: "9".repeat(400) });
    expect(await messageOf(() => server.client().batches.list())).toBe(
      "GET /v2/batches -> 429: Too Many Requests; the server asked for a pause of over a day",
    );
    server.fake.inject("list", { type: "status", status: 429, retryAfterMs: 61_234.5678 });
    expect(await messageOf(() => server.client().batches.list())).toBe(
      "GET /v2/batches -> 429: Too Many Requests; the server asked for a pause of 61.235 s",
    );
  });

  it("a pause of 0 s reads as a retry at once; a plugin's negative or NaN pause is left out", async () => {
    server.fake.inject("list", { type: "status", status: 429, retryAfter: "0" }, { times: 3 });
    expect(await messageOf(() => server.client({ maxRetries: 2 }).batches.list())).toBe(
      "GET /v2/batches -> 429: Too Many Requests; the server asked for a retry at once (3 attempts made)",
    );
    // Under half a millisecond, rounded: none.
    server.fake.inject("list", { type: "status", status: 429, retryAfterMs: 0.4 });
    expect(await messageOf(() => server.client({ maxRetries: 0 }).batches.list())).toBe(
      "GET /v2/batches -> 429: Too Many Requests; the server asked for a retry at once",
    );
    for (const retryAfterInSeconds of [-5, Number.NaN]) {
      const client = throwingPlugin(
        new ApiError({
          status: 429,
          body: undefined,
          headers: new Headers(),
          requestId: undefined,
          retryAfterInSeconds,
        }),
      );
      expect(await messageOf(() => client.batches.list())).toBe("GET /v2/batches -> 429");
    }
  });
});

describe("the missing-token message fits the build", () => {
  it.each([
    ["browser", browserRuntime],
    ["default (workers, edge)", edgeRuntime],
  ])("the %s build says to pass `token`, not to set an environment variable", (_name, runtime) => {
    const message = (() => {
      try {
        resolveClientOptions({ dangerouslyAllowBrowser: true }, runtime);
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toBe(
      "No API token: pass `token` (your CO_API_KEY) to the client; this build reads no environment variables",
    );
  });

  it("the Node build names CO_API_KEY", () => {
    const saved = process.env.CO_API_KEY;
    delete process.env.CO_API_KEY;
    try {
      expect(() => new CohereClient()).toThrow(
        "No API token: pass `token` to the client or set the CO_API_KEY environment variable",
      );
    } finally {
      if (saved !== undefined) process.env.CO_API_KEY = saved;
    }
  });
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("an abort names the method the caller called, before its call and between its polls", () => {
  const env = useFakeServer();
  // The route in a datasets method's name is the one its call names (datasets' code loads on first use).
  const datasetCalls: [string, (client: CohereClient, abortSignal: AbortSignal) => Promise<unknown>][] = [
    [
      "datasets.create (POST /v1/datasets)",
      (c, abortSignal) => c.datasets.create({ name: "d", type: "embed-input", data: [{ text: "a" }] }, { abortSignal }),
    ],
    ["datasets.retrieve (GET /v1/datasets/{id})", (c, abortSignal) => c.datasets.retrieve("d-1", { abortSignal })],
    ["datasets.list (GET /v1/datasets)", (c, abortSignal) => c.datasets.list({}, { abortSignal })],
    ["datasets.delete (DELETE /v1/datasets/{id})", (c, abortSignal) => c.datasets.delete("d-1", { abortSignal })],
    ["datasets.usage (GET /v1/datasets/usage)", (c, abortSignal) => c.datasets.usage({ abortSignal })],
  ];
  it.each(datasetCalls)("%s: already aborted, or aborted in its call, names it the same way", async (name, call) => {
    const reason = new Error("user left");
    const before = await call(env.client(), AbortSignal.abort(reason)).catch((e: unknown) => e);
    expect(before).toBeInstanceOf(CohereAbortError);
    expect((before as Error).message).toBe(`${name}: The request was aborted`);
    expect((before as Error).cause).toBe(reason);
    expect(env.fake.requests).toHaveLength(0);
    const controller = new AbortController();
    const stalls = env.client({
      fetch: () => {
        controller.abort(reason);
        return new Promise<Response>(() => {});
      },
    });
    const during = await call(stalls, controller.signal).catch((e: unknown) => e);
    expect((during as Error).message).toBe(`${name}: The request was aborted`);
  });

  it.each([
    ["waitUntilDone", (c: CohereClient, abortSignal: AbortSignal) => c.batches.waitUntilDone("b-1", { abortSignal })],
    [
      "waitUntilValidated",
      (c: CohereClient, abortSignal: AbortSignal) => c.datasets.waitUntilValidated("d-1", { abortSignal }),
    ],
    [
      "run",
      (c: CohereClient, abortSignal: AbortSignal) =>
        c.batches.run(
          { name: "r", model: "m", type: "batch-embed-v2-input", requests: [{ custom_id: "1", body: {} }] },
          { abortSignal },
        ),
    ],
    [
      "results",
      async (c: CohereClient, abortSignal: AbortSignal) => {
        for await (const _ of c.batches.results("b-1", { abortSignal }));
      },
    ],
    [
      "records",
      async (c: CohereClient, abortSignal: AbortSignal) => {
        for await (const _ of c.datasets.records("d-1", { abortSignal }));
      },
    ],
  ])("%s: an already-aborted signal names it; nothing is sent", async (name, call) => {
    const error = await call(env.client(), AbortSignal.abort()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).message).toBe(`${name}: The request was aborted`);
    expect(env.fake.requests).toHaveLength(0);
  });

  it("waitUntilDone and waitUntilValidated: an abort between polls names the wait, the reason its cause", async () => {
    const client = env.client();
    const { id: datasetId } = await client.datasets.create({
      name: "d",
      type: "batch-embed-v2-input",
      data: [{ custom_id: "1", body: { input_type: "search_document", texts: ["a"] } }],
    });
    const abortedWait = async (name: string, wait: (signal: AbortSignal) => Promise<unknown>) => {
      const reason = new Error("bored");
      const controller = new AbortController();
      const polled = env.fake.requests.length;
      setTimeout(() => controller.abort(reason), 100);
      const error = await wait(controller.signal).catch((e: unknown) => e);
      // One poll, then the pause the abort ended.
      expect(env.fake.requests.length).toBe(polled + 1);
      expect(error).toBeInstanceOf(CohereAbortError);
      expect((error as Error).message).toBe(`${name}: The request was aborted`);
      expect((error as Error).cause).toBe(reason);
      expect((error as Error).stack).toMatch(new RegExp(`^CohereAbortError: ${name}: The request was aborted\\n`));
    };
    await abortedWait("waitUntilValidated", (abortSignal) =>
      client.datasets.waitUntilValidated(datasetId, { abortSignal, pollIntervalInSeconds: 5 }),
    );
    env.clock.advance(600_000);
    const { batch } = await client.batches.create({ ...newBatch, input_dataset_id: datasetId });
    await abortedWait("waitUntilDone", (abortSignal) =>
      client.batches.waitUntilDone(batch.id as string, { abortSignal, pollIntervalInSeconds: 5 }),
    );
  });
});
