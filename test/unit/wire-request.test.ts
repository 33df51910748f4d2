import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { CohereAbortError, CohereClient, CohereError } from "../../src/index.js";
import type { RequestOptions } from "../../src/index.js";
import type { OperationRequest } from "../../src/core/api-client.js";
import { newBatch } from "../helpers/fake-server.js";
import { realRequest, WireHeaders, WireRequest } from "../../src/core/wire-request.js";

/** A client whose fetch records the wire request and answers with `body`. */
function recordingClient(body = "{}") {
  const seen: { request?: Request; text?: string } = {};
  const client = new CohereClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/base",
    maxRetries: 0,
    fetch: async (request: Request) => {
      seen.request = request;
      seen.text = await request.text();
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
  });
  return { client, seen };
}

const batch = { batch: { id: "b", name: "n", input_dataset_id: "d", model: "m" } };

describe("the wire request built from the spec's paths (openapi-fetch's serializers)", () => {
  it("list: the base URL's path kept, query parameters form-encoded, no body", async () => {
    const { client, seen } = recordingClient('{"batches":[]}');
    await client.batches.list({ page_size: 5, page_token: "a b&c", order_by: "created_at desc" });
    const url = new URL(seen.request!.url);
    expect(url.pathname).toBe("/base/v2/batches");
    expect(url.searchParams.get("page_size")).toBe("5");
    expect(url.searchParams.get("page_token")).toBe("a b&c");
    expect(url.search).toContain("page_token=a%20b%26c");
    expect(url.searchParams.get("order_by")).toBe("created_at desc");
    expect(seen.request!.method).toBe("GET");
    expect(seen.text).toBe("");
    expect(seen.request!.headers.get("content-type")).toBeNull();
  });

  it("list with no arguments sends no query string", async () => {
    const { client, seen } = recordingClient('{"batches":[]}');
    await client.batches.list();
    expect(seen.request!.url).toBe("http://127.0.0.1:1/base/v2/batches");
  });

  it("retrieve and cancel: the id percent-encoded into the path", async () => {
    const { client, seen } = recordingClient(JSON.stringify({ batch: { ...batch.batch, id: "a/b?c#d e" } }));
    await client.batches.retrieve("a/b?c#d e");
    expect(seen.request!.url).toBe("http://127.0.0.1:1/base/v2/batches/a%2Fb%3Fc%23d%20e");
    await client.batches.cancel("x:y");
    expect(seen.request!.url).toBe("http://127.0.0.1:1/base/v2/batches/x%3Ay:cancel");
    expect(seen.request!.method).toBe("POST");
    expect(seen.text).toBe("");
    expect(seen.request!.headers.get("content-type")).toBeNull();
  });

  it("create: a JSON body with its content type", async () => {
    const { client, seen } = recordingClient(JSON.stringify(batch));
    await client.batches.create(newBatch);
    expect(seen.request!.method).toBe("POST");
    expect(seen.request!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(seen.text!)).toEqual(newBatch);
  });

  it("adds extra query parameters, once each; one naming a field the request sets is refused", async () => {
    const { client, seen } = recordingClient('{"batches":[]}');
    await expect(client.batches.list({ page_size: 5 }, { queryParams: { page_size: 7 } })).rejects.toThrow(
      "Invalid request options: queryParams.page_size is a field of the request: set it there",
    );
    expect(seen.request).toBeUndefined();
    await client.batches.list({}, { queryParams: { filter: "a b&c", deep: true, n: 3, page_size: 7 } });
    const url = new URL(seen.request!.url);
    expect(url.searchParams.getAll("page_size")).toEqual(["7"]);
    expect(url.searchParams.get("filter")).toBe("a b&c");
    expect(url.searchParams.get("deep")).toBe("true");
    expect(url.searchParams.get("n")).toBe("3");
  });

  it("merges extra body fields into the JSON body", async () => {
    const { client, seen } = recordingClient(JSON.stringify(batch));
    await client.batches.create(newBatch, { bodyParams: { priority: "high" } } as RequestOptions);
    expect(JSON.parse(seen.text!)).toEqual({ ...newBatch, priority: "high" });
  });

  it("gives a body-less POST (cancel) a JSON body only when body fields are asked for", async () => {
    const { client, seen } = recordingClient("{}");
    await client.batches.cancel("b", { bodyParams: {} } as RequestOptions);
    expect(seen.text).toBe("");
    expect(seen.request!.headers.get("content-type")).toBeNull();
    await client.batches.cancel("b", { bodyParams: { reason: "x" } } as RequestOptions);
    expect(JSON.parse(seen.text!)).toEqual({ reason: "x" });
    expect(seen.request!.headers.get("content-type")).toBe("application/json");
  });

  it("refuses body fields for a GET (list, retrieve) by name, and sends nothing", async () => {
    // API.md: every method takes a RequestOptions (one object may serve every call); the run-time
    // check refuses body fields where there is no JSON body.
    const { client, seen } = recordingClient(JSON.stringify(batch));
    await expect(client.batches.list({}, { bodyParams: { a: 1 } } as RequestOptions)).rejects.toThrow(
      new CohereError("Invalid request options: bodyParams cannot be sent with GET /v2/batches, which has no body"),
    );
    await expect(client.batches.retrieve("b", { bodyParams: { a: 1 } } as RequestOptions)).rejects.toThrow(
      /^Invalid request options: bodyParams cannot be sent with GET \/v2\/batches\/\{id\}/,
    );
    await expect(client.batches.retrieve("b", { bodyParams: { a: 1 } } as RequestOptions)).rejects.toBeInstanceOf(
      CohereError,
    );
    expect(seen.request).toBeUndefined();
    // An empty object asks for nothing, so it is not an error.
    await client.batches.retrieve("b", { bodyParams: {} } as RequestOptions);
    expect(seen.request!.method).toBe("GET");
  });

  it("carries a signal that follows the caller's on the request middleware see, while the call runs", async () => {
    const { client } = recordingClient('{"batches":[]}');
    const controller = new AbortController();
    let reasonSeen: unknown;
    client.use({
      name: "peek",
      phase: "call",
      handle: (request, next) => {
        controller.abort("stop");
        reasonSeen = request.signal.reason;
        return next(request);
      },
    });
    await expect(client.batches.list({}, { abortSignal: controller.signal })).rejects.toBeInstanceOf(CohereAbortError);
    expect(reasonSeen).toBe("stop");
  });
});

describe("requests are typed by the spec's paths (checked by `npm run typecheck`)", () => {
  it("accepts the four operations and refuses paths, parameters and bodies the spec lacks", () => {
    const requests = [
      { method: "get", path: "/v2/batches", params: { query: { page_size: 5 } } } satisfies OperationRequest<
        "get",
        "/v2/batches"
      >,
      { method: "get", path: "/v2/batches/{id}", params: { path: { id: "b" } } } satisfies OperationRequest<
        "get",
        "/v2/batches/{id}"
      >,
      {
        method: "post",
        path: "/v2/batches",
        body: { name: "n", input_dataset_id: "d", model: "m" },
      } satisfies OperationRequest<"post", "/v2/batches">,
      { method: "post", path: "/v2/batches/{id}:cancel", params: { path: { id: "b" } } } satisfies OperationRequest<
        "post",
        "/v2/batches/{id}:cancel"
      >,
    ];
    const wrongMethod: OperationRequest<"get", "/v2/batches/{id}"> = {
      // @ts-expect-error: the spec has no DELETE
      method: "delete",
      path: "/v2/batches/{id}",
      params: { path: { id: "b" } },
    };
    const missingId: OperationRequest<"get", "/v2/batches/{id}"> = {
      method: "get",
      path: "/v2/batches/{id}",
      // @ts-expect-error: retrieve needs its `id` path parameter
      params: { path: {} },
    };
    const unknownQuery: OperationRequest<"get", "/v2/batches"> = {
      method: "get",
      path: "/v2/batches",
      // @ts-expect-error: list has no `limit` query parameter
      params: { query: { limit: 5 } },
    };
    const missingField: OperationRequest<"post", "/v2/batches"> = {
      method: "post",
      path: "/v2/batches",
      // @ts-expect-error: create needs `model`
      body: { name: "n", input_dataset_id: "d" },
    };
    // @ts-expect-error: the spec has no such path
    const unknownPath: OperationRequest<"get", "/v2/batch"> = { method: "get", path: "/v2/batch" };
    expect(requests.map((request) => request.path)).toEqual([
      "/v2/batches",
      "/v2/batches/{id}",
      "/v2/batches",
      "/v2/batches/{id}:cancel",
    ]);
    expect([wrongMethod, missingId, unknownQuery, missingField, unknownPath]).toHaveLength(5);
  });
});

describe("WireHeaders: the headers of a request not yet built", () => {
  it("keeps one value per name whatever its case, and knows only the names set (none from a prototype)", () => {
    const headers = new WireHeaders({ "Content-Type": "application/json" });
    headers.set("X-Team", "a");
    headers.set("x-team", "b");
    expect(headers.record).toEqual({ "content-type": "application/json", "x-team": "b" });
    expect(headers.has("X-TEAM")).toBe(true);
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      expect(headers.has(name)).toBe(false);
    headers.set("__proto__", "v");
    expect(Object.getOwnPropertyDescriptor(headers.record, "__proto__")?.value).toBe("v");
    expect(Object.getPrototypeOf(headers.record)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).v).toBeUndefined();
  });

  it("becomes a real Request with the same method, headers and body only when asked", async () => {
    const wire = new WireRequest("http://127.0.0.1:1/v2/batches", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a":1}',
    });
    wire.headers.set("Authorization", "Bearer t");
    const request = realRequest(wire as unknown as Request, new AbortController().signal);
    expect(request).toBeInstanceOf(Request);
    expect(request.method).toBe("POST");
    expect(request.headers.get("authorization")).toBe("Bearer t");
    expect(await request.text()).toBe('{"a":1}');
    expect(wire.init({ redirect: "manual" })).toMatchObject({ method: "POST", redirect: "manual", signal: null });
    // A name fetch's conversion of a record would drop (it assigns, and sets the prototype).
    wire.headers.set("__proto__", "kept");
    expect(realRequest(wire as unknown as Request, new AbortController().signal).headers.get("__proto__")).toBe("kept");
  });

  it("becomes a Request on the SDK's signal, never on the caller's (Node's keeps a listener on it until GC)", () => {
    const caller = new AbortController();
    const attempt = new AbortController();
    const wire = new WireRequest("http://127.0.0.1:1/v2/batches", { method: "GET", signal: caller.signal });
    const request = realRequest(wire as unknown as Request, attempt.signal);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
    attempt.abort("gone");
    expect(request.signal.reason).toBe("gone");
    // Without a caller's signal too: a plugin or a custom fetch that reads only `request.signal`
    // stops with the attempt (its timeout). The attempt's signal lives as long as the attempt.
    const free = new WireRequest("http://127.0.0.1:1/v2/batches", { method: "GET" });
    const attemptOnly = new AbortController();
    const followed = realRequest(free as unknown as Request, attemptOnly.signal);
    attemptOnly.abort("timed out");
    expect(followed.signal.reason).toBe("timed out");
  });
});
