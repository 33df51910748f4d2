import { beforeEach, describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { FakeCohere, type ManualClock } from "../../src/testing/index.node.js";
import { freshFake, useTransports } from "./transports.js";

const { transports, served } = useTransports(() => new FakeCohere({ seed: 7 }));

const AUTH = { authorization: "Bearer test-token" };
const CREATE = { name: "my-batch", input_dataset_id: "my-requests-dataset", model: "command" };

describe.each(transports)("endpoints through $name", (transport) => {
  let fake: FakeCohere;
  let clock: ManualClock;
  let call: (path: string, init?: RequestInit) => Promise<Response>;

  beforeEach(() => {
    ({ fake, clock, call } = freshFake(transport, served));
  });

  const create = async (body: object = CREATE): Promise<Response> =>
    call("/v2/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("lists nothing as { batches: [] } on an empty store", async () => {
    const response = await call("/v2/batches");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ batches: [] });
  });

  it("creates a queued batch with every read-only field filled", async () => {
    const response = await create();
    expect(response.status).toBe(200);
    const { batch } = (await response.json()) as { batch: Record<string, unknown> };
    expect(batch).toMatchObject({
      ...CREATE,
      status: "BATCH_STATUS_QUEUED",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      input_tokens: "0",
      output_tokens: "0",
      num_records: 1000,
      num_successful_records: 0,
      num_failed_records: 0,
    });
    expect(batch["id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(batch["creator_id"]).toEqual(expect.any(String));
    expect(batch["org_id"]).toEqual(expect.any(String));
    expect(batch["output_dataset_id"]).toMatch(/^my-batch-output-[a-z0-9]{6}$/);
    expect(batch).not.toHaveProperty("status_reason");
  });

  it("makes the output dataset's id from the name's slug, as an uploaded dataset's is", async () => {
    const response = await create({ ...CREATE, name: "My Nightly Batch/2" });
    const { batch } = (await response.json()) as { batch: Record<string, unknown> };
    expect(batch["name"]).toBe("My Nightly Batch/2");
    expect(batch["output_dataset_id"]).toMatch(/^my-nightly-batch-2-output-[a-z0-9]{6}$/);
  });

  it("retrieves a batch by id, and lists it", async () => {
    const { batch } = (await (await create()).json()) as { batch: { id: string } };
    const retrieved = await call(`/v2/batches/${batch.id}`);
    expect(retrieved.status).toBe(200);
    expect(await retrieved.json()).toEqual({ batch });
    const listed = (await (await call("/v2/batches")).json()) as { batches: unknown[] };
    expect(listed).toEqual({ batches: [batch] });
  });

  it("cancels with POST /v2/batches/{id}:cancel, the colon literal as the SDK sends it", async () => {
    const id = ((await (await create()).json()) as { batch: { id: string } }).batch.id;
    const canceled = await call(`/v2/batches/${id}:cancel`, { method: "POST" });
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toEqual({});
    const { batch } = (await (await call(`/v2/batches/${id}`)).json()) as { batch: { status: string } };
    expect(batch.status).toBe("BATCH_STATUS_CANCELING");
  });

  it("takes a percent-encoded colon as part of the id: %3Acancel is no cancel", async () => {
    const missing = await call("/v2/batches/a%3Acancel");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "batch a:cancel not found" });
    const id = ((await (await create()).json()) as { batch: { id: string } }).batch.id;
    const encoded = await call(`/v2/batches/${id}%3Acancel`, { method: "POST" });
    expect(encoded.status).toBe(405);
    expect(encoded.headers.get("allow")).toBe("GET");
    const { batch } = (await (await call(`/v2/batches/${id}`)).json()) as { batch: { status: string } };
    expect(batch.status).toBe("BATCH_STATUS_QUEUED");
  });

  it("serves the SDK a batch whose id ends in :cancel: retrieve, then cancel", async () => {
    fake.addBatches(1, { id: "a:cancel" });
    const base = transport.base();
    const client = new CohereClient({
      token: "test-token",
      baseUrl: base,
      fetch: transport.fetch(fake),
      maxRetries: 0,
    });
    expect((await client.batches.retrieve("a:cancel")).batch.id).toBe("a:cancel");
    await client.batches.cancel("a:cancel");
    expect(fake.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`).slice(-2)).toEqual([
      "GET /v2/batches/a%3Acancel",
      "POST /v2/batches/a%3Acancel:cancel",
    ]);
    expect((await client.batches.retrieve("a:cancel")).batch.status).toBe("BATCH_STATUS_CANCELING");
  });

  it("answers 404 for an unknown batch id, on retrieve and cancel", async () => {
    const retrieve = await call("/v2/batches/does-not-exist");
    expect(retrieve.status).toBe(404);
    expect(await retrieve.json()).toEqual({ message: "batch does-not-exist not found" });
    const cancel = await call("/v2/batches/does-not-exist:cancel", { method: "POST" });
    expect(cancel.status).toBe(404);
    expect(await cancel.json()).toEqual({ message: expect.stringContaining("not found") });
  });

  it("answers 404 for unknown paths (a slash before cancel included) and 405 for a wrong method", async () => {
    for (const path of ["/v1/batches", "/v2/batches/", "/v2/batches/x/cancel", "/v2/batchesx", "/"]) {
      const response = await call(path, { method: path.endsWith("cancel") ? "POST" : "GET" });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ message: expect.any(String) });
    }
    const wrong: [string, string, string][] = [
      ["DELETE", "/v2/batches", "GET, POST"],
      ["PUT", "/v2/batches/x", "GET"],
      ["GET", "/v2/batches/x:cancel", "POST"],
      // The spec's dataset id excludes `usage`: neither a delete nor a POST of a dataset.
      ["DELETE", "/v1/datasets/usage", "GET"],
      ["POST", "/v1/datasets/usage", "GET"],
    ];
    for (const [method, path, allow] of wrong) {
      const response = await call(path, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(await response.json()).toEqual({ message: expect.any(String) });
    }
    expect(fake.count("unknown")).toBe(10);
  });

  it("records every request: operation, method, url, lower-case headers, body, clock time", async () => {
    clock.advance(1234);
    await create();
    await call("/v2/batches?page_size=2", { headers: { "X-Client-Name": "my-app" } });
    await call("/nowhere");
    const [created, listed, unknown] = fake.requests;
    expect(created).toMatchObject({
      operation: "create",
      method: "POST",
      url: `${transport.base()}/v2/batches`,
      body: JSON.stringify(CREATE),
      at: Date.UTC(2026, 0, 1) + 1234,
    });
    expect(created?.headers).toMatchObject({ authorization: "Bearer test-token", "content-type": "application/json" });
    expect(listed).toMatchObject({ operation: "list", method: "GET", body: "" });
    expect(listed?.url).toMatch(/\/v2\/batches\?page_size=2$/);
    expect(listed?.headers["x-client-name"]).toBe("my-app");
    expect(unknown?.operation).toBe("unknown");
    expect([fake.count(), fake.count("create"), fake.count("list"), fake.count("retrieve")]).toEqual([3, 1, 1, 0]);
  });
});

describe("fake.fetch", () => {
  it("accepts a Request object and sets response.url like fetch does", async () => {
    const fake = new FakeCohere();
    const request = new Request("https://example.test/v2/batches", { headers: AUTH });
    const response = await fake.fetch(request);
    expect(response.status).toBe(200);
    expect(response.url).toBe("https://example.test/v2/batches");
  });

  it("rejects with the signal's reason when already aborted, and records nothing", async () => {
    const fake = new FakeCohere();
    const controller = new AbortController();
    controller.abort();
    await expect(fake.fetch("https://api.cohere.com/v2/batches", { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(fake.count()).toBe(0);
  });

  it.each([
    ["a JSON body", "/v2/batches", "application/json", '{"name":'],
    [
      "a multipart body",
      "/v1/datasets?name=a&type=embed-input",
      "multipart/form-data; boundary=XX",
      '--XX\r\nContent-Disposition: form-data; name="data"; filename="a.jsonl"\r\n\r\n{"text":"a"}',
    ],
  ])("rejects with the signal's reason when it aborts while %s is still coming", async (_, path, type, first) => {
    const fake = new FakeCohere();
    // A body whose rest never comes: the fake must not wait for it once the request is aborted.
    const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(first)) });
    const controller = new AbortController();
    const sent = fake.fetch(`https://api.cohere.com${path}`, {
      method: "POST",
      headers: { ...AUTH, "content-type": type },
      body,
      duplex: "half",
      signal: controller.signal,
    } as RequestInit);
    setTimeout(() => controller.abort(new Error("gave up")), 50);
    await expect(sent).rejects.toThrow("gave up");
  });

  it("accepts several tokens", async () => {
    const fake = new FakeCohere({ tokens: ["a", "b"] });
    for (const token of ["a", "b"]) {
      const response = await fake.fetch("https://api.cohere.com/v2/batches", {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
    }
    const old = await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH });
    expect(old.status).toBe(401);
  });

  it("is reproducible with a seed: same ids, same request ids", async () => {
    const run = async (): Promise<string[]> => {
      const fake = new FakeCohere({ seed: 99 });
      const response = await fake.fetch("https://api.cohere.com/v2/batches", {
        method: "POST",
        headers: AUTH,
        body: JSON.stringify(CREATE),
      });
      const { batch } = (await response.json()) as { batch: Record<string, string> };
      return [
        batch["id"] ?? "",
        batch["creator_id"] ?? "",
        batch["output_dataset_id"] ?? "",
        response.headers.get("x-request-id") ?? "",
      ];
    };
    expect(await run()).toEqual(await run());
    const other = new FakeCohere({ seed: 100 }).addBatches(1)[0]?.id;
    const same = new FakeCohere({ seed: 99 }).addBatches(1)[0]?.id;
    expect(other).not.toBe(same);
  });
});
