// The README's `fetch` option with npm undici (a proxy's dispatcher is the usual reason), over
// real HTTP to the fake. undici's own fetch takes the runtime's `Request` (a class of Node's copy
// of undici) for a URL: every call failed with "Invalid URL", retried as a connection failure.
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { CohereClient, CohereConnectionError, CohereError } from "../../src/index.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

/** An undici Agent that counts what it sends: the proof that the dispatcher was used. */
class CountingAgent extends Agent {
  sent = 0;
  override dispatch(...args: Parameters<Agent["dispatch"]>): boolean {
    this.sent++;
    return super.dispatch(...args);
  }
}
const dispatcher = new CountingAgent();
afterAll(() => dispatcher.close());

describe("npm undici's fetch as the fetch option", () => {
  it("given the runtime's Request as it is: refused at once as bad input, not retried as a connection failure", async () => {
    const client = new CohereClient({
      token: "test-token",
      baseUrl: env.server.url,
      fetch: (request, init) => undiciFetch(request as never, { ...(init as object), dispatcher }) as never,
    });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(CohereError.is(error) && !CohereConnectionError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      "batches.list (GET /v2/batches): fetch refused the request: it cannot read a Request of this runtime (Invalid URL (ERR_INVALID_URL)); see the fetch option in the README",
    );
    expect(env.fake.count("list")).toBe(0);
  });

  // The README's two forms: the dispatcher on the runtime's fetch, or undici's fetch given the parts.
  const forms: [string, (request: Request, init?: RequestInit) => Promise<Response>][] = [
    [
      "the runtime's fetch with undici's dispatcher",
      (request, init) => fetch(request, { ...init, dispatcher } as RequestInit),
    ],
    [
      "undici's fetch given the request's parts",
      (request, init) =>
        undiciFetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          duplex: "half",
          redirect: init?.redirect ?? request.redirect,
          signal: init?.signal ?? request.signal,
          dispatcher,
        } as never) as unknown as Promise<Response>,
    ],
  ];
  it.each(forms)("%s: lists, creates, uploads and reads results through the dispatcher", async (_, form) => {
    const client = new CohereClient({ token: "test-token", baseUrl: env.server.url, fetch: form });
    const before = dispatcher.sent;
    await client.batches.list();
    const { id } = await client.datasets.create({
      name: "undici",
      type: "batch-embed-v2-input",
      data: embedRequests(4),
    });
    env.clock.advance(60_000);
    const { batch } = await client.batches.create({ name: "undici", input_dataset_id: id, model: "embed-v4.0" });
    env.clock.advance(3_600_000);
    const results = await collect(client.batches.results(batch.id as string));
    expect(results).toHaveLength(4);
    // list, upload, create, the results' retrieves and the part download: all through the agent.
    expect(dispatcher.sent - before).toBeGreaterThanOrEqual(5);
  });
});
