import { afterAll, beforeAll } from "vitest";
import { FakeCohere, type FakeCohereServer, ManualClock, startFakeCohereServer } from "../../src/testing/index.node.js";

/** One way of reaching a fake: in memory (fake.fetch) or over real HTTP (global fetch). */
export interface Transport {
  readonly name: string;
  readonly base: () => string;
  readonly fetch: (fake: FakeCohere) => typeof globalThis.fetch;
}

/**
 * The two transports for a test file, so the same behaviour is checked in memory and over HTTP.
 * The HTTP one serves a single fake for the whole file (`served()`), reset by the tests between
 * uses instead of restarting the server.
 */
export function useTransports(makeServed: () => FakeCohere): {
  transports: readonly Transport[];
  served: () => FakeCohere;
} {
  let server: FakeCohereServer | undefined;
  let served: FakeCohere | undefined;
  beforeAll(async () => {
    served = makeServed();
    server = await startFakeCohereServer(served);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    transports: [
      {
        name: "fake.fetch",
        base: () => "https://api.cohere.com",
        fetch: (fake) => fake.fetch as typeof globalThis.fetch,
      },
      { name: "HTTP server", base: () => server?.url ?? "", fetch: () => globalThis.fetch },
    ],
    served: () => served as FakeCohere,
  };
}

/** A fake ready for one test, and an authenticated `call` to it through `transport`. */
export interface FreshFake {
  readonly fake: FakeCohere;
  readonly clock: ManualClock;
  readonly call: (path: string, init?: RequestInit) => Promise<Response>;
}

/**
 * The fake for one test: the file's served fake, reset and set to 2026-01-01, over HTTP; a new
 * seeded fake in memory. Calls carry the fake's default token unless `init.headers` says otherwise.
 */
export function freshFake(transport: Transport, served: () => FakeCohere): FreshFake {
  let fake: FakeCohere;
  let clock: ManualClock;
  if (transport.name === "HTTP server") {
    fake = served();
    fake.reset({ batches: true });
    clock = fake.clock as ManualClock;
    clock.set(Date.UTC(2026, 0, 1));
  } else {
    clock = new ManualClock();
    fake = new FakeCohere({ clock, seed: 7 });
  }
  const doFetch = transport.fetch(fake);
  const call = (path: string, init: RequestInit = {}) =>
    doFetch(`${transport.base()}${path}`, {
      ...init,
      headers: { authorization: "Bearer test-token", ...(init.headers as Record<string, string>) },
    });
  return { fake, clock, call };
}
