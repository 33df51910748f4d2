import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The built files, as `npm test` leaves them (it builds before running vitest).
const require = createRequire(import.meta.url);
type Sdk = typeof import("../../src/index.js");
const cjs = require("../../dist/node/index.cjs") as unknown as Sdk;
const esm = (await import("../../dist/node/index.mjs")) as unknown as Sdk;
/** Each build as the client, with the other's parts in it. */
const bothWays = [
  [esm, cjs],
  [cjs, esm],
] as const;

describe("the ESM and CJS builds", () => {
  it("are different copies of the classes", () => {
    expect(cjs.ApiError).not.toBe(esm.ApiError);
  });

  it("recognise each other's errors through the static guards", () => {
    const fromCjs = new cjs.NotFoundError({ status: 404, body: "", headers: new Headers(), requestId: undefined });
    const fromEsm = new esm.CohereTimeoutError(1);
    expect(fromCjs).not.toBeInstanceOf(esm.NotFoundError);
    expect(esm.NotFoundError.is(fromCjs)).toBe(true);
    expect(esm.ApiError.is(fromCjs)).toBe(true);
    expect(esm.CohereError.is(fromCjs)).toBe(true);
    expect(esm.BadRequestError.is(fromCjs)).toBe(false);
    expect(cjs.CohereTimeoutError.is(fromEsm)).toBe(true);
    expect(cjs.ApiError.is(fromEsm)).toBe(false);
    expect(esm.CohereError.is(new Error("plain"))).toBe(false);
    expect(esm.CohereError.is(null)).toBe(false);
    // The brand alone, on something that is no error, does not make one.
    expect(esm.CohereError.is({ [Symbol.for("cohere-batches.error")]: ["CohereError"] })).toBe(false);
  });

  it("retry and name the other build's typed errors (a plugin's or a custom fetch's), as their own", async () => {
    const { FakeCohere } = await import("../../src/testing/index.js");
    for (const [client, other] of bothWays) {
      const fake = new FakeCohere();
      let thrown = 0;
      const failTwice: import("../../src/index.js").Middleware = (request, next) => {
        thrown += 1;
        if (thrown === 1)
          throw new other.ServiceUnavailableError({
            status: 503,
            body: "",
            headers: new Headers(),
            requestId: undefined,
          });
        if (thrown === 2) throw new other.CohereConnectionError("socket hang up");
        return next(request);
      };
      const sdk = new client.CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        middleware: [failTwice],
        backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 },
      });
      await expect(sdk.batches.list()).resolves.toEqual({ batches: [] });
      expect(thrown).toBe(3);

      // Not retryable (404): thrown after one attempt, named after the call like the SDK's own.
      const notFound: import("../../src/index.js").Middleware = () => {
        throw new other.NotFoundError({ status: 404, body: "", headers: new Headers(), requestId: undefined });
      };
      const lines: { message: string; data: unknown }[] = [];
      const record = (message: string, data: unknown) => lines.push({ message, data });
      const logger = { debug: record, info: record, warn: record, error: record };
      const failing = new client.CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        middleware: [notFound],
        logger,
        logLevel: "error",
      });
      const error = await failing.batches.retrieve("b-1").catch((caught: unknown) => caught);
      expect(client.NotFoundError.is(error)).toBe(true);
      expect((error as Error).message).toBe("GET /v2/batches/{id} -> 404");
      // The log line of the failed attempt carries its status, as for the SDK's own errors.
      expect(lines.map(({ data }) => (data as { status?: number }).status)).toEqual([404]);
    }
  });

  it("name a failure once: the other build's client's error, rethrown by a plugin, keeps its one name", async () => {
    const refusing = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNRESET"), { code: "ECONNRESET" }),
      });
    };
    for (const [client, other] of bothWays) {
      const inner = (await new other.CohereClient({ token: "test-token", fetch: refusing, maxRetries: 0 }).batches
        .list()
        .catch((e: unknown) => e)) as Error;
      expect(inner.message).toMatch(/^batches\.list \(GET \/v2\/batches\): Connection failed: .*; 1 attempt made$/);
      const named = inner.message;
      const delegating = { name: "delegating", call: async () => Promise.reject(inner) };
      const outer = (await new client.CohereClient({
        token: "test-token",
        fetch: refusing,
        maxRetries: 0,
        middleware: [delegating],
      }).batches
        .retrieve("b-1")
        .catch((e: unknown) => e)) as Error;
      expect(outer).toBe(inner);
      expect(outer.message).toBe(named);
    }
  });

  it("refuse each other's retryMiddleware as a plugin (a second retry loop would multiply the attempts)", () => {
    for (const [client, other] of bothWays) {
      expect(() => new client.CohereClient({ token: "test-token", middleware: [other.retryMiddleware()] })).toThrow(
        /the client already retries/,
      );
    }
  });

  it("redact the call's token in the other build's log lines (a proxy echoes it into x-request-id)", async () => {
    const { FakeCohere } = await import("../../src/testing/index.js");
    const token = "sk-live-0123456789abcdef-secret";
    for (const [client, other] of bothWays) {
      const fake = new FakeCohere({ tokens: [token] });
      const [batch] = fake.addBatches(1);
      const lines: string[] = [];
      const record = (line: string, data: unknown) => lines.push(JSON.stringify([line, data]));
      const echoing = async (request: Request) => {
        const answer = await fake.fetch(request);
        const headers = new Headers(answer.headers);
        headers.set("x-request-id", request.headers.get("authorization") ?? "");
        return new Response(await answer.text(), { status: answer.status, headers });
      };
      const sdk = new client.CohereClient({
        token,
        fetch: echoing,
        middleware: [
          other.loggingMiddleware({
            level: "info",
            logger: { debug: record, info: record, warn: record, error: record },
          }),
        ],
      });
      await sdk.batches.retrieve(batch?.id as string);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("[REDACTED]");
      expect(lines[0]).not.toContain(token);
    }
  });

  it("both construct a client and complete a call (the CJS builds' interop with their dependencies)", async () => {
    const { FakeCohere } = await import("../../src/testing/index.js");
    for (const build of [cjs, esm]) {
      const fake = new FakeCohere();
      const page = await new build.CohereClient({ token: "test-token", fetch: fake.fetch }).batches.list();
      expect(page).toEqual({ batches: [] });
    }
  });

  it("carry the package's version", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(esm.VERSION).toBe(version);
    expect(cjs.VERSION).toBe(version);
  });

  it("differ only where the runtime differs: process in node, nowhere else", () => {
    // A build's code is its entry (which only re-exports) and its chunks: read them all.
    const read = (build: string, format: string) => {
      const dir = new URL(`../../dist/${build}/`, import.meta.url);
      return readdirSync(dir)
        .filter((name) => name.endsWith(`.${format}`))
        .map((name) => readFileSync(new URL(name, dir), "utf8").replace(/\/\*[\s\S]*?\*\//g, ""))
        .join("\n");
    };
    for (const format of ["mjs", "cjs"]) {
      expect(read("node", format)).toMatch(/process\.env/);
      expect(read("browser", format)).not.toMatch(/\bprocess\b/);
      expect(read("default", format)).not.toMatch(/\bprocess\b/);
    }
  });

  it("the other build's rate limiter waits for its slot as this build's does, past timeoutInSeconds", async () => {
    const { FakeCohere } = await import("../../src/testing/index.js");
    for (const [client, other] of bothWays) {
      const fake = new FakeCohere();
      const limited = new client.CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        timeoutInSeconds: 0.05,
        middleware: [other.rateLimitMiddleware({ requestsPerMinute: 1_200, burst: 1 })],
      });
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => limited.batches.list()));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      expect(fake.count("list")).toBe(3);
    }
  });
});
