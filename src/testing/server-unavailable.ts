import type { FakeCohere } from "./fake-cohere.js";
import { checkServerArguments } from "./server-option-checks.js";
import type { FakeCohereServer, FakeCohereServerOptions } from "./server-types.js";

/**
 * `startFakeCohereServer` where there is no Node HTTP server (browsers, workers, edge): the
 * same signature as in Node, so that one set of types serves every build (TypeScript's
 * `moduleResolution: "bundler"` reads this build's types, also for tests that run in Node, and
 * one API report, etc/cohere-batches-testing.api.md, holds both builds), and a rejection that
 * says what to use instead, where an import of a missing export would fail the bundle. Its
 * arguments are checked as in Node first: a misuse is named the same in every runtime.
 *
 * @example
 * ```ts
 * // Outside Node, give the client the fake's fetch instead of a server's URL:
 * const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
 * ```
 * @throws Always (the promise rejects): a `TypeError` or `RangeError` for an argument that is
 * not one, as in Node; else a `TypeError` saying that this build has no HTTP server and to pass
 * `fetch: fake.fetch` instead.
 * @public
 */
export async function startFakeCohereServer(
  fake: FakeCohere,
  options: FakeCohereServerOptions = {},
): Promise<FakeCohereServer> {
  checkServerArguments(fake, options);
  throw new TypeError(
    "startFakeCohereServer needs Node's HTTP server, and this runtime loaded the build of cohere-batches/testing without it: give the client `fetch: fake.fetch` instead",
  );
}
