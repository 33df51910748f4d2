import { describe, expect, it } from "vitest";
import { CohereClient, CohereError, type MiddlewarePlugin, tracingMiddleware } from "../../src/index.js";
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
  it("a createId that returns a rejected promise fails the call typed, and leaves no rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const fake = new FakeCohere();
      const client = new CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        middleware: [tracingMiddleware({ createId: () => Promise.reject(new Error("no id")) as never })],
      });
      const error = await client.batches.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toContain("createId must return a non-empty string (got a promise)");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(fake.requests).toHaveLength(0);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("a createId that returns megabytes of text fails the call typed, and sends nothing", async () => {
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [tracingMiddleware({ createId: () => "x".repeat(5_000_000) })],
    });
    const error = await client.batches.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain("createId must return at most 256 characters (got 5000000)");
    expect(fake.requests).toHaveLength(0);
    // A caller's own call id too.
    const chosen = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [tracingMiddleware()] });
    const refused = await chosen.batches
      .list({}, { context: { callId: "y".repeat(300) } })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(CohereError);
    expect((refused as Error).message).toContain("a callId must be at most 256 characters (got 300)");
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses an id with a space or tab at an end, which fetch would trim from the header", async () => {
    // The header sent would say "abc" where onAttempt (and the caller's logs) said " abc".
    const fake = new FakeCohere();
    for (const id of [" abc", "abc\t", "\tabc "]) {
      const client = new CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        middleware: [tracingMiddleware({ createId: () => id })],
      });
      const error = await client.batches.list().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toContain(
        `createId must return without spaces or tabs at either end (got ${JSON.stringify(id)})`,
      );
    }
    const chosen = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [tracingMiddleware()] });
    const refused = await chosen.batches
      .list({}, { context: { callId: "call-1 " } })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(CohereError);
    expect((refused as Error).message).toContain(
      'a callId must be without spaces or tabs at either end (got "call-1 ")',
    );
    expect(fake.requests).toHaveLength(0);
    // An id with spaces inside is sent as it is.
    const inner = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [tracingMiddleware()] });
    await inner.batches.list({}, { context: { callId: "call 2" } });
    expect(fake.requests.at(-1)?.headers["x-client-request-id"]).toBe("call 2");
  });

  it("keeps one call id when a call-phase plugin sends the call twice at once (a hedge)", async () => {
    // The retry layer gives the second send a context object of its own: an id kept by context
    // object was a new call id for the same call.
    const fake = new FakeCohere();
    const hedge: MiddlewarePlugin = {
      name: "hedge",
      phase: "call",
      handle: async (request, next) => {
        const [first] = await Promise.all([next(request.clone()), next(request.clone())]);
        return first;
      },
    };
    const seen: { callId: string; attempt: number }[] = [];
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [hedge, tracingMiddleware({ onAttempt: (ids) => seen.push(ids) })],
    });
    await client.batches.list();
    const callIds = fake.requests.map((r) => r.headers["x-client-request-id"]);
    expect(callIds).toHaveLength(2);
    expect(callIds[1]).toBe(callIds[0]);
    expect(seen.map((s) => s.callId)).toEqual([callIds[0], callIds[0]]);
    expect(new Set(fake.requests.map((r) => r.headers["x-client-attempt-id"])).size).toBe(2);
  });

  it("reads onAttempt once, as it reads the other options: a getter or a later change is not consulted per attempt", async () => {
    const fake = new FakeCohere();
    let reads = 0;
    const calls: number[] = [];
    const options = {
      get onAttempt() {
        reads++;
        return (ids: { attempt: number }) => calls.push(ids.attempt);
      },
    } as { onAttempt?: (ids: { attempt: number }) => void };
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [tracingMiddleware(options)],
    });
    const readsAtFactory = reads;
    fake.inject("list", { type: "status", status: 500, retryAfterMs: 1 });
    await client.batches.list();
    await client.batches.list();
    expect(reads).toBe(readsAtFactory);
    expect(calls).toEqual([1, 2, 1]);
    // A later change to the caller's object changes nothing.
    const plain: { onAttempt?: (ids: { attempt: number }) => void } = { onAttempt: () => calls.push(-1) };
    const traced = new CohereClient({ token: "test-token", fetch: fake.fetch, middleware: [tracingMiddleware(plain)] });
    plain.onAttempt = () => {
      throw new Error("not this one");
    };
    delete plain.onAttempt;
    await traced.batches.list();
    expect(calls.at(-1)).toBe(-1);
  });
});
