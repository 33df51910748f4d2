import { describe, expect, it } from "vitest";
import { CohereClient, CohereError, tracingMiddleware } from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";

describe("tracingMiddleware", () => {
  it("sends one call id across retries and a new attempt id per attempt", async () => {
    const fake = new FakeCohere();
    const seen: { callId: string; attemptId: string; attempt: number }[] = [];
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [tracingMiddleware({ onAttempt: (ids) => seen.push(ids) })],
    });
    fake.inject("list", { type: "status", status: 500, retryAfterMs: 1 });
    await client.batches.list();
    await client.batches.list();
    const headers = fake.requests.map((r) => [r.headers["x-client-request-id"], r.headers["x-client-attempt-id"]]);
    expect(headers).toHaveLength(3);
    expect(headers[0]![0]).toBe(headers[1]![0]);
    expect(headers[2]![0]).not.toBe(headers[0]![0]);
    expect(new Set(headers.map((h) => h[1])).size).toBe(3);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 1]);
    expect(seen[0]!.callId).toBe(headers[0]![0]);
  });

  it("uses the caller's call id from the request context, and custom header names", async () => {
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [tracingMiddleware({ callHeader: "traceparent-ish", attemptHeader: "x-try" })],
    });
    await client.batches.list({}, { context: { callId: "job-42" } });
    expect(fake.requests[0]!.headers["traceparent-ish"]).toBe("job-42");
    expect(fake.requests[0]!.headers["x-try"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a header the SDK sets, and one header for both ids", () => {
    // An id in Authorization replaced the token: every call a 401.
    expect(() => tracingMiddleware({ callHeader: "Authorization" })).toThrow(
      /^Invalid tracingMiddleware options: callHeader must not be a header the SDK or fetch sets/,
    );
    // Idempotency-Key: a new key per attempt, never the caller's (two batches after a lost answer).
    for (const name of ["content-type", "Content-Length", "HOST", "Idempotency-Key", "expect", "Accept", "traceparent"])
      expect(() => tracingMiddleware({ attemptHeader: name })).toThrow(/attemptHeader must not be a header/);
    expect(() => tracingMiddleware({ callHeader: "X-Id", attemptHeader: "x-id" })).toThrow(
      'Invalid tracingMiddleware options: callHeader and attemptHeader must differ (both "X-Id")',
    );
  });

  it("a createId that returns no text fails the call typed, and sends nothing", async () => {
    for (const [id, shown] of [
      [123, "123"],
      ["", "an empty string"],
      [undefined, "undefined"],
      [Promise.resolve("x"), "a promise"],
    ] as const) {
      const fake = new FakeCohere();
      const client = new CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        middleware: [tracingMiddleware({ createId: () => id as never })],
      });
      // It was sent as "123", "", "undefined" or "[object Promise]".
      const error = await client.batches.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toContain(
        `tracingMiddleware: createId must return a non-empty string (got ${shown})`,
      );
      expect(fake.requests).toHaveLength(0);
    }
  });
});
