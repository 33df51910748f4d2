// The six plugins of docs/writing-plugins.md, each held to what the page says it does.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { CohereClient, NotFoundError, ServiceUnavailableError } from "cohere-batches";
import { FakeCohere, ManualClock } from "cohere-batches/testing";
import { describe, expect, it } from "vitest";
import { circuitBreaker } from "./circuit-breaker.js";
import { hmacSigner } from "./hmac-signer.js";
import { listMock } from "./list-mock.js";
import { type CallMetric, metrics } from "./metrics.js";
import { tracedClient } from "./opentelemetry.js";
import { terminalBatchCache } from "./terminal-batch-cache.js";

const newBatch = { name: "n", input_dataset_id: "ds-1", model: "command-r" };
const fast = { backoff: { initialDelayInSeconds: 0.001 } };

function setup(options: ConstructorParameters<typeof CohereClient>[0]) {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock });
  return { fake, clock, client: new CohereClient({ token: "test-token", fetch: fake.fetch, ...fast, ...options }) };
}

describe("the plugins of docs/writing-plugins.md", () => {
  it("terminal-batch-cache answers retrieve from memory once the batch is terminal", async () => {
    const { fake, clock, client } = setup({ middleware: [terminalBatchCache()] });
    const { batch } = await client.batches.create(newBatch);
    await client.batches.retrieve(batch.id!); // queued: not cached
    clock.advance(60_000);
    const done = await client.batches.retrieve(batch.id!);
    expect(done.batch.status).toBe("BATCH_STATUS_COMPLETED");
    const sent = fake.count("retrieve");
    expect(await client.batches.retrieve(batch.id!)).toEqual(done);
    expect(fake.count("retrieve")).toBe(sent);
  });

  it("hmac-signer signs every attempt, retries afresh", async () => {
    const { fake, client } = setup({ middleware: [hmacSigner("s3cret")] });
    fake.inject("create", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.create(newBatch);
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      expect(request.headers["x-signature"]).toMatch(/^[0-9a-f]{64}$/);
      expect(request.headers["x-signature-timestamp"]).toMatch(/^\d+$/);
    }
  });

  it("circuit-breaker opens after repeated server failures and fails fast without sending", async () => {
    const { fake, client } = setup({ maxRetries: 0, middleware: [circuitBreaker({ threshold: 2 })] });
    fake.inject("list", { type: "status", status: 503 }, { times: 2 });
    await expect(client.batches.list()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(client.batches.list()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(client.batches.list()).rejects.toThrow(/Circuit open/);
    expect(fake.count("list")).toBe(2);
    // A 404 is not the server failing: it does not count.
    const closed = setup({ middleware: [circuitBreaker({ threshold: 1 })] }).client;
    await expect(closed.batches.retrieve("missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(closed.batches.retrieve("missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("list-mock serves list pages, through listAll too, and a 404 for an unknown token", async () => {
    const batch = (id: string) => ({ id, name: id, input_dataset_id: "d", model: "m", status: "BATCH_STATUS_QUEUED" });
    const { fake, client } = setup({
      middleware: [listMock({ "": { batches: [batch("a")], next_page_token: "p2" }, p2: { batches: [batch("b")] } })],
    });
    const ids: string[] = [];
    for await (const b of client.batches.listAll()) ids.push(b.id!);
    expect(ids).toEqual(["a", "b"]);
    await expect(client.batches.list({ page_token: "nope" })).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.count()).toBe(0);
  });

  it("metrics records one line per call, with its attempts, its origin and its outcome", async () => {
    const lines: CallMetric[] = [];
    const { fake, client } = setup({ middleware: [metrics((m) => lines.push(m))] });
    fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.list();
    await client.batches.retrieve("missing").catch(() => undefined);
    fake.inject("list", { type: "status", status: 200, body: { batches: "oops" } });
    await client.batches.list().catch(() => undefined);
    for await (const _ of client.batches.listAll()) void _;
    expect(lines.map(({ ms, ...line }) => line)).toEqual([
      { operation: "batches.list", via: "direct", outcome: "ok", attempts: 2 },
      { operation: "batches.retrieve", via: "direct", outcome: "NotFoundError", attempts: 1 },
      { operation: "batches.list", via: "direct", outcome: "CohereParseError", attempts: 1 },
      { operation: "batches.list", via: "listAll", outcome: "ok", attempts: 1 },
    ]);
  });

  it("the OpenTelemetry plugin makes a call span and a span per attempt", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
    const fake = new FakeCohere();
    const client = tracedClient(tracer, { token: "test-token", fetch: fake.fetch, ...fast });
    fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    await client.batches.list();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(Array(3).fill("GET /v2/batches"));
    expect(fake.requests[1]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
