import { describe, expect, it } from "vitest";
import { CohereClient, loggingMiddleware, type LogLevel } from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";
import { recorder } from "../helpers/log-recorder.js";

const secret = "sk-logging-secret-0123456789";

function setup(level: LogLevel, fake = new FakeCohere({ tokens: [secret] })) {
  const { lines, logger } = recorder();
  const client = new CohereClient({
    token: secret,
    fetch: fake.fetch,
    middleware: [loggingMiddleware({ logger, level })],
    headers: { "x-api-secret": "hunter2" },
  });
  return { fake, client, lines };
}

describe("loggingMiddleware", () => {
  it("logs method, path, status, attempt, duration and request id for every attempt", async () => {
    const { fake, client, lines } = setup("info");
    fake.addBatches(10);
    const { next_page_token } = await client.batches.list({ page_size: 5 });
    lines.length = 0;
    fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.list({ page_size: 5, page_token: next_page_token! });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ["warn", "GET /v2/batches?page_size=5&page_token=REDACTED 503"],
      ["info", "GET /v2/batches?page_size=5&page_token=REDACTED 200"],
    ]);
    expect(lines[1]!.data).toMatchObject({
      operation: "batches.list",
      method: "GET",
      status: 200,
      attempt: 2,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(lines[0]!.data.attempt).toBe(1);
  });

  it("logs errors at error level with their class", async () => {
    const { fake, client, lines } = setup("error");
    fake.inject("retrieve", { type: "drop" }, { times: 3 });
    await client.batches.retrieve("b", { maxRetries: 0 }).catch(() => undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", data: { error: "CohereConnectionError", attempt: 1 } });
    // What went wrong, not only its class.
    expect(lines[0]!.message).toMatch(/^GET \/v2\/batches\/b failed: CohereConnectionError: Connection failed/);
    expect(lines[0]!.data.message).toMatch(/^Connection failed/);
  });

  it("logs what a middleware threw in the words of the SDK's error, whatever it threw", async () => {
    const { client, lines } = setup("error");
    const hostile = new Error("x");
    Object.defineProperty(hostile, "message", {
      get() {
        throw new Error("no");
      },
    });
    let thrown: unknown;
    client.use(() => {
      throw thrown;
    });
    for (thrown of [hostile, "a string", new Error("")]) {
      await client.batches.retrieve("b", { maxRetries: 0 }).catch(() => undefined);
    }
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      [
        "error",
        'GET /v2/batches/b failed: CohereError: Middleware "middleware #1" failed: a value that cannot be read',
      ],
      ["error", 'GET /v2/batches/b failed: CohereError: Middleware "middleware #1" failed: a string'],
      ["error", 'GET /v2/batches/b failed: CohereError: Middleware "middleware #1" failed: Error'],
    ]);
  });

  it("respects the level: warn drops successes, off drops everything", async () => {
    const quiet = setup("warn");
    await quiet.client.batches.list();
    expect(quiet.lines).toHaveLength(0);
    const off = setup("off");
    off.fake.inject("list", { type: "status", status: 400 });
    await off.client.batches.list().catch(() => undefined);
    expect(off.lines).toHaveLength(0);
  });

  it("never logs the token or other secret headers, even at debug", async () => {
    const { client, lines } = setup("debug");
    await client.batches.create({ name: "n", input_dataset_id: "d", model: "m" }, { idempotencyKey: "idem-secret" });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("idem-secret");
    expect(lines[0]!.data.requestHeaders).toMatchObject({
      authorization: "REDACTED",
      "x-api-secret": "REDACTED",
      "idempotency-key": "REDACTED",
      "content-type": "application/json",
    });
    expect(lines[0]!.data.responseHeaders).toMatchObject({ "x-request-id": expect.any(String) });
  });
  it("cuts a server's huge header values (redacted first), so a line stays short", async () => {
    const { lines, logger } = recorder();
    const huge = "r".repeat(250) + secret + "r".repeat(5_000_000);
    const client = new CohereClient({
      token: secret,
      maxRetries: 0,
      middleware: [loggingMiddleware({ logger, level: "debug" })],
      fetch: async () =>
        new Response(JSON.stringify({ batches: [] }), {
          headers: { "content-type": "application/json", "x-request-id": huge, date: huge },
        }),
    });
    await client.batches.list();
    const text = JSON.stringify(lines);
    expect(text.length).toBeLessThan(5_000);
    expect(text).not.toContain(secret.slice(0, 6));
    expect(lines[0]!.data.requestId).toBe(`${"r".repeat(250)}[REDAC…`);
    expect(lines[0]!.data.responseHeaders).toMatchObject({ date: `${"r".repeat(250)}[REDAC…` });
  });
  it("reads its options once, when made: a getter that throws later, or a change since, costs no call", async () => {
    const { lines, logger } = recorder();
    let reads = 0;
    const options = Object.defineProperty({ logger, level: "info" as LogLevel }, "allowedHeaders", {
      enumerable: true,
      get() {
        if (reads++ > 0) throw new Error("read again");
        return ["x-extra"];
      },
    });
    const plugin = loggingMiddleware(options);
    options.level = "off";
    const fake = new FakeCohere({ tokens: [secret] });
    const client = new CohereClient({ token: secret, fetch: fake.fetch, middleware: [plugin] });
    // Read again on the first attempt, it failed every call ("could not load the logging code").
    await client.batches.list();
    await client.batches.list();
    expect(lines.map((line) => line.message)).toEqual(["GET /v2/batches 200", "GET /v2/batches 200"]);
    expect(reads).toBe(1);
  });
});
