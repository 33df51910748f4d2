// The core's streamed download: each wait for bytes bounded, a body short of its Content-Length
// a connection failure, and a URL that is not http(s) refused before sending.
import { describe, expect, it } from "vitest";
import { readStreamedBody } from "../../src/core/streamed-body.js";
import {
  CohereAbortError,
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereTimeoutError,
} from "../../src/index.js";
import { FakeCohere, ManualClock } from "../../src/testing/index.js";
import { collect, embedRequests } from "../helpers/results-fake.js";

const bytes = (n: number) => new Uint8Array(n).fill(7);

function stalling(first: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(first);
    },
  });
}

describe("readStreamedBody", () => {
  it("yields the chunks of a body that ends as its Content-Length says", async () => {
    const response = new Response(bytes(10), { headers: { "content-length": "10" } });
    const chunks = await collect(readStreamedBody(response, { timeoutInSeconds: 1, signal: undefined }));
    expect(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)).toBe(10);
  });

  it("a body that ends short of its Content-Length is a CohereConnectionError", async () => {
    const response = new Response(bytes(10), { headers: { "content-length": "20" } });
    const error = await collect(readStreamedBody(response, { timeoutInSeconds: 1, signal: undefined })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toContain("10 of its 20 bytes");
  });

  it("a body that stalls ends after timeoutInSeconds without a byte, as CohereTimeoutError", async () => {
    const started = performance.now();
    const body = readStreamedBody(new Response(stalling(bytes(3))), { timeoutInSeconds: 0.2, signal: undefined });
    await expect(collect(body)).rejects.toBeInstanceOf(CohereTimeoutError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("the caller's abort ends a wait for bytes, as CohereAbortError", async () => {
    const controller = new AbortController();
    const body = readStreamedBody(new Response(stalling(bytes(3))), {
      timeoutInSeconds: 30,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("leaving")), 50);
    await expect(collect(body)).rejects.toBeInstanceOf(CohereAbortError);
  });
});

describe("downloads through fake.fetch (no server: the fake routes by host)", () => {
  it("reads a batch's results from the download origin, which is another host", async () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 3 });
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
    const { id } = await client.datasets.create({ name: "n", type: "batch-embed-v2-input", data: embedRequests(9) });
    clock.advance(60_000);
    const { batch } = await client.batches.create({ name: "n", input_dataset_id: id, model: "embed-v4.0" });
    clock.advance(3_600_000);
    expect((await collect(client.batches.results(batch.id as string))).length).toBe(9);
    const hosts = new Set(
      fake.requests.filter((r) => r.operation === "datasets.download").map((r) => new URL(r.url).host),
    );
    expect([...hosts]).toEqual(["storage.fake-cohere.test"]);
    expect(fake.downloadAuthorizations).toEqual([]);
  });

  it.each([
    ["not http(s)", "file:///etc/passwd", /not an http\(s\) URL/],
    ["carrying credentials (fetch refuses it)", "https://user:secret@storage.test/p", /carries credentials/],
  ])("a part URL %s is a CohereError, and nothing is sent to it", async (_, url, message) => {
    const sent: string[] = [];
    const fetch = async (request: Request) => {
      sent.push(request.url);
      const part = { id: "p", name: "part-0.avro", index: 0, url };
      const dataset = {
        id: "d",
        name: "d",
        created_at: "x",
        updated_at: "x",
        dataset_type: "t",
        validation_status: "validated",
        dataset_parts: [part],
      };
      return Response.json({ dataset });
    };
    const client = new CohereClient({ token: "test-token", fetch, baseUrl: "https://api.test" });
    const error = await collect(client.datasets.records("d")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(message);
    // The credentials are not shown.
    expect((error as Error).message).not.toContain("secret");
    expect(sent).toEqual(["https://api.test/v1/datasets/d"]);
  });
});
