import { describe, expect, it } from "vitest";
import { requestOptionsMiddleware } from "../../src/index.js";
import { makeContext } from "../helpers/context.js";

/** A `next` that records the request it was given. */
function capture() {
  const seen: { request?: Request; body?: string } = {};
  const next = async (request: Request) => {
    seen.request = request;
    seen.body = await request.text();
    return new Response("{}");
  };
  return { seen, next };
}

describe("requestOptionsMiddleware", () => {
  it("sets the client's headers, X-Client-Name, User-Agent and Accept", async () => {
    const { seen, next } = capture();
    const layer = requestOptionsMiddleware({ clientName: "nightly", userAgent: "cohere-batches/test", headers: { "x-team": "data" } });
    await layer(new Request("http://127.0.0.1/v2/batches"), next, makeContext());
    const headers = seen.request!.headers;
    expect(headers.get("x-client-name")).toBe("nightly");
    expect(headers.get("user-agent")).toBe("cohere-batches/test");
    expect(headers.get("x-team")).toBe("data");
    expect(headers.get("accept")).toBe("application/json");
  });

  it("lets call headers override client headers", async () => {
    const { seen, next } = capture();
    await requestOptionsMiddleware({ headers: { "x-team": "client" } })(new Request("http://127.0.0.1/"), next, makeContext({ headers: { "x-team": "call" } }));
    expect(seen.request!.headers.get("x-team")).toBe("call");
  });

  it("sends the idempotency key", async () => {
    const { seen, next } = capture();
    await requestOptionsMiddleware()(new Request("http://127.0.0.1/", { method: "POST", body: "{}" }), next, makeContext({ idempotencyKey: "key-1" }));
    expect(seen.request!.headers.get("idempotency-key")).toBe("key-1");
  });

  it("adds extra query parameters to the URL, encoded", async () => {
    const { seen, next } = capture();
    await requestOptionsMiddleware()(new Request("http://127.0.0.1/v2/batches?page_size=5"), next, makeContext({ queryParams: { filter: "a b&c", deep: true, n: 3 } }));
    const url = new URL(seen.request!.url);
    expect(url.searchParams.get("page_size")).toBe("5");
    expect(url.searchParams.get("filter")).toBe("a b&c");
    expect(url.search).toContain("filter=a+b%26c");
    expect(url.searchParams.get("deep")).toBe("true");
    expect(url.searchParams.get("n")).toBe("3");
  });

  it("merges extra body fields into the JSON body", async () => {
    const { seen, next } = capture();
    const request = new Request("http://127.0.0.1/v2/batches", { method: "POST", body: JSON.stringify({ name: "n" }), headers: { "content-type": "application/json" } });
    await requestOptionsMiddleware()(request, next, makeContext({ bodyParams: { priority: "high" } }));
    expect(JSON.parse(seen.body!)).toEqual({ name: "n", priority: "high" });
    expect(seen.request!.method).toBe("POST");
  });

  it("gives a body-less POST (cancel) a JSON body only when body fields are asked for", async () => {
    const plain = capture();
    await requestOptionsMiddleware()(new Request("http://127.0.0.1/v2/batches/b:cancel", { method: "POST" }), plain.next, makeContext());
    expect(plain.seen.body).toBe("");
    expect(plain.seen.request!.headers.get("content-type")).toBeNull();

    const withFields = capture();
    await requestOptionsMiddleware()(new Request("http://127.0.0.1/v2/batches/b:cancel", { method: "POST" }), withFields.next, makeContext({ bodyParams: { reason: "x" } }));
    expect(JSON.parse(withFields.seen.body!)).toEqual({ reason: "x" });
    expect(withFields.seen.request!.headers.get("content-type")).toBe("application/json");
  });
});
