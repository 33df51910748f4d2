// The README's plugin example: write a plugin, place it, and test it with cohere-batches/testing.
import { CohereClient, loggingMiddleware, tracingMiddleware, type MiddlewarePlugin } from "cohere-batches";
import { FakeCohere } from "cohere-batches/testing";
import { expect, it } from "vitest";

/** Measures whole calls, retries included: so it runs once per call, in the "call" phase. */
function callTimer(record: (operation: string, ms: number, ok: boolean) => void): MiddlewarePlugin {
  return {
    name: "call-timer",
    phase: "call",
    handle: async (request, next, context) => {
      const started = performance.now();
      let ok = false;
      try {
        const response = await next(request);
        ok = response.ok;
        return response;
      } finally {
        record(context.operation, performance.now() - started, ok);
      }
    },
  };
}

it("times whole calls, once per call even when the SDK retries", async () => {
  const fake = new FakeCohere();
  const timings: { operation: string; ok: boolean }[] = [];
  const lines: string[] = [];
  const logger = {
    debug() {},
    info: (message: string) => lines.push(message),
    warn: (message: string) => lines.push(message),
    error: (message: string) => lines.push(message),
  };

  const client = new CohereClient({
    token: "test-token",
    fetch: fake.fetch,
    middleware: [
      callTimer((operation, _ms, ok) => timings.push({ operation, ok })),
      loggingMiddleware({ logger }),
      tracingMiddleware(),
    ],
  });

  // The order is declared by phase, not by array position:
  expect(
    client
      .describeMiddleware()
      .filter((layer) => !layer.builtIn)
      .map((layer) => `${layer.phase}:${layer.name}`),
  ).toEqual(["call:call-timer", "attempt:logging", "attempt:tracing"]);

  fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 }); // one retry
  await client.batches.list({ page_size: 10 });

  expect(timings).toEqual([{ operation: "batches.list", ok: true }]); // once per call
  expect(lines).toEqual(["GET /v2/batches?page_size=10 503", "GET /v2/batches?page_size=10 200"]); // once per attempt
  expect(fake.requests[0]!.headers["x-client-request-id"]).toBe(fake.requests[1]!.headers["x-client-request-id"]);
});
