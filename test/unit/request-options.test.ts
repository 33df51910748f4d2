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
    const layer = requestOptionsMiddleware({
      clientName: "nightly",
      userAgent: "cohere-batches/test",
      headers: { "x-team": "data" },
    });
    await layer(new Request("http://127.0.0.1/v2/batches"), next, makeContext());
    const headers = seen.request!.headers;
    expect(headers.get("x-client-name")).toBe("nightly");
    expect(headers.get("user-agent")).toBe("cohere-batches/test");
    expect(headers.get("x-team")).toBe("data");
    expect(headers.get("accept")).toBe("application/json");
  });

  it("lets call headers override client headers", async () => {
    const { seen, next } = capture();
    await requestOptionsMiddleware({ headers: { "x-team": "client" } })(
      new Request("http://127.0.0.1/"),
      next,
      makeContext({ headers: { "x-team": "call" } }),
    );
    expect(seen.request!.headers.get("x-team")).toBe("call");
  });

  it("sends the idempotency key", async () => {
    const { seen, next } = capture();
    await requestOptionsMiddleware()(
      new Request("http://127.0.0.1/", { method: "POST", body: "{}" }),
      next,
      makeContext({ idempotencyKey: "key-1" }),
    );
    expect(seen.request!.headers.get("idempotency-key")).toBe("key-1");
  });
});
