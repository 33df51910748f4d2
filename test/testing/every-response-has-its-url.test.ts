/**
 * Every response `fake.fetch` gives carries the URL it answers, as a real fetch's response does
 * (an SDK reports it in its errors): not only an operation's, but also the bodiless copy made for
 * a HEAD, the 500 of a clock gone bad, a fault's, and their clones. Each case is also asked of
 * Node's own fetch over the fake's HTTP server, which sets `url` itself: the two must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Clock,
  FakeCohere,
  type FakeCohereServer,
  type Fault,
  startFakeCohereServer,
} from "../../src/testing/index.node.js";

const AUTH = { authorization: "Bearer test-token" };
const API = "https://api.cohere.com";

/** A clock that the test can break: `now` gives the time, or throws what `broken` holds. */
class BreakableClock implements Clock {
  broken: (() => number) | undefined;
  now(): number {
    return this.broken === undefined ? Date.UTC(2026, 0, 1) : this.broken();
  }
}

/** Through `fake.fetch` (base `API`) and through Node's fetch to the served twin (base `server.url`). */
interface Case {
  name: string;
  path: string;
  init?: RequestInit;
  /** Sets the case up on a fake (the two fakes alike). */
  arrange?: (fake: FakeCohere, clock: BreakableClock) => void;
  status: number;
}

const CASES: Case[] = [
  { name: "a HEAD the fake answers with a bodied 405", path: "/v2/batches", init: { method: "HEAD" }, status: 405 },
  { name: "a HEAD of an unknown path (404)", path: "/v2/nothing-here", init: { method: "HEAD" }, status: 404 },
  {
    name: "the 500 for a clock whose now() throws",
    path: "/v2/batches",
    arrange: (_, clock) => {
      clock.broken = () => {
        throw new Error("the clock broke");
      };
    },
    status: 500,
  },
  {
    name: "the 500 for a clock whose now() gives no time",
    path: "/v2/batches",
    arrange: (_, clock) => {
      clock.broken = () => Number.NaN;
    },
    status: 500,
  },
  {
    name: "a HEAD while the clock is broken",
    path: "/v2/batches",
    init: { method: "HEAD" },
    arrange: (_, clock) => {
      clock.broken = () => Number.NaN;
    },
    status: 500,
  },
  ...(
    [
      { type: "status", status: 503, retryAfter: "1" },
      { type: "malformed-body" },
      { type: "empty-body" },
      { type: "missing-field" },
      { type: "truncate" },
      { type: "delay", ms: 1 },
    ] satisfies Fault[]
  ).map(
    (fault): Case => ({
      name: `a ${fault.type} fault`,
      path: "/v2/batches?page_size=2",
      arrange: (fake) => {
        fake.inject("list", fault);
      },
      status: fault.type === "status" ? 503 : 200,
    }),
  ),
  { name: "a listing", path: "/v2/batches?page_size=2", status: 200 },
];

function setUp(): { fake: FakeCohere; clock: BreakableClock } {
  const clock = new BreakableClock();
  return { fake: new FakeCohere({ clock }), clock };
}

let served: { fake: FakeCohere; clock: BreakableClock; server: FakeCohereServer };

beforeAll(async () => {
  const { fake, clock } = setUp();
  served = { fake, clock, server: await startFakeCohereServer(fake) };
});

afterAll(async () => {
  await served.server.close();
});

describe("every response of fake.fetch carries the request's URL", () => {
  it.each(CASES)("$name, as Node's fetch over HTTP does", async ({ path, init, arrange, status }) => {
    const { fake, clock } = setUp();
    arrange?.(fake, clock);
    const response = await fake.fetch(`${API}${path}`, { ...init, headers: AUTH });
    expect(response.status).toBe(status);
    expect(response.url).toBe(`${API}${path}`);
    await response.arrayBuffer();

    served.clock.broken = undefined;
    arrange?.(served.fake, served.clock);
    const real = await fetch(`${served.server.url}${path}`, { ...init, headers: AUTH });
    expect(real.status).toBe(status);
    expect(real.url).toBe(`${served.server.url}${path}`);
    await real.arrayBuffer();
    served.clock.broken = undefined;
  });

  it("a HEAD's response has no body, and its url", async () => {
    const { fake } = setUp();
    const response = await fake.fetch(`${API}/v2/batches`, { method: "HEAD", headers: AUTH });
    expect(response.body).toBeNull();
    expect(response.url).toBe(`${API}/v2/batches`);
  });

  it("the clock's 500 names the clock, and has its url", async () => {
    const { fake, clock } = setUp();
    clock.broken = () => {
      throw new Error("the clock broke");
    };
    const response = await fake.fetch(`${API}/v2/batches/b-1`, { headers: AUTH });
    expect(response.status).toBe(500);
    expect(response.url).toBe(`${API}/v2/batches/b-1`);
    expect(await response.json()).toEqual({ message: "FakeCohere internal error: Error: the clock broke" });
  });

  it("keeps its url on a clone, and on a clone's clone, as a real response does", async () => {
    const { fake } = setUp();
    const response = await fake.fetch(`${API}/v2/batches`, { headers: AUTH });
    const clone = response.clone();
    expect(clone.url).toBe(`${API}/v2/batches`);
    expect(clone.clone().url).toBe(`${API}/v2/batches`);
    // Both bodies are still readable: the clone is a real one.
    expect(await clone.json()).toEqual(await response.json());

    const real = await fetch(`${served.server.url}/v2/batches`, { headers: AUTH });
    expect(real.clone().url).toBe(`${served.server.url}/v2/batches`);
    await real.arrayBuffer();
  });

  it("leaves out the request's fragment, as Node's fetch does", async () => {
    const { fake } = setUp();
    const response = await fake.fetch(`${API}/v2/batches?page_size=1#top`, { headers: AUTH });
    expect(response.url).toBe(`${API}/v2/batches?page_size=1`);
    const real = await fetch(`${served.server.url}/v2/batches?page_size=1#top`, { headers: AUTH });
    expect(real.url).toBe(`${served.server.url}/v2/batches?page_size=1`);
    await Promise.all([response.arrayBuffer(), real.arrayBuffer()]);
  });

  it("fake.handle's responses carry it too, the clock's 500 included", async () => {
    const { fake, clock } = setUp();
    clock.broken = () => Number.NaN;
    const response = await fake.handle(new Request(`${API}/v2/batches`, { headers: AUTH }));
    expect(response.status).toBe(500);
    expect(response.url).toBe(`${API}/v2/batches`);
  });
});
