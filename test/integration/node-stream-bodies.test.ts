// A custom fetch whose responses carry a Node stream as `body`, as node-fetch (v2 and v3) and
// other Node HTTP clients give it, over real HTTP to the fake. Every call failed with
// "body.getReader is not a function", retried as a connection failure.
import { Readable } from "node:stream";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  CohereClient,
  CohereParseError,
  CohereTimeoutError,
  NotFoundError,
  ServiceUnavailableError,
} from "../../src/index.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

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

/** A body stream whose chunks are `chunks` as they are: strings, say, where fetch gives bytes. */
function chunkStream(chunks: unknown[]): ReadableStream {
  return Readable.toWeb(Readable.from(chunks)) as ReadableStream;
}

/**
 * A custom fetch that fetches from the fake and answers with its body cut into
 * `chunksOf(bytes)` (its headers kept), and how many calls it had.
 */
function rechunking(chunksOf: (bytes: Uint8Array) => unknown[]) {
  const made = {
    calls: 0,
    fetch: async (request: Request, init?: RequestInit) => {
      made.calls++;
      const response = await fetch(request, init);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return new Response(chunkStream(chunksOf(bytes)), { headers: response.headers });
    },
  };
  return made;
}

/**
 * A client capped at 1 KiB whose fetch answers with `first()` as the body's first chunk, then
 * 64 KiB chunks as they are pulled (200 in all), counting its calls and the pulls of the last.
 */
function floodAfter(first: () => unknown) {
  const counts = { calls: 0, pulled: 0 };
  const client = env.client({
    maxResponseBytes: 1024,
    fetch: async () => {
      counts.calls++;
      counts.pulled = 0;
      return new Response(
        new ReadableStream({
          start: (controller) => controller.enqueue(first()),
          pull: (controller) => {
            if (++counts.pulled === 200) controller.close();
            else controller.enqueue(new Uint8Array(64 * 1024));
          },
        }),
      );
    },
  });
  return { client, counts };
}

describe("a body whose chunks are not bytes", () => {
  it("is a CohereParseError for a 2xx (a fixture replayed through Readable.toWeb), not retried", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    const replay = rechunking((bytes) => [new TextDecoder().decode(bytes)]);
    const client = env.client({ fetch: replay.fetch });
    const error = await client.batches.retrieve(batch.id as string).catch((e: unknown) => e);
    expect(CohereParseError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as CohereParseError).message).toBe(
      "batches.retrieve (GET /v2/batches/{id}): Unexpected response body (status 200): a chunk of the body is not bytes (Uint8Array)",
    );
    expect(replay.calls).toBe(1);
  });

  it.each([
    ["an object whose tag says Uint8Array", () => ({ [Symbol.toStringTag]: "Uint8Array" })],
    ["a Proxy of a Uint8Array", () => new Proxy(new Uint8Array(8), {})],
    [
      "a Uint8Array whose byteLength lies",
      () =>
        Object.defineProperty(new Uint8Array(8), "byteLength", {
          get: () => -5,
        }),
    ],
  ])("refuses %s (not counted as bytes: the cap holds, not retried as a connection failure)", async (_, chunk) => {
    const { client, counts } = floodAfter(chunk);
    const error = await client.batches.retrieve("b1").catch((e: unknown) => e);
    expect(CohereParseError.is(error) || (error as Error).message).toBe(true);
    expect(counts.calls).toBe(1);
    expect(counts.pulled).toBeLessThanOrEqual(2);
  });

  it("counts a Uint8Array whose byteLength lies by its bytes: one alone reads whole", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    const client = env.client({
      fetch: rechunking((bytes) => [Object.defineProperty(bytes, "byteLength", { get: () => -5 })]).fetch,
    });
    expect((await client.batches.retrieve(batch.id as string)).batch.id).toBe(batch.id);
  });

  it("leaves an error status its ApiError: a 503 stays a retried ServiceUnavailableError", async () => {
    let calls = 0;
    const client = env.client({
      fetch: async () => {
        calls++;
        return new Response(chunkStream(['{"message":"busy"}']), { status: 503, headers: { "retry-after-ms": "1" } });
      },
    });
    const error = await client.batches.retrieve("b1").catch((e: unknown) => e);
    expect(ServiceUnavailableError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBe(3);
  });

  it("holds maxResponseBytes: an empty string first, then 64 KiB chunks, is refused at once", async () => {
    const { client, counts } = floodAfter(() => "");
    const error = await client.batches.retrieve("b1").catch((e: unknown) => e);
    expect(CohereParseError.is(error)).toBe(true);
    expect((error as CohereParseError).message).toMatch(/not bytes/);
    expect(counts.calls).toBe(1);
    // The stream fills its queue one chunk ahead of the read, no further.
    expect(counts.pulled).toBeLessThanOrEqual(2);
  });

  it("refuses a chunk whose buffer is detached: a CohereParseError, not a raw TypeError or a retried connection failure", async () => {
    let calls = 0;
    const client = env.client({
      fetch: async () => {
        calls++;
        const detached = Buffer.alloc(16);
        structuredClone(detached.buffer, { transfer: [detached.buffer] });
        return new Response(chunkStream([detached]));
      },
    });
    const error = await client.batches.retrieve("b1").catch((e: unknown) => e);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect(calls).toBe(1);
  });

  it("ends a part's download of empty chunks, one every 50 ms, after the wait for bytes (it went on for ever)", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    const client = env.client({
      timeoutInSeconds: 0.5,
      maxRetries: 0,
      fetch: async (request: Request, init?: RequestInit) => {
        if (!request.url.startsWith(env.server.downloadUrl)) return fetch(request, init);
        let cancelled = false;
        return new Response(
          new ReadableStream({
            pull: (controller) =>
              new Promise<void>((resolve) =>
                setTimeout(() => {
                  if (!cancelled) controller.enqueue(new Uint8Array(0));
                  resolve();
                }, 50),
              ),
            cancel: () => {
              cancelled = true;
            },
          }),
        );
      },
    });
    const started = performance.now();
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(CohereTimeoutError.is(error), String(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("reads past a detached chunk among others as empty (it has no bytes), where it was a retried connection failure", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    const replay = rechunking((bytes) => {
      const detached = new Uint8Array(16);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      return [bytes.subarray(0, 10), detached, bytes.subarray(10)];
    });
    const client = env.client({ fetch: replay.fetch });
    expect((await client.batches.retrieve(batch.id as string)).batch.id).toBe(batch.id);
    expect(replay.calls).toBe(1);
  });

  it.each(["web stream", "part"])(
    "ends a %s of empty chunks that come at once (thousands per millisecond) after its wait, and on the caller's abort",
    async (kind) => {
      const batch = await env.completedBatch(embedRequests(3));
      const endless = () =>
        new ReadableStream({
          pull: (controller) => controller.enqueue(new Uint8Array(0)),
        });
      const client = env.client({
        timeoutInSeconds: 0.5,
        maxRetries: 0,
        fetch: async (request: Request, init?: RequestInit) => {
          const download = request.url.startsWith(env.server.downloadUrl);
          if ((kind === "part") !== download) return fetch(request, init);
          return new Response(endless());
        },
      });
      const started = performance.now();
      const error =
        kind === "part"
          ? await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e)
          : await client.batches.retrieve(batch.id as string).catch((e: unknown) => e);
      expect(CohereTimeoutError.is(error), String(error)).toBe(true);
      expect(performance.now() - started).toBeLessThan(3_000);
    },
  );

  it("copies a chunk whose length lies (a subclass's getter), so no bytes of it are skipped", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    class Lying extends Uint8Array {
      override get length() {
        return 0;
      }
    }
    const client = env.client({
      fetch: async (request: Request, init?: RequestInit) => {
        if (!request.url.startsWith(env.server.downloadUrl)) return fetch(request, init);
        const bytes = new Uint8Array(await (await fetch(request, init)).arrayBuffer());
        const middle = Math.floor(bytes.length / 2);
        const lying = new Lying(bytes.subarray(middle - 50, middle + 50));
        return new Response(chunkStream([bytes.subarray(0, middle - 50), lying, bytes.subarray(middle + 50)]));
      },
    });
    expect(await collect(client.batches.results(batch.id as string))).toHaveLength(30);
  });

  it("accepts any Uint8Array: a Buffer, and one of another realm", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    const foreign = runInNewContext("Uint8Array") as Uint8ArrayConstructor;
    const client = env.client({
      fetch: rechunking((bytes) => [Buffer.from(bytes.subarray(0, 10)), foreign.from(bytes.subarray(10))]).fetch,
    });
    expect((await client.batches.retrieve(batch.id as string)).batch.id).toBe(batch.id);
  });

  it("is a CohereParseError for a results part, not resumed", async () => {
    const batch = await env.completedBatch(embedRequests(3));
    let downloads = 0;
    const client = env.client({
      fetch: async (request: Request, init?: RequestInit) => {
        if (!request.url.startsWith(env.server.downloadUrl)) return fetch(request, init);
        downloads++;
        return new Response(chunkStream(["Obj\x01not avro"]));
      },
    });
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(CohereParseError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(CohereParseError);
    // Named by the part, as any failure of its download is.
    expect((error as CohereParseError).message).toMatch(
      new RegExp(
        `^datasets\\.download \\(GET part 0 \\(part-0\\.avro\\) of dataset ${batch.output_dataset_id}\\): .*not bytes`,
      ),
    );
    expect(downloads).toBe(1);
  });
});
