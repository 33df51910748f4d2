import { describe, expect, it } from "vitest";
import type { MiddlewareContext, MiddlewarePlugin } from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

type Seen = Pick<MiddlewareContext, "operation" | "route" | "params" | "via">;

/** A plugin in both phases that records what each call's context says. */
function recorder(seen: Seen[], phase: "call" | "attempt" = "call"): MiddlewarePlugin {
  return {
    name: "recorder",
    phase,
    handle: async (request, next, { operation, route, params, via }) => {
      seen.push({ operation, route, params, via });
      return next(request);
    },
  };
}

describe("context.route, context.params and context.via", () => {
  it("give the route template and the parameters as data, and no via for a direct call", async () => {
    const seen: Seen[] = [];
    const client = server.client({ middleware: [recorder(seen)] });
    const { batch } = await client.batches.create(newBatch);
    await client.batches.retrieve(batch.id!);
    await client.batches.list({ page_size: 5 }, { queryParams: { extra: 1 } });
    await client.batches.cancel(batch.id!);
    expect(seen).toEqual([
      { operation: "batches.create", route: "/v2/batches", params: {}, via: undefined },
      { operation: "batches.retrieve", route: "/v2/batches/{id}", params: { path: { id: batch.id } }, via: undefined },
      { operation: "batches.list", route: "/v2/batches", params: { query: { page_size: 5 } }, via: undefined },
      {
        operation: "batches.cancel",
        route: "/v2/batches/{id}:cancel",
        params: { path: { id: batch.id } },
        via: undefined,
      },
    ]);
  });

  it('say "listAll" for every page of a walk, and the page token as a query parameter', async () => {
    server.fake.addBatches(25);
    const seen: Seen[] = [];
    const client = server.client({ middleware: [recorder(seen, "attempt")] });
    let count = 0;
    for await (const _ of client.batches.listAll({ page_size: 10 })) count++;
    expect(count).toBe(25);
    expect(seen.map((s) => s.via)).toEqual(["listAll", "listAll", "listAll"]);
    expect(seen[1]!.params.query).toMatchObject({ page_size: 10, page_token: expect.any(String) });
    // The same client's direct calls still say nothing.
    await client.batches.list();
    expect(seen.at(-1)!.via).toBeUndefined();
  });

  it('say "waitUntilDone" for every poll', async () => {
    const seen: Seen[] = [];
    const client = server.client();
    const { batch } = await client.batches.create(newBatch);
    client.use(recorder(seen));
    await client.batches.waitUntilDone(batch.id!, {
      pollIntervalInSeconds: 0.001,
      onProgress: () => server.clock.advance(5_000),
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((s) => s.via === "waitUntilDone" && s.route === "/v2/batches/{id}")).toBe(true);
  });

  it('say "waitUntilValidated" for every poll of a dataset', async () => {
    const seen: Seen[] = [];
    const client = server.client();
    const { id } = await client.datasets.create({
      name: "r",
      type: "batch-chat-v2-input",
      data: '{"custom_id":"1","body":{}}\n',
    });
    client.use(recorder(seen));
    await client.datasets.waitUntilValidated(id, {
      pollIntervalInSeconds: 0.001,
      onProgress: () => server.clock.advance(1_000),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.via === "waitUntilValidated" && s.route === "/v1/datasets/{id}")).toBe(true);
    expect(seen[0]!.params).toEqual({ path: { id } });
  });
});

describe("context.state", () => {
  it("is one object per call, shared by the call phase and every attempt, and new for the next call", async () => {
    const states: Record<PropertyKey, unknown>[] = [];
    const key = Symbol("mine");
    const call: MiddlewarePlugin = {
      name: "call",
      phase: "call",
      handle: async (request, next, context) => {
        context.state[key] = [];
        const response = await next(request);
        states.push(context.state);
        return response;
      },
    };
    const attempt: MiddlewarePlugin = {
      name: "attempt",
      handle: async (request, next, context) => {
        (context.state[key] as number[]).push(context.attempt);
        return next(request);
      },
    };
    server.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    const client = server.client({ middleware: [call, attempt] });
    await client.batches.list();
    await client.batches.list();
    expect(states[0]![key]).toEqual([1, 2]);
    expect(states[1]![key]).toEqual([1]);
    expect(states[0]).not.toBe(states[1]);
  });
});

describe("context.options", () => {
  it("holds a frozen plain copy of the call's headers, queryParams and bodyParams, read once", async () => {
    let seen: MiddlewareContext["options"] | undefined;
    const spy: MiddlewarePlugin = {
      name: "spy",
      phase: "call",
      handle: (request, next, context) => {
        seen = context.options;
        return next(request);
      },
    };
    const headers = { "X-A": "1" };
    const queryParams = { tag: "t" };
    const bodyParams = { note: "n" };
    await server
      .client({ middleware: [spy] })
      .batches.cancel("missing", { headers, queryParams, bodyParams })
      .catch(() => {});
    for (const [copy, given] of [
      [seen?.headers, headers],
      [seen?.queryParams, queryParams],
      [seen?.bodyParams, bodyParams],
    ] as const) {
      // A plain object (a plugin may call its methods, or print it), not the caller's, and frozen.
      expect(copy).toEqual(given);
      expect(copy).not.toBe(given);
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect(Object.hasOwn(copy!, Object.keys(given)[0]!)).toBe(true);
      expect(String(copy)).toBe("[object Object]");
      expect(Object.isFrozen(copy)).toBe(true);
    }
  });
});
