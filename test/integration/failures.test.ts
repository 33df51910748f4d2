import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import * as sdk from "../../src/index.js";
import {
  type ApiError,
  CohereAbortError,
  CohereConnectionError,
  CohereParseError,
  CohereTimeoutError,
  NotFoundError,
  UnauthorizedError,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";
import { statusClasses } from "../helpers/status-classes.js";

const server = useFakeServer();

const statusClassesAndOthers: [number, string][] = [...statusClasses, [418, "ApiError"]];

describe("typed errors over HTTP", () => {
  it.each(statusClassesAndOthers)("status %i with JSON, HTML and empty bodies is %s", async (status, name) => {
    const client = server.client({ maxRetries: 0 });
    const ErrorClass = (sdk as unknown as Record<string, typeof ApiError>)[name]!;
    for (const body of [{ message: "server says no" }, "<html><h1>Bad gateway</h1></html>", ""]) {
      server.fake.inject("list", { type: "status", status, body });
      const error = await client.batches.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect((error as ApiError).name).toBe(name);
      expect((error as ApiError).status).toBe(status);
      expect((error as ApiError).requestId).toEqual(expect.any(String));
      expect((error as ApiError).body).toEqual(body);
      if (typeof body === "object")
        expect((error as Error).message).toBe(`GET /v2/batches -> ${status}: server says no`);
    }
  });

  it("maps the fake's real 401 for a wrong token and 404 for an unknown id", async () => {
    await expect(server.client({ token: "wrong" }).batches.list()).rejects.toBeInstanceOf(UnauthorizedError);
    const error = await server
      .client()
      .batches.retrieve("no-such-batch")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body).toEqual({ message: expect.any(String) });
  });

  it("rejects a 2xx body that is not JSON with CohereParseError carrying the text", async () => {
    server.fake.inject("list", { type: "malformed-body", body: "{oops" });
    const error = await server
      .client()
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as CohereParseError).status).toBe(200);
    expect((error as CohereParseError).text).toBe("{oops");
    expect((error as CohereParseError).issues[0]).toMatch(/not JSON/);
  });

  it("rejects a 2xx body without `batch` with the issue named", async () => {
    server.fake.inject("retrieve", { type: "missing-field" });
    const error = await server
      .client()
      .batches.retrieve("x")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as CohereParseError).issues.join()).toMatch(/batch/);
  });

  it("rejects an empty 2xx body where a body is required", async () => {
    server.fake.inject("retrieve", { type: "empty-body" });
    await expect(server.client().batches.retrieve("x")).rejects.toBeInstanceOf(CohereParseError);
  });

  // A server or proxy that sends megabytes where a line is expected must not flood every log
  // that prints the error: the message stays short, the whole answer stays on the error.
  it("keeps the message of an error short when the server's message is megabytes long", async () => {
    const message = "x".repeat(5_000_000);
    server.fake.inject("list", { type: "status", status: 500, body: { message } });
    const error = (await server
      .client({ maxRetries: 0 })
      .batches.list()
      .catch((e: unknown) => e)) as sdk.ApiError;
    expect(error).toBeInstanceOf(sdk.InternalServerError);
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toContain(`${"x".repeat(500)}…`);
    expect((error.body as { message: string }).message).toBe(message);
  });

  it("keeps the message and the issues of a CohereParseError short, and the body whole", async () => {
    const bad = JSON.stringify({ batches: "z".repeat(2_000_000) });
    const wrong = JSON.stringify({ batches: Array.from({ length: 1_000 }, () => ({ id: 5 })) });
    for (const body of [bad, wrong]) {
      server.fake.inject("list", { type: "malformed-body", body });
      const error = (await server
        .client()
        .batches.list()
        .catch((e: unknown) => e)) as CohereParseError;
      expect(error).toBeInstanceOf(CohereParseError);
      expect(error.message.length).toBeLessThan(3_200);
      expect(Math.max(...error.issues.map((issue) => issue.length))).toBeLessThanOrEqual(301);
      expect(error.text).toBe(body);
    }
  });
});

describe("retries over HTTP", () => {
  it("retries 503 and 429, honouring retry-after-ms, then succeeds", async () => {
    server.fake
      .inject("list", { type: "status", status: 503, retryAfterMs: 50 })
      .inject("list", { type: "status", status: 429, retryAfter: "0" });
    const started = performance.now();
    const raw = await server.client().batches.withRawResponse.list();
    expect(raw.status).toBe(200);
    expect(server.fake.count("list")).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("throws at once when the server asks for more than 60 s", async () => {
    server.fake.inject("list", { type: "status", status: 429, retryAfter: "120" });
    const error = await server
      .client()
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retryAfterInSeconds: 120 });
    expect(server.fake.count("list")).toBe(1);
  });

  it("retries a dropped connection, and reports CohereConnectionError when every attempt fails", async () => {
    server.fake.inject("list", { type: "drop" }, { times: 3 });
    const error = await server
      .client({ maxRetries: 2 })
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect(server.fake.count("list")).toBe(3);
  });

  it("does not resend a create after a 500 without an idempotency key", async () => {
    server.fake.inject("create", { type: "status", status: 500, afterAction: true });
    await expect(server.client().batches.create(newBatch)).rejects.toMatchObject({ status: 500 });
    expect(server.fake.count("create")).toBe(1);
    expect(server.fake.listBatches()).toHaveLength(1);
  });

  it("resends a create after a 500 with an idempotency key, and the server makes one batch", async () => {
    server.fake.inject("create", { type: "status", status: 500, afterAction: true });
    const { batch } = await server.client().batches.create(newBatch, { idempotencyKey: "once" });
    expect(server.fake.count("create")).toBe(2);
    expect(server.fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["once", "once"]);
    expect(server.fake.listBatches().map((b) => b.id)).toEqual([batch.id]);
  });

  it("reports a refused connection as CohereConnectionError", async () => {
    const port = await freePort();
    const client = new sdk.CohereClient({ token: "t", baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});

describe("timeouts over HTTP", () => {
  it("times out slow response headers", async () => {
    server.fake.inject("list", { type: "delay", ms: 2_000 });
    const started = performance.now();
    const error = await server
      .client({ timeoutInSeconds: 0.2, maxRetries: 0 })
      .batches.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as CohereTimeoutError).timeoutInSeconds).toBe(0.2);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("times out a success body that stalls after the headers", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    // A real id: the stalled body is a 200's, read as data, not a 404's read by error mapping.
    server.fake.inject("retrieve", { type: "stall-body" });
    const started = performance.now();
    const error = await client.batches
      .retrieve(batch.id!, { timeoutInSeconds: 0.2, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(client.batches.retrieve(batch.id!)).resolves.toMatchObject({ batch: { id: batch.id } });
  });

  it("retries a timed-out attempt and succeeds on the next", async () => {
    server.fake.inject("list", { type: "stall-body" });
    const page = await server.client({ timeoutInSeconds: 0.2 }).batches.list();
    expect(page).toEqual({ batches: [] });
    expect(server.fake.count("list")).toBe(2);
  });
});

describe("aborts over HTTP", () => {
  it("aborts a request in flight", async () => {
    server.fake.inject("list", { type: "delay", ms: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user")), 50);
    const started = performance.now();
    const error = await server
      .client()
      .batches.list({}, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as CohereAbortError).cause).toEqual(new Error("user"));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.fake.count("list")).toBe(1);
  });

  it("aborts while reading a stalled body", async () => {
    server.fake.inject("list", { type: "stall-body" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(server.client().batches.list({}, { abortSignal: controller.signal })).rejects.toBeInstanceOf(
      CohereAbortError,
    );
  });

  it("aborts the wait between attempts", async () => {
    server.fake.inject("list", { type: "status", status: 503, retryAfter: "30" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(server.client().batches.list({}, { abortSignal: controller.signal })).rejects.toBeInstanceOf(
      CohereAbortError,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.fake.count("list")).toBe(1);
  });

  it("sends nothing when the signal has already fired", async () => {
    await expect(server.client().batches.list({}, { abortSignal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      CohereAbortError,
    );
    expect(server.fake.requests).toHaveLength(0);
  });

  it("ends waitUntilDone on abort and on its own timeout", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      client.batches.waitUntilDone(batch.id!, { pollIntervalInSeconds: 10, abortSignal: controller.signal }),
    ).rejects.toBeInstanceOf(CohereAbortError);
    const error = await client.batches
      .waitUntilDone(batch.id!, { pollIntervalInSeconds: 10, timeoutInSeconds: 0.1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as CohereTimeoutError).timeoutInSeconds).toBe(0.1);
  });
});

/** A loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
