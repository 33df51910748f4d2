import { afterEach, describe, expect, it, vi } from "vitest";
import { CohereClient, CohereError } from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";
import { recorder } from "../helpers/log-recorder.js";

const secret = "sk-log-level-secret-0123456789";

/** Two attempts: a 503, then the answer. */
async function listWithOneRetry(client: CohereClient, fake: FakeCohere): Promise<void> {
  fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
  await client.batches.list({ page_size: 5 });
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("logLevel, logger and COHERE_LOG", () => {
  it('logLevel "debug" writes one redacted line per attempt to the logger', async () => {
    const fake = new FakeCohere({ tokens: [secret] });
    const { lines, logger } = recorder();
    const client = new CohereClient({ token: secret, fetch: fake.fetch, logLevel: "debug", logger });
    await listWithOneRetry(client, fake);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ["warn", "GET /v2/batches?page_size=5 503"],
      ["info", "GET /v2/batches?page_size=5 200"],
    ]);
    for (const { data } of lines) {
      expect(data).toMatchObject({ operation: "batches.list", requestHeaders: { authorization: "REDACTED" } });
    }
    expect(lines.map((line) => line.data.attempt)).toEqual([1, 2]);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it("COHERE_LOG=debug writes one redacted line per attempt to console", async () => {
    vi.stubEnv("COHERE_LOG", "debug");
    const printed: unknown[][] = [];
    for (const method of ["debug", "info", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args));
    }
    const fake = new FakeCohere({ tokens: [secret] });
    await listWithOneRetry(new CohereClient({ token: secret, fetch: fake.fetch }), fake);
    expect(printed.map((args) => args[0])).toEqual([
      "GET /v2/batches?page_size=5 503",
      "GET /v2/batches?page_size=5 200",
    ]);
    expect(
      printed.every(
        (args) => (args[1] as { requestHeaders: Record<string, string> }).requestHeaders.authorization === "REDACTED",
      ),
    ).toBe(true);
    expect(JSON.stringify(printed)).not.toContain(secret);
  });

  it("logs nothing by default, and the logLevel option wins over COHERE_LOG", async () => {
    const fake = new FakeCohere({ tokens: [secret] });
    const { lines, logger } = recorder();
    await listWithOneRetry(new CohereClient({ token: secret, fetch: fake.fetch, logger }), fake);
    vi.stubEnv("COHERE_LOG", "debug");
    await listWithOneRetry(new CohereClient({ token: secret, fetch: fake.fetch, logger, logLevel: "off" }), fake);
    expect(lines).toEqual([]);
  });

  it('logLevel "warn" writes only the failed attempt', async () => {
    const fake = new FakeCohere({ tokens: [secret] });
    const { lines, logger } = recorder();
    await listWithOneRetry(new CohereClient({ token: secret, fetch: fake.fetch, logger, logLevel: "warn" }), fake);
    expect(lines.map((line) => line.message)).toEqual(["GET /v2/batches?page_size=5 503"]);
  });

  it("refuses a logLevel, a COHERE_LOG or a logger that cannot work, by name", () => {
    expect(() => new CohereClient({ token: "t", logLevel: "verbose" as never })).toThrow(
      'Invalid client options: logLevel must be "off", "error", "warn", "info" or "debug" (got "verbose")',
    );
    expect(() => new CohereClient({ token: "t", logger: { info() {} } as never })).toThrow(
      "logger must be an object with debug, info, warn and error methods",
    );
    vi.stubEnv("COHERE_LOG", "loud");
    expect(() => new CohereClient({ token: "t" })).toThrow(
      'Invalid COHERE_LOG environment variable: must be one of off, error, warn, info, debug (got "loud")',
    );
  });

  it("does not quote a long COHERE_LOG, which may be the API key set in the wrong variable", () => {
    const key = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
    vi.stubEnv("COHERE_LOG", key);
    let error: unknown;
    try {
      new CohereClient({ token: key });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toBe(
      "Invalid COHERE_LOG environment variable: must be one of off, error, warn, info, debug (got 40 characters)",
    );
    expect(String((error as Error).stack)).not.toContain(key.slice(0, 12));
  });
});
