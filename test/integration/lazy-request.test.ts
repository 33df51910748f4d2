import { afterEach, describe, expect, it, vi } from "vitest";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

// Without plugins and with the runtime's fetch, the pipeline hands fetch a URL and init
// (src/core/wire-request.ts): these hold what a real Request gave for free.
const server = useFakeServer();

describe("requests sent without a Request object (the runtime's fetch, no plugins)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("hands the runtime's fetch the URL and the SDK's headers, and a real Request to a user's fetch", async () => {
    const seen: unknown[] = [];
    const runtimeFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      seen.push(input);
      return runtimeFetch(input, init);
    });
    const created = await server.client().batches.create(newBatch);
    await server.client().batches.retrieve(created.batch.id);
    expect(typeof seen[1]).toBe("string");
    expect(seen[1]).toBe(`${server.url}/v2/batches/${created.batch.id}`);
    let custom: unknown;
    const userFetch = (request: Request, init?: RequestInit) => {
      custom = request;
      return runtimeFetch(request, init);
    };
    await server.client({ fetch: userFetch }).batches.retrieve(created.batch.id);
    expect(custom).toBeInstanceOf(Request);
    expect((custom as Request).headers.get("authorization")).toBe("Bearer test-token");
  });

  it("sends each header once by name whatever its case, the call's value over the client's", async () => {
    const client = server.client({ headers: { "X-Team": "client", "x-trace": "t-1" } });
    const { batch } = await client.batches.create(newBatch);
    server.fake.requests.length = 0;
    await client.batches.retrieve(batch.id, { headers: { "x-team": "call", "X-TRACE": "t-2" } });
    const [sent] = server.fake.requests;
    expect(sent?.headers).toMatchObject({ "x-team": "call", "x-trace": "t-2", authorization: "Bearer test-token" });
    expect(sent?.headers.accept).toBe("application/json");
  });

  it("reads a body the runtime's fetch frames (Content-Length, no Content-Encoding) in one text(), with no copy of its bytes", async () => {
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    const texts = vi.spyOn(Response.prototype, "text");
    const buffers = vi.spyOn(Response.prototype, "arrayBuffer");
    const got = await client.batches.retrieve(batch.id);
    expect(got.batch.id).toBe(batch.id);
    // One read of the whole body (the fake service, in this process, reads no Response body):
    // as text, where arrayBuffer() would copy the bytes before they were decoded.
    expect(texts).toHaveBeenCalledTimes(1);
    expect(buffers).not.toHaveBeenCalled();
  });

  it("reads such a body's bytes in one arrayBuffer() where a plugin gets a Response to read", async () => {
    const seen: string[] = [];
    const client = server.client({
      middleware: [
        {
          name: "reader",
          attempt: async (request, next) => {
            const response = await next(request);
            seen.push(await response.clone().text());
            return response;
          },
        },
      ],
    });
    const { batch } = await client.batches.create(newBatch);
    const buffers = vi.spyOn(Response.prototype, "arrayBuffer");
    const got = await client.batches.retrieve(batch.id);
    expect(got.batch.id).toBe(batch.id);
    expect(buffers).toHaveBeenCalledTimes(1);
    expect(JSON.parse(seen.at(-1) as string).batch.id).toBe(batch.id);
  });

  it("runs 64 concurrent calls without the caller's signal and piles no listeners on a shared signal", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const client = server.client();
      const { batch } = await client.batches.create(newBatch);
      await Promise.all(Array.from({ length: 64 }, () => client.batches.retrieve(batch.id)));
      await new Promise((resolve) => setTimeout(resolve, 20)); // warnings are emitted on a later tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});
