import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { CohereClient, VERSION } from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

describe("the four operations over HTTP", () => {
  it("creates a batch and returns it with the wire's types", async () => {
    const { batch } = await server.client().batches.create(newBatch);
    expect(batch).toMatchObject({ ...newBatch, status: "BATCH_STATUS_QUEUED", input_tokens: "0", output_tokens: "0" });
    expect(batch.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(batch.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?Z$/);
    const [request] = server.fake.requests;
    expect(request).toMatchObject({ operation: "create", method: "POST" });
    expect(JSON.parse(request!.body)).toEqual(newBatch);
    expect(request!.headers["content-type"]).toBe("application/json");
  });

  it("retrieves a batch by id", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    const { batch: again } = await client.batches.retrieve(batch.id!);
    expect(again.id).toBe(batch.id);
    expect(server.fake.requests.at(-1)).toMatchObject({ operation: "retrieve", method: "GET" });
  });

  it("lists batches with the query it was given", async () => {
    server.fake.addBatches(3);
    const page = await server.client().batches.list({ page_size: 2, order_by: "updated_at" });
    expect(page.batches).toHaveLength(2);
    expect(page.next_page_token).toEqual(expect.any(String));
    const url = new URL(server.fake.requests.at(-1)!.url);
    expect(url.pathname).toBe("/v2/batches");
    expect(Object.fromEntries(url.searchParams)).toEqual({ page_size: "2", order_by: "updated_at" });
  });

  it("cancels with POST {id}:cancel, no body and no Content-Type", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    expect(await client.batches.cancel(batch.id!)).toEqual({});
    const request = server.fake.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(new URL(request.url).pathname).toBe(`/v2/batches/${batch.id}:cancel`);
    expect(request.body).toBe("");
    expect(request.headers["content-type"]).toBeUndefined();
    expect((await client.batches.retrieve(batch.id!)).batch.status).toBe("BATCH_STATUS_CANCELING");
  });

  it("reads an empty 200 body on cancel as {}", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    server.fake.inject("cancel", { type: "empty-body" });
    expect(await client.batches.cancel(batch.id!)).toEqual({});
  });

  it("percent-encodes ids into the path", async () => {
    const error = await server
      .client()
      .batches.retrieve("a/b?c#d e")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
    expect(new URL(server.fake.requests.at(-1)!.url).pathname).toBe("/v2/batches/a%2Fb%3Fc%23d%20e");
  });

  it("sends Authorization, X-Client-Name, User-Agent, extra headers and the idempotency key", async () => {
    const client = server.client({ clientName: "nightly-jobs", headers: { "x-team": "data" } });
    await client.batches.create(newBatch, { idempotencyKey: "create-1", headers: { "x-call": "1" } });
    const { headers } = server.fake.requests.at(-1)!;
    expect(headers).toMatchObject({
      authorization: "Bearer test-token",
      "x-client-name": "nightly-jobs",
      "x-team": "data",
      "x-call": "1",
      "idempotency-key": "create-1",
      accept: "application/json",
    });
    expect(headers["user-agent"]).toMatch(new RegExp(`^cohere-batches/${VERSION.replaceAll(".", "\\.")} node/v\\d+`));
  });

  it("sends extra query and body fields", async () => {
    await server
      .client()
      .batches.create(newBatch, { bodyParams: { priority: "high" }, queryParams: { dry_run: true } });
    const request = server.fake.requests.at(-1)!;
    expect(JSON.parse(request.body)).toEqual({ ...newBatch, priority: "high" });
    expect(new URL(request.url).searchParams.get("dry_run")).toBe("true");
  });

  it("resolves a token function for each request", async () => {
    let calls = 0;
    const client = server.client({
      token: async () => {
        calls += 1;
        return "test-token";
      },
    });
    await client.batches.list();
    await client.batches.list();
    expect(calls).toBe(2);
  });

  it("gives the raw response: status, headers, url, request id", async () => {
    const raw = await server.client().batches.withRawResponse.list({ page_size: 5 });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toMatch(/application\/json/);
    expect(raw.requestId).toEqual(expect.any(String));
    expect(raw.requestId).toBe(raw.headers.get("x-request-id"));
    expect(raw.url).toBe(`${server.url}/v2/batches?page_size=5`);
    expect(raw.rawResponse).toBeInstanceOf(Response);
    expect(raw.data).toEqual({ batches: [] });
  });

  it("gives the request's URL as the raw response's url when a custom fetch answers with a Response of its own", async () => {
    // A mock or a cache answers with `new Response(...)`, whose url is "".
    const client = new CohereClient({
      token: "t",
      baseUrl: "https://api.example.test",
      fetch: async () => Response.json({ batches: [] }),
    });
    expect((await client.batches.withRawResponse.list({ page_size: 5 })).url).toBe(
      "https://api.example.test/v2/batches?page_size=5",
    );
  });

  it("keeps unknown fields and unknown statuses", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    server.fake.inject("retrieve", {
      type: "status",
      status: 200,
      body: { batch: { ...batch, status: "BATCH_STATUS_PAUSED", priority: 3 } },
    });
    const { batch: seen } = await client.batches.retrieve(batch.id!);
    expect(seen.status).toBe("BATCH_STATUS_PAUSED");
    expect((seen as unknown as Record<string, unknown>).priority).toBe(3);
  });

  it("reads CO_API_KEY and CO_API_URL in the Node build", async () => {
    process.env.CO_API_KEY = "test-token";
    process.env.CO_API_URL = server.url;
    try {
      await new CohereClient().batches.list();
      expect(server.fake.requests.at(-1)!.headers.authorization).toBe("Bearer test-token");
    } finally {
      delete process.env.CO_API_KEY;
      delete process.env.CO_API_URL;
    }
  });

  it("takes an empty CO_API_URL as unset, and names the variable when it is not a URL", () => {
    process.env.CO_API_URL = "";
    try {
      // Env files and CI often export empty variables: Cohere's URL, as for an empty CO_API_KEY.
      expect(new CohereClient({ token: "t" }).batches).toBeDefined();
      process.env.CO_API_URL = "127.0.0.1:45678";
      expect(() => new CohereClient({ token: "t" })).toThrow(
        'Invalid CO_API_URL environment variable: the value is not an absolute URL; add the scheme: did you mean "http://127.0.0.1:45678"?',
      );
      process.env.CO_API_URL = "https://api.cohere.com/v2";
      expect(() => new CohereClient({ token: "t" })).toThrow(
        /^Invalid CO_API_URL environment variable: .* ends in \/v2/,
      );
      // A value that may hold a password is not quoted.
      process.env.CO_API_URL = "//user:s3cret@proxy.internal";
      expect(() => new CohereClient({ token: "t" })).toThrow(
        "Invalid CO_API_URL environment variable: the value is not an absolute URL",
      );
      // Nor in the scheme's hint.
      expect(() => new CohereClient({ token: "t", baseUrl: "proxy.local/u:secret@x" })).toThrow(
        /^Invalid baseUrl: the value is not an absolute URL$/,
      );
      // The option wins, and is named as the option.
      expect(() => new CohereClient({ token: "t", baseUrl: "nope" })).toThrow(/^Invalid baseUrl: .*"https:\/\/nope"/);
      // A key in CO_API_URL (the variables swapped) is not shown, in the message nor in a hint.
      process.env.CO_API_URL = "Xy7kQ2mN9pR4sT6vW8zA1bC3dE5fG7hJ9kL2mN4p";
      expect(() => new CohereClient({ token: "t" })).toThrow(
        /^Invalid CO_API_URL environment variable: the value is not an absolute URL$/,
      );
    } finally {
      delete process.env.CO_API_URL;
    }
  });
});

describe("listAll", () => {
  it("walks every page lazily with page_token", async () => {
    server.fake.addBatches(2500);
    const client = server.client();
    const ids: string[] = [];
    for await (const batch of client.batches.listAll({ page_size: 1000 })) ids.push(batch.id!);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(server.fake.count("list")).toBe(3);
    const tokens = server.fake.requests.map((r) => new URL(r.url).searchParams.get("page_token"));
    expect(tokens[0]).toBeNull();
    expect(tokens.slice(1).every((t) => typeof t === "string" && t.length > 0)).toBe(true);
  });

  it("fetches the next page only when the loop gets there", async () => {
    server.fake.addBatches(30);
    const iterator = server.client().batches.listAll({ page_size: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    expect(server.fake.count("list")).toBe(1);
    for (let index = 0; index < 10; index++) await iterator.next();
    expect(server.fake.count("list")).toBe(2);
    await iterator.return?.();
  });

  it("next() calls made at once get the batches in order, each page asked for once, then done", async () => {
    server.fake.addBatches(22);
    const inOrder: string[] = [];
    for await (const batch of server.client().batches.listAll({ page_size: 10 })) inOrder.push(batch.id as string);
    const before = server.fake.count("list");
    const iterator = server.client().batches.listAll({ page_size: 10 })[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 25 }, () => iterator.next()));
    expect(results.slice(0, 22).map((result) => result.value?.id)).toEqual(inOrder);
    expect(results.slice(22)).toEqual(new Array(3).fill({ done: true, value: undefined }));
    expect(server.fake.count("list") - before).toBe(3);
  });

  it("hands out a new result object each time, as a generator does: one a caller changed is no later walk's", async () => {
    server.fake.addBatches(3);
    const walk = () => server.client().batches.listAll({ page_size: 2 })[Symbol.asyncIterator]();
    const first = walk();
    let result: IteratorResult<unknown>;
    do result = await first.next();
    while (!result.done);
    const again = await first.next();
    expect(again).not.toBe(result);
    Object.assign(result, { done: false, value: "changed" });
    Object.assign(again, { done: false, value: "changed" });
    const ids: unknown[] = [];
    for await (const batch of { [Symbol.asyncIterator]: walk }) ids.push(batch.id);
    expect(ids).toHaveLength(3);
    const closed = walk();
    const returned = await closed.return?.();
    expect(returned).toEqual({ value: undefined, done: true });
    Object.assign(returned as object, { done: false });
    expect(await closed.next()).toEqual({ value: undefined, done: true });
  });

  it("lets a page go before the next is read: memory holds one page at a time", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    server.fake.addBatches(4);
    const iterator = server.client().batches.listAll({ page_size: 2 })[Symbol.asyncIterator]();
    const firstPage = new WeakRef((await iterator.next()).value as object);
    await iterator.next();
    server.fake.inject("list", { type: "delay", ms: 400 });
    const third = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    // The first page's batches, given out and dropped by the caller, are gone while the second page is on its way.
    expect(firstPage.deref()).toBeUndefined();
    expect((await third).value).toMatchObject({ id: expect.any(String) });
    await iterator.return?.();
  });

  it("walks from the first page again in each loop over it, as results does", async () => {
    server.fake.addBatches(12);
    const all = server.client().batches.listAll({ page_size: 5 });
    const walk = async () => {
      const ids: string[] = [];
      for await (const batch of all) ids.push(batch.id as string);
      return ids;
    };
    const first = await walk();
    expect(first).toHaveLength(12);
    // A generator's second loop yielded nothing, and said nothing.
    expect(await walk()).toEqual(first);
    expect(server.fake.count("list")).toBe(6);
  });

  it("return() while a page is on its way ends that request at once: the pending next() is done", async () => {
    server.fake.addBatches(4);
    const iterator = server.client().batches.listAll({ page_size: 2 })[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    server.fake.inject("list", { type: "delay", ms: 5_000 });
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    // It waited for the page (5 s here; up to the timeout and every retry for a stalled server).
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(server.fake.count("list")).toBe(2);
  });

  it("stops on an empty next_page_token", async () => {
    server.fake.inject("list", { type: "status", status: 200, body: { batches: [], next_page_token: "" } });
    const seen = [];
    for await (const batch of server.client().batches.listAll()) seen.push(batch);
    expect(seen).toEqual([]);
    expect(server.fake.count("list")).toBe(1);
  });
});

describe("waitUntilDone", () => {
  it("polls until a terminal status, reporting progress", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    const seen: string[] = [];
    const done = await client.batches.waitUntilDone(batch.id!, {
      pollIntervalInSeconds: 0.001,
      onProgress: (b) => {
        seen.push(`${b.status}:${b.num_successful_records ?? 0}`);
        server.clock.advance(2_000);
      },
    });
    expect(done.status).toBe("BATCH_STATUS_COMPLETED");
    expect(seen[0]).toBe("BATCH_STATUS_QUEUED:0");
    expect(seen.some((s) => s.startsWith("BATCH_STATUS_IN_PROGRESS"))).toBe(true);
    expect(seen.at(-1)).toMatch(/^BATCH_STATUS_COMPLETED/);
    expect(server.fake.count("retrieve")).toBe(seen.length);
  });

  it("resolves with a failed batch too", async () => {
    const client = server.client();
    const { batch } = await client.batches.create({ ...newBatch, input_dataset_id: "ds-fail" });
    const done = await client.batches.waitUntilDone(batch.id!, {
      pollIntervalInSeconds: 0.001,
      onProgress: () => server.clock.advance(5_000),
    });
    expect(done.status).toBe("BATCH_STATUS_FAILED");
    expect(done.status_reason).toEqual(expect.any(String));
  });
});
