import { afterAll, beforeAll } from "vitest";
import { type FakeCohere, type FakeCohereServer, startFakeCohereServer } from "../../src/testing/index.node.js";

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
