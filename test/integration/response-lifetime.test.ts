import { describe, expect, it } from "vitest";
import type { MiddlewarePlugin } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

/** The symbol-keyed properties of a response, by description (undici keeps its state under symbols). */
const symbolsOf = (response: Response) => Object.getOwnPropertySymbols(response).map(String).sort();

describe("what the SDK hangs on fetch's Response", () => {
  // undici holds the Response fetch resolves with through a WeakRef and a FinalizationRegistry,
  // so it survives scavenges until a full collection: data hung on it would be copied with it.
  it("is let go once the call has its data: the raw response carries nothing but fetch's own state", async () => {
    server.fake.addBatches(3);
    const client = server.client();
    const { data, rawResponse } = await client.batches.withRawResponse.list({ page_size: 3 });
    expect(data.batches).toHaveLength(3);
    const plain = await fetch(`${server.url}/v2/batches?page_size=3`, {
      headers: { Authorization: "Bearer test-token" },
    });
    await plain.arrayBuffer();
    expect(symbolsOf(rawResponse)).toEqual(symbolsOf(plain));
    // The headers and status stay readable: only the SDK's own additions went.
    expect(rawResponse.status).toBe(200);
    expect(rawResponse.headers.get("content-type")).toContain("application/json");
  });

  it("is kept when users' plugins may hand the same response to another call", async () => {
    server.fake.addBatches(2);
    // A plugin that answers later `list` calls with the first response, whose body it read itself.
    let first: Response | undefined;
    const bodies: string[] = [];
    const replay: MiddlewarePlugin = {
      name: "replay-first-list",
      phase: "call",
      handle: async (request, next) => {
        if (first !== undefined) return first;
        first = await next(request);
        bodies.push(await first.text());
        return first;
      },
    };
    const client = server.client({ middleware: [replay] });
    const once = await client.batches.list();
    const again = await client.batches.list();
    expect(server.fake.requests.filter((request) => request.operation === "list")).toHaveLength(1);
    expect(once.batches).toHaveLength(2);
    expect(again).toEqual(once);
    expect(JSON.parse(bodies[0] as string)).toEqual(once);
  });
});
