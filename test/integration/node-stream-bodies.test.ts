// A custom fetch whose responses carry a Node stream as `body`, as node-fetch (v2 and v3) and
// other Node HTTP clients give it, over real HTTP to the fake. Every call failed with
// "body.getReader is not a function", retried as a connection failure.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CohereClient, CohereParseError, NotFoundError } from "../../src/index.js";
import { embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

/** The runtime's fetch, its response re-dressed with a Node stream body (and a record of the streams). */
function nodeStreamFetch(streams: Readable[] = []) {
  return async (request: Request, init?: RequestInit) => {
    const response = await fetch(request, init);
    const body = response.body === null ? null : Readable.fromWeb(response.body as never);
    if (body !== null) streams.push(body);
    return {
      status: response.status,
      statusText: response.statusText,
      ok: response.ok,
      url: response.url,
      headers: response.headers,
      body,
      arrayBuffer: () => Promise.reject(new Error("a node-fetch-like body is read as a stream")),
    } as unknown as Response;
  };
}

describe("a fetch whose bodies are Node streams", () => {
  it("reads JSON answers, error answers and downloaded results", async () => {
    const batch = await env.completedBatch(embedRequests(12));
    const client = new CohereClient({ token: "test-token", baseUrl: env.server.url, fetch: nodeStreamFetch() });
    expect((await client.batches.retrieve(batch.id as string)).batch.id).toBe(batch.id);
    expect((await client.batches.list()).batches?.length).toBeGreaterThan(0);
    await expect(client.batches.retrieve("no-such-batch")).rejects.toBeInstanceOf(NotFoundError);
    const results = [];
    for await (const result of client.batches.results(batch.id as string)) results.push(result);
    expect(results.map((r) => r.custom_id).sort()).toEqual(
      embedRequests(12)
        .map((r) => r.custom_id)
        .sort(),
    );
  });

  it("stops reading a body larger than maxResponseBytes and destroys its stream", async () => {
    await env.completedBatch(embedRequests(3));
    const streams: Readable[] = [];
    const client = new CohereClient({
      token: "test-token",
      baseUrl: env.server.url,
      fetch: nodeStreamFetch(streams),
      maxResponseBytes: 64,
    });
    await expect(client.batches.list()).rejects.toBeInstanceOf(CohereParseError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((stream) => stream.destroyed)).toBe(true);
  });
});
