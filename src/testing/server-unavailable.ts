import type { FakeCohere } from "./fake-cohere.js";
import type { FakeCohereServer, FakeCohereServerOptions } from "./server-types.js";

/**
 * `startFakeCohereServer` where there is no Node HTTP server (browsers, workers, edge): the
 * same signature as in Node, so that one set of types serves every build (TypeScript's
 * `moduleResolution: "bundler"` reads this build's types, also for tests that run in Node), and
 * a rejection that says what to use instead, where an import of a missing export would fail
 * the bundle.
 *
 * @example
 * ```ts
 * // Outside Node, give the client the fake's fetch instead of a server's URL:
 * const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
 * ```
 * @throws `TypeError`, always (the promise rejects): this build has no HTTP server; the message
 * says to pass `fetch: fake.fetch` instead.
 */
export function startFakeCohereServer(
  _fake: FakeCohere,
  _options?: FakeCohereServerOptions,
): Promise<FakeCohereServer> {
  return Promise.reject(
    new TypeError(
      "startFakeCohereServer needs Node's HTTP server, and this runtime loaded the build of cohere-batches/testing without it: give the client `fetch: fake.fetch` instead",
    ),
  );
}
