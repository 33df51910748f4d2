import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import {
  CohereAbortError,
  CohereClient,
  CohereError,
  CohereTimeoutError,
  type MiddlewareContext,
  type MiddlewarePlugin,
  rateLimitMiddleware,
} from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";

function setup(requestsPerMinute: number, burst: number) {
  const fake = new FakeCohere();
  const client = new CohereClient({
    token: "test-token",
    fetch: fake.fetch,
    middleware: [rateLimitMiddleware({ requestsPerMinute, burst })],
  });
  return { fake, client };
}

describe("rateLimitMiddleware", () => {
  it("lets a burst through at once, then spaces calls at the rate", async () => {
    // 1,200 per minute = one every 50 ms, after a burst of 3.
    const { fake, client } = setup(1_200, 3);
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, () => client.batches.list().then(() => times.push(performance.now() - started))),
    );
    times.sort((a, b) => a - b);
    // The burst ends together (spaced at the rate, its 3 calls would span 100 ms: the bound
    // leaves a busy machine room); the 7th call waits for 4 refills after it: about 200 ms.
    expect(times[2]! - times[0]!).toBeLessThan(90);
    expect(times[6]! - times[2]!).toBeGreaterThanOrEqual(150);
    expect(times[6]).toBeGreaterThanOrEqual(190);
    expect(times[6]).toBeLessThan(800);
    expect(fake.count("list")).toBe(7);
  });

  it("runs once per call, not per retry, and is listed in the call phase", async () => {
    const { fake, client } = setup(60, 1);
    fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    const started = performance.now();
    await client.batches.list();
    expect(performance.now() - started).toBeLessThan(500);
    expect(fake.count("list")).toBe(2);
    expect(client.describeMiddleware().map((layer) => `${layer.phase}:${layer.name}`)).toEqual([
      "call:request-options",
      "call:rate-limit",
      "call:retry",
      "attempt:timeout",
      "attempt:error-mapping",
      "attempt:auth",
      "attempt:transport",
    ]);
  });

  it("ends a wait at once on abort, sends nothing, and gives the slot back", async () => {
    const { fake, client } = setup(60, 1); // one per second
    await client.batches.list();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    await expect(client.batches.list({}, { abortSignal: controller.signal })).rejects.toBeInstanceOf(CohereAbortError);
    expect(performance.now() - started).toBeLessThan(300);
    expect(fake.count("list")).toBe(1);
  });

  it("a call aborted in line lets those behind it move up: never more than burst at once", async () => {
    // One per 100 ms, burst 1. B is aborted while it waits; C and D kept the times they were given
    // on arrival, and E, arriving later, was given D's: D and E went 2 ms apart.
    const { fake, client } = setup(600, 1);
    const started = performance.now();
    const sent: [string, number][] = [];
    const call = (name: string, abortSignal?: AbortSignal) =>
      client.batches.list({}, { abortSignal }).then(() => {
        sent.push([name, performance.now() - started]);
      });
    const controller = new AbortController();
    const calls = [
      call("A"),
      call("B", controller.signal).catch(() => sent.push(["B aborted", -1])),
      call("C"),
      call("D"),
    ];
    setTimeout(() => controller.abort(), 20);
    await new Promise((resolve) => setTimeout(resolve, 40));
    calls.push(call("E"));
    await Promise.all(calls);
    expect(sent.map(([name]) => name)).toEqual(["A", "B aborted", "C", "D", "E"]);
    const times = sent.filter(([, at]) => at >= 0).map(([, at]) => at);
    // C takes B's place (about 100 ms), D and E follow one slot apart each.
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(80);
    expect(times[1]).toBeLessThan(180);
    expect(fake.count("list")).toBe(4);
  });

  it("a call made in the tick its line's last waiter is aborted goes at the next slot", async () => {
    // It found the stopped pump still set, started none, and waited for ever (no signal of its own).
    const { fake, client } = setup(600, 1); // one per 100 ms
    await client.batches.list();
    const controller = new AbortController();
    const first = client.batches.list({}, { abortSignal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const started = performance.now();
    const second = client.batches.list();
    expect(await first).toBeInstanceOf(CohereAbortError);
    await second;
    expect(performance.now() - started).toBeLessThan(500);
    expect(fake.count("list")).toBe(2);
  });

  it("a clock that fails while calls wait fails each of them with its typed error, and nothing more is sent", async () => {
    let answer: unknown = 0;
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [rateLimitMiddleware({ requestsPerMinute: 600, burst: 1, now: () => answer as number })],
    });
    await client.batches.list();
    const waiting = [client.batches.list(), client.batches.list()].map((p) => p.catch((e: unknown) => e));
    answer = Number.NaN;
    for (const error of await Promise.all(waiting)) {
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toContain(
        "rateLimitMiddleware: now() must return a finite number of ms (got NaN)",
      );
    }
    expect(fake.count("list")).toBe(1);
  });

  it("a wait for a slot longer than timeoutInSeconds is waited out: the calls go, in turn, and leave nothing behind", async () => {
    // One every 100 ms after a burst of 1, each attempt allowed 50 ms. The timeout bounds
    // attempts (and users' plugins' own time), not the queue: a wait cut short there kept its
    // slot, and the calls behind it waited longer, failed too, and left their timers running.
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      timeoutInSeconds: 0.05,
      middleware: [rateLimitMiddleware({ requestsPerMinute: 600, burst: 1 })],
    });
    const signal = new AbortController().signal;
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => client.batches.list({}, { abortSignal: signal })),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(fake.count("list")).toBe(4);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("a user's call-phase plugin made to look like the rate limiter is still bounded by timeoutInSeconds", async () => {
    const limiter = rateLimitMiddleware();
    const stalls = () => new Promise<Response>(() => {});
    const lookalikes: Record<string, (...args: never[]) => Promise<Response>> = {
      "its fields copied": Object.assign(() => stalls(), limiter.handle),
      "it as prototype": Object.setPrototypeOf(() => stalls(), limiter.handle),
      "a Proxy of it": new Proxy(limiter.handle, { apply: () => stalls() }),
    };
    const fake = new FakeCohere();
    for (const [what, handle] of Object.entries(lookalikes)) {
      const client = new CohereClient({
        token: "test-token",
        fetch: fake.fetch,
        timeoutInSeconds: 0.05,
        middleware: [{ name: "lookalike", phase: "call", handle: handle as never }],
      });
      const error = await client.batches.list().catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(CohereTimeoutError);
    }
    expect(fake.count("list")).toBe(0);
  });

  it("refuses nonsense settings", () => {
    expect(() => rateLimitMiddleware({ requestsPerMinute: 0 })).toThrow(/requestsPerMinute/);
    expect(() => rateLimitMiddleware({ burst: 0.5 })).toThrow(/burst/);
  });

  it("a clock that answers junk is a typed error: NaN turned the limit off for good", async () => {
    expect(() => rateLimitMiddleware({ now: () => Number.NaN })).toThrow(
      "rateLimitMiddleware: now() must return a finite number of ms (got NaN)",
    );
    const throwing = () => {
      throw new Error("no clock");
    };
    expect(() => rateLimitMiddleware({ now: throwing })).toThrow(CohereError);
    expect(() => rateLimitMiddleware({ now: throwing })).toThrow("rateLimitMiddleware: now() threw: no clock");
    let answer: unknown = 0;
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [rateLimitMiddleware({ now: () => answer as number })],
    });
    answer = "soon";
    const error = await client.batches.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain(
      "rateLimitMiddleware: now() must return a finite number of ms (got string)",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("a clock set back refills from its new time: calls under the limit are not held until it catches up", async () => {
    let time = 1_000_000;
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [rateLimitMiddleware({ requestsPerMinute: 600, burst: 5, now: () => time })],
    });
    await client.batches.list();
    time -= 60_000;
    // One call per 200 ms of the clock, half the limit: each refills more than it takes. Held at
    // the later time, the clock refilled nothing for 60 s: past the burst, each call waited longer.
    const started = performance.now();
    for (let i = 0; i < 10; i++) {
      time += 200;
      await client.batches.list();
    }
    expect(performance.now() - started).toBeLessThan(300);
  });

  it("a clock set back takes no slot back: the burst left is still there at once", async () => {
    let time = 100_000;
    const fake = new FakeCohere();
    const client = new CohereClient({
      token: "test-token",
      fetch: fake.fetch,
      middleware: [rateLimitMiddleware({ requestsPerMinute: 6, burst: 10, now: () => time })],
    });
    await client.batches.list();
    time -= 10_000;
    const started = performance.now();
    // The 9 left: counted backwards, 10 s at 6 a minute took one away, and the 9th waited 10 s.
    await Promise.all(Array.from({ length: 9 }, () => client.batches.list()));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fake.count("list")).toBe(10);
  });
  it("alone, with a stub next: a call whose caller has aborted already fails at once, sends nothing and takes no slot", async () => {
    const limiter = rateLimitMiddleware({ requestsPerMinute: 60, burst: 1 }); // one per second
    let sent = 0;
    const next = async () => {
      sent++;
      return new Response("{}");
    };
    const reason = new Error("stop");
    const context = { operation: "batches.list", state: {}, signal: AbortSignal.abort(reason) };
    const error = await limiter
      .handle(new Request("https://api.example/v2/batches"), next, context as unknown as MiddlewareContext)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).cause).toBe(reason);
    expect(sent).toBe(0);
    // Its one slot is still there: the next call goes at once.
    const started = performance.now();
    const live = { ...context, signal: undefined } as unknown as MiddlewareContext;
    await limiter.handle(new Request("https://api.example/v2/batches"), next, live);
    expect(performance.now() - started).toBeLessThan(200);
    expect(sent).toBe(1);
  });

  it("its handle reached after the call ended (a plugin of the user's that calls it late) takes no slot", async () => {
    // A plugin limits only creates, calling the limiter's handle after an await of its own; an
    // outer plugin answered meanwhile. A free token was taken for the ended call (whose next()
    // then sent nothing): the calls behind went a slot later.
    for (const tokenFree of [true, false]) {
      const fake = new FakeCohere();
      const limiter = rateLimitMiddleware({ requestsPerMinute: 60, burst: 1 }); // one per second
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      let reached: Promise<unknown> | undefined;
      const late: MiddlewarePlugin = {
        name: "limit-late",
        phase: "call",
        handle: async (request, next, context) => {
          await gate;
          reached = limiter.handle(request, next, context).catch((caught: unknown) => caught);
          return reached as Promise<Response>;
        },
      };
      const cache: MiddlewarePlugin = {
        name: "cache",
        phase: "call",
        handle: (request, next) => {
          next(request).catch(() => {});
          return new Promise((r) => setTimeout(r, 20)).then(() => Response.json({ batches: [] }));
        },
      };
      const options = { token: "test-token", fetch: fake.fetch };
      const plain = new CohereClient({ ...options, middleware: [limiter] });
      const cached = new CohereClient({ ...options, middleware: [cache, late] });
      if (!tokenFree) await plain.batches.list(); // the next slot is a second away
      expect(await cached.batches.list()).toEqual({ batches: [] });
      open();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      const error = await reached;
      expect(performance.now() - started).toBeLessThan(100);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(/^The call had ended/);
      await plain.batches.list();
      // With a token free, the call behind goes at once; else at the slot it was due (1 s, not 2 s).
      expect(performance.now() - started).toBeLessThan(tokenFree ? 200 : 1_500);
      expect(fake.count("list")).toBe(tokenFree ? 1 : 2);
    }
  });
});
