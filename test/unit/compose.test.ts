import { describe, expect, it } from "vitest";
import { compose, type Middleware } from "../../src/index.js";
import { makeContext } from "../helpers/context.js";

describe("compose", () => {
  it("runs layers outermost first, like an onion", async () => {
    const order: string[] = [];
    const layer =
      (name: string): Middleware =>
      async (request, next) => {
        order.push(`${name} in`);
        const response = await next(request);
        order.push(`${name} out`);
        return response;
      };
    const handler = compose([layer("a"), layer("b")], async () => {
      order.push("terminal");
      return new Response("ok");
    });
    await handler(new Request("http://127.0.0.1/"), makeContext());
    expect(order).toEqual(["a in", "b in", "terminal", "b out", "a out"]);
  });

  it("passes the request each layer gives to the next one", async () => {
    const handler = compose(
      [async (request, next) => next(new Request(request, { headers: { "x-layer": "set" } }))],
      async (request) => new Response(request.headers.get("x-layer")),
    );
    const response = await handler(new Request("http://127.0.0.1/"), makeContext());
    expect(await response.text()).toBe("set");
  });

  it("lets a layer answer without calling next", async () => {
    let reached = false;
    const handler = compose([async () => new Response("cached")], async () => {
      reached = true;
      return new Response("network");
    });
    expect(await (await handler(new Request("http://127.0.0.1/"), makeContext())).text()).toBe("cached");
    expect(reached).toBe(false);
  });

  it("lets a layer call next more than once (retries)", async () => {
    let calls = 0;
    const handler = compose(
      [
        async (request, next) => {
          await next(request.clone());
          return next(request);
        },
      ],
      async () => new Response(String(++calls)),
    );
    expect(await (await handler(new Request("http://127.0.0.1/"), makeContext())).text()).toBe("2");
  });

  it("hands every layer the same context", async () => {
    const context = makeContext({}, "batches.retrieve");
    const seen: unknown[] = [];
    const handler = compose(
      [
        async (request, next, c) => {
          seen.push(c);
          return next(request);
        },
      ],
      async (_request, c) => {
        seen.push(c);
        return new Response();
      },
    );
    await handler(new Request("http://127.0.0.1/"), context);
    expect(seen).toEqual([context, context]);
  });

  it("propagates a rejection from below unchanged", async () => {
    const failure = new Error("below");
    const handler = compose([async (request, next) => next(request)], async () => Promise.reject(failure));
    await expect(handler(new Request("http://127.0.0.1/"), makeContext())).rejects.toBe(failure);
  });
});
