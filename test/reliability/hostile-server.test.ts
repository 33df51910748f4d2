import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereParseError,
  CohereTimeoutError,
  type Middleware,
} from "../../src/index.js";
import { newBatch } from "../helpers/fake-server.js";
import { outcome, refusingPort, scriptedServer, sendJson } from "../helpers/scripted-server.js";

const token = "sk-live-0123456789abcdef-secret";
const wireBatch = { id: "b-1", name: "nightly", input_dataset_id: "ds-1", model: "command-r" };
const client = (baseUrl: string, options: ConstructorParameters<typeof CohereClient>[0] = {}) =>
  new CohereClient({ token, baseUrl, ...options });
const passThrough: Middleware = (request, next) => next(request);

describe("redirects: the first hop, and no POST turned into a GET (API.md 7)", () => {
  it("create without a key, redirected to a port that refuses, is sent once", async () => {
    const port = await refusingPort();
    const origin = await scriptedServer((_, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${port}/v2/batches` });
      response.end();
    });
    const { error } = await outcome(client(origin.url).batches.create(newBatch));
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect(origin.received.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it.each([301, 302, 303])(
    "cancel answered by %i to the batch's URL is a typed error, never success",
    async (status) => {
      const origin = await scriptedServer((request, response) => {
        if (request.method === "POST") {
          response.writeHead(status, { location: "/v2/batches/b-1" });
          response.end();
        } else sendJson(response, 200, { batch: { ...wireBatch, status: "BATCH_STATUS_IN_PROGRESS" } });
      });
      const { error } = await outcome(client(origin.url).batches.cancel("b-1"));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      expect(origin.received.map((r) => r.method)).toEqual(["POST"]);
    },
  );

  it.each([307, 308])("create answered by %i is followed with the same method and body", async (status) => {
    const origin = await scriptedServer((request, response, body) => {
      if (request.url === "/v2/batches") {
        response.writeHead(status, { location: "/v2/batches-moved" });
        response.end();
      } else sendJson(response, 200, { batch: { ...wireBatch, ...JSON.parse(body) } });
    });
    const { batch } = await client(origin.url).batches.create(newBatch);
    expect(batch.name).toBe("nightly");
    expect(origin.received.map((r) => [r.method, r.url, r.authorization])).toEqual([
      ["POST", "/v2/batches", `Bearer ${token}`],
      ["POST", "/v2/batches-moved", `Bearer ${token}`],
    ]);
    expect(origin.received[1]?.body).toBe(JSON.stringify(newBatch));
  });
});

describe("redirects with a user's fetch that reads only the request, or follows anyway", () => {
  // A logging wrapper, as users write it: the init (where a fetch's redirect mode would go) is dropped.
  const requestOnly = (request: Request) => fetch(request);

  it("create without a key, redirected to a port that refuses, is sent once", async () => {
    const port = await refusingPort();
    const origin = await scriptedServer((_, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${port}/v2/batches` });
      response.end();
    });
    const { error } = await outcome(client(origin.url, { fetch: requestOnly }).batches.create(newBatch));
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect(origin.received.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it.each([301, 302, 303])("cancel answered by %i is a typed error, never success", async (status) => {
    const origin = await scriptedServer((request, response) => {
      if (request.method === "POST") {
        response.writeHead(status, { location: "/v2/batches/b-1" });
        response.end();
      } else sendJson(response, 200, {});
    });
    const { error } = await outcome(client(origin.url, { fetch: requestOnly }).batches.cancel("b-1"));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect(origin.received.map((r) => r.method)).toEqual(["POST"]);
  });

  it.each([302, 307])(
    "a fetch that follows a %i whatever the request says: its answer is not taken, nor the request retried",
    async (status) => {
      const origin = await scriptedServer((request, response) => {
        if (request.url === "/v2/batches/b-1:cancel") {
          response.writeHead(status, { location: "/v2/batches/b-1" });
          response.end();
        } else sendJson(response, 200, {});
      });
      const follows = (request: Request) =>
        fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          duplex: "half",
          redirect: "follow",
        } as RequestInit);
      const { error } = await outcome(client(origin.url, { fetch: follows, maxRetries: 2 }).batches.cancel("b-1"));
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as CohereParseError).status).toBe(200);
      expect((error as Error).message).toBe(
        "batches.cancel (POST /v2/batches/{id}:cancel): Unexpected response body (status 200): the fetch function followed a redirect of the POST (the request said it must not), so this answer may not be the request's; the request may have been carried out",
      );
      // 302: fetch turned it into a GET; 307: fetch sent the POST again, where it pointed.
      expect(origin.received.map((r) => r.method)).toEqual(["POST", status === 302 ? "GET" : "POST"]);
    },
  );
});

describe("an upload's redirect, followed by a user's fetch whatever the request says", () => {
  it("is not taken: its answer may not be the upload's", async () => {
    const origin = await scriptedServer((request, response) => {
      if (request.url?.startsWith("/v1/datasets?")) {
        response.writeHead(307, { location: "/elsewhere/v1/datasets" });
        response.end();
      } else sendJson(response, 200, { id: "ds-from-the-redirect-target" });
    });
    // Copies the request's parts, not its redirect mode.
    const follows = async (request: Request) =>
      fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: await request.text(),
        redirect: "follow",
      });
    const { error } = await outcome(
      client(origin.url, { fetch: follows }).datasets.create({
        name: "d",
        type: "embed-input",
        data: '{"text":"a"}\n',
      }),
    );
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toMatch(
      /^datasets\.create \(POST \/v1\/datasets\): Unexpected response body \(status 200\): the fetch function followed a redirect of the POST/,
    );
    expect(origin.received.map((r) => r.url.split("?")[0])).toEqual(["/v1/datasets", "/elsewhere/v1/datasets"]);
  });
});

describe("a redirect loop", () => {
  it("is refused by name at once, not taken for a network failure and walked again on each retry", async () => {
    const origin = await scriptedServer((_, response) => {
      response.writeHead(302, { location: "/v2/batches-again" });
      response.end();
    });
    const { error } = await outcome(client(origin.url, { maxRetries: 2 }).batches.list());
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toBe(
      "batches.list (GET /v2/batches): fetch refused the request: redirect count exceeded",
    );
    // One walk of fetch's 20 hops, not three.
    expect(origin.received).toHaveLength(21);
  });

  it("of a POST's 307s, followed by the SDK, is refused the same way (it ended as an ApiError 307)", async () => {
    const origin = await scriptedServer((_, response) => {
      response.writeHead(307, { location: "/v2/batches/b-1:cancel" });
      response.end();
    });
    const { error } = await outcome(client(origin.url, { maxRetries: 2 }).batches.cancel("b-1"));
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toBe(
      "batches.cancel (POST /v2/batches/{id}:cancel): fetch refused the request: redirect count exceeded",
    );
    expect(origin.received).toHaveLength(21);
  });
});

describe("a POST's later hops end with the attempt", () => {
  it.each([
    ["the runtime's fetch", undefined],
    ["a user's fetch that reads only the Request", (request: Request) => fetch(request)],
  ])("with %s: nothing is sent after the call's timeout", async (_, userFetch) => {
    // The first 307 at once, each later one after 150 ms: the attempt's 100 ms end during hop 2.
    const origin = await scriptedServer((_, response) => {
      const answer = () => response.writeHead(307, { location: `/v2/batches?hop=${origin.received.length}` }).end();
      if (origin.received.length === 1) answer();
      else setTimeout(answer, 150);
    });
    const options = { maxRetries: 0, timeoutInSeconds: 0.1, ...(userFetch ? { fetch: userFetch } : {}) };
    const { error } = await outcome(client(origin.url, options).batches.create(newBatch));
    expect(error).toBeInstanceOf(CohereTimeoutError);
    const sent = origin.received.length;
    expect(sent).toBe(2);
    await sleep(700);
    expect(origin.received).toHaveLength(sent);
  });
});

describe("a redirect whose Location is not ASCII", () => {
  // A header's bytes as Node writes them: each character a byte (Latin-1).
  const rawUtf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  it.each([
    // Headers give each byte as a Latin-1 character: the SDK's own follow went to /caf%C3%83%C2%A9.
    ["raw UTF-8: read as UTF-8", rawUtf8("/final/café"), "/final/caf%C3%A9"],
    // A TextDecoder drops a leading BOM: the POST went to the absolute URL after it, where the
    // GET went to a path relative to the request's.
    [
      "a byte order mark first: kept, as part of the path",
      "\u00ef\u00bb\u00bfhttp://127.0.0.1:9/final",
      "/v2/batches/%EF%BB%BFhttp://127.0.0.1:9/final",
    ],
    ["a byte that is not UTF-8: read as U+FFFD", "/final/caf\u00e9", "/final/caf%EF%BF%BD"],
  ])("%s, for a GET (fetch follows) and a POST (the SDK follows) alike", async (_, location, path) => {
    const origin = await scriptedServer((request, response) => {
      if (request.url?.includes("final")) return sendJson(response, 200, { batch: wireBatch });
      response.writeHead(307, { location: `${location}${request.method === "POST" ? ":cancel" : ""}` });
      response.end();
    });
    await client(origin.url).batches.retrieve("b-1");
    await client(origin.url).batches.cancel("b-1");
    expect(origin.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /v2/batches/b-1",
      `GET ${path}`,
      "POST /v2/batches/b-1:cancel",
      `POST ${path}:cancel`,
    ]);
  });
});

describe("a redirect to what is not an HTTP(S) URL", () => {
  it.each([
    ["a data: URL, which answered a POST itself", 'data:application/json,{"batch":{"id":"spoofed"}}'],
    ["an ftp: URL", "ftp://127.0.0.1/x"],
    ["a Location that is no URL", "http://[bad"],
    // fetch refuses one with credentials; it was a connection failure, retried twice.
    ["a URL with credentials", "http://user:secret@127.0.0.1:9/x"],
  ])("%s is refused by name, for a GET and a POST alike, and not retried", async (_, location) => {
    const origin = await scriptedServer((_, response) => {
      response.writeHead(307, { location });
      response.end();
    });
    // fetch follows the GET's redirect and refuses it in its words; the SDK follows the POST's.
    const calls: [() => Promise<unknown>, RegExp][] = [
      [
        () => client(origin.url, { maxRetries: 2 }).batches.retrieve("b-1"),
        /^batches\.retrieve \(GET \/v2\/batches\/\{id\}\): fetch refused the request: (URL scheme must be a HTTP\(S\) scheme|Invalid URL|cross origin not allowed)/,
      ],
      [
        () => client(origin.url, { maxRetries: 2 }).batches.cancel("b-1"),
        /^batches\.cancel \(POST \/v2\/batches\/\{id\}:cancel\): fetch refused the request: the redirect's Location is not an HTTP\(S\) URL without credentials$/,
      ],
    ];
    for (const [call, message] of calls) {
      const before = origin.received.length;
      const { error } = await outcome(call());
      expect(error).toBeInstanceOf(CohereError);
      expect(error).not.toBeInstanceOf(CohereConnectionError);
      expect((error as Error).message).toMatch(message);
      expect(origin.received.length - before).toBe(1);
    }
  });
});

describe("statuses outside 200-599 are one typed error, with or without middleware (API.md 7a)", () => {
  it.each([
    ["without middleware", []],
    ["with middleware", [passThrough]],
  ])("status 600 %s: ApiError 600, not retried", async (_, middleware) => {
    const origin = await scriptedServer((_, response) => sendJson(response, 600, { message: "odd" }));
    const { error } = await outcome(client(origin.url, { middleware }).batches.list());
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(600);
    expect(origin.received).toHaveLength(1);
  });
});

describe("a body's byte order marks are read as the Fetch standard decodes them, with or without middleware", () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const serving = (status: number, body: Buffer) =>
    scriptedServer((_, response) => {
      response.writeHead(status, { "content-type": "application/json", "content-length": String(body.length) });
      response.end(body);
    });
  const withAndWithout = [
    ["without middleware", []],
    ["with middleware", [passThrough]],
  ] as const;

  it.each(withAndWithout)("one mark is removed (%s)", async (_, middleware) => {
    const origin = await serving(200, Buffer.concat([bom, Buffer.from(JSON.stringify({ batches: [wireBatch] }))]));
    await expect(client(origin.url, { middleware: [...middleware] }).batches.list()).resolves.toEqual({
      batches: [wireBatch],
    });
  });

  // Node's Response.text() removes two; the bytes a plugin's call reads are decoded with one removed.
  it.each(withAndWithout)("of two, one is removed and the body is not JSON (%s)", async (_, middleware) => {
    const body = Buffer.concat([bom, bom, Buffer.from('{"batches":[],"note":"naïve"}')]);
    const ok = await serving(200, body);
    const { error } = await outcome(client(ok.url, { middleware: [...middleware] }).batches.list());
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).message).toMatch(/the body is not JSON/);
    expect((error as CohereParseError).text).toBe('\uFEFF{"batches":[],"note":"naïve"}');
    const missing = await serving(404, body);
    const { error: notFound } = await outcome(client(missing.url, { middleware: [...middleware] }).batches.list());
    expect(ApiError.is(notFound), String(notFound)).toBe(true);
    expect((notFound as ApiError).body).toBe('\uFEFF{"batches":[],"note":"naïve"}');
  });
});

describe("maxResponseBytes bounds what is read (API.md 7a)", () => {
  /** A 200 that streams `megabytes` of JSON-ish bytes, recording whether the client hung up early. */
  async function hugeBody(megabytes: number) {
    const state = { sent: 0, closedEarly: false };
    const origin = await scriptedServer((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      response.on("close", () => {
        state.closedEarly = state.sent < megabytes;
      });
      const pump = () => {
        while (state.sent < megabytes) {
          state.sent++;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    });
    return { origin, state };
  }

  it.each([
    ["a client option", { maxResponseBytes: 1024 * 1024 }, undefined],
    ["a request option", {}, { maxResponseBytes: 1024 * 1024 }],
  ])(
    "a body over the cap, set as %s, is a CohereParseError and is not read further",
    async (_, clientOptions, requestOptions) => {
      const { origin, state } = await hugeBody(64);
      const { error } = await outcome(client(origin.url, clientOptions).batches.list({}, requestOptions));
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as Error).message).toMatch(/maxResponseBytes/);
      expect(origin.received).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(state.closedEarly).toBe(true);
    },
  );

  it("a body under the cap is read whole", async () => {
    const origin = await scriptedServer((_, response) => sendJson(response, 200, { batches: [wireBatch] }));
    await expect(client(origin.url, { maxResponseBytes: 1024 }).batches.list()).resolves.toEqual({
      batches: [wireBatch],
    });
  });

  // The one-read path (a Content-Length the runtime's fetch frames) must not open a way around
  // the cap: a compressed body and a body from a user's fetch are read chunk by chunk.
  it("a gzip body whose Content-Length is under the cap but which inflates past it is refused", async () => {
    const inflated = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const compressed = gzipSync(inflated);
    const origin = await scriptedServer((_, response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(compressed.length),
      });
      response.end(compressed);
    });
    expect(compressed.length).toBeLessThan(1024 * 1024);
    const { error } = await outcome(client(origin.url, { maxResponseBytes: 1024 * 1024 }).batches.list());
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toMatch(/maxResponseBytes/);
  });

  it("a user's fetch whose Response claims a small Content-Length cannot slip a large body past the cap", async () => {
    let pulled = 0;
    const lying: typeof fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          if (pulled > 64) controller.close();
          else controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
      });
      return new Response(body, { headers: { "content-type": "application/json", "content-length": "10" } });
    };
    const { error } = await outcome(
      client("http://127.0.0.1:1", { fetch: lying, maxResponseBytes: 1024 * 1024 }).batches.list(),
    );
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toMatch(/maxResponseBytes/);
    // The read stopped at the cap: 16 chunks of 64 KiB, not the 64 the stream would give.
    expect(pulled).toBeLessThan(24);
  });

  it("maxResponseBytes must be a positive integer", () => {
    expect(() => client("http://127.0.0.1:1", { maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
    expect(() => client("http://127.0.0.1:1", { maxResponseBytes: 1.5 })).toThrow(/maxResponseBytes/);
  });
});

describe("the token never shows in an error, even when a server echoes it (API.md 5, 7a)", () => {
  it.each([
    [400, "JSON", (auth: string) => ({ message: `bad header ${auth}`, echoed: { authorization: auth } })],
    [401, "text", (auth: string) => `you sent ${auth}`],
    [200, "a 2xx body that fails the check", (auth: string) => ({ batches: auth })],
  ])("status %i echoing it as %s", async (status, _, echo) => {
    const origin = await scriptedServer((request, response) => {
      response.writeHead(status, {
        "content-type": "application/json",
        "x-echo": String(request.headers.authorization),
      });
      const body = echo(String(request.headers.authorization));
      response.end(typeof body === "string" ? body : JSON.stringify(body));
    });
    const { error } = await outcome(client(origin.url, { maxRetries: 0 }).batches.list());
    expect(CohereError.is(error)).toBe(true);
    const shown = [
      (error as Error).message,
      (error as Error).stack ?? "",
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String(error),
    ].join("\n");
    expect(shown).not.toContain(token);
    expect(shown).toContain("[REDACTED]");
  });
});

describe("pagination cycles end (API.md 7a)", () => {
  it("a server that cycles page tokens A, B, A ends listAll with a typed error", async () => {
    const next: Record<string, string> = { "": "A", A: "B", B: "A" };
    const origin = await scriptedServer((request, response) => {
      const pageToken = new URL(request.url ?? "", "http://x").searchParams.get("page_token") ?? "";
      sendJson(response, 200, { batches: [wireBatch], next_page_token: next[pageToken] });
    });
    const seen: string[] = [];
    const walk = async () => {
      for await (const batch of client(origin.url).batches.listAll()) seen.push(batch.id ?? "");
    };
    const { error } = await outcome(walk());
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toBe("listAll: the server returned a page token it had already sent in this walk");
    // Found at the first repeat: the third page brought back the first page's token.
    expect(origin.received.length).toBeLessThanOrEqual(3);
  });

  // API.md 7a: the walk ends when the server repeats any token it sent before, however long the
  // loop and however late it starts: a loop of `cycle` tokens entered after `entry` pages ends
  // it at the page that brings the first repeat, page entry + cycle + 1.
  it.each([
    [30, 50],
    [200, 3],
    [0, 1],
  ])(
    "a loop of page tokens entered after %i pages, %i tokens long, ends listAll at its first repeat",
    async (entry, cycle) => {
      const token = (page: number) => (page <= entry ? `entry-${page}` : `loop-${(page - entry - 1) % cycle}`);
      const pageOf = new Map<string, number>();
      let served = 0;
      const origin = await scriptedServer((request, response) => {
        const pageToken = new URL(request.url ?? "", "http://x").searchParams.get("page_token");
        // The page a token names: the server is a function of the token, as a real one is.
        const page = pageToken === null ? 1 : (pageOf.get(pageToken) ?? 0) + 1;
        const next = token(page);
        if (!pageOf.has(next)) pageOf.set(next, page);
        served += 1;
        sendJson(response, 200, { batches: [{ ...wireBatch, id: `b-${served}` }], next_page_token: next });
      });
      let seen = 0;
      const walk = async () => {
        for await (const _ of client(origin.url).batches.listAll()) seen += 1;
      };
      const { error } = await outcome(Promise.race([walk(), sleep(10_000).then(() => "still walking")]));
      expect(CohereError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        "listAll: the server returned a page token it had already sent in this walk",
      );
      expect(origin.received.length).toBe(entry + cycle + 1);
      // Every page fetched was handed on: a loop's pages are pages like any other until it is found.
      expect(seen).toBe(origin.received.length);
    },
  );

  it("a server that sends empty pages, each with a new token, ends listAll after 100 of them in a row", async () => {
    let page = 0;
    const origin = await scriptedServer((_, response) => {
      page += 1;
      // One batch on the first page, then nothing but fresh tokens: the walk would never end.
      sendJson(response, 200, { batches: page === 1 ? [wireBatch] : [], next_page_token: `t-${page}` });
    });
    const seen: string[] = [];
    const walk = async () => {
      for await (const batch of client(origin.url).batches.listAll()) seen.push(batch.id ?? "");
    };
    const { error } = await outcome(Promise.race([walk(), sleep(4_000).then(() => "still walking")]));
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      "listAll: the server sent 100 empty pages in a row, each with a new page token; stopped there",
    );
    expect(seen).toEqual([wireBatch.id]);
    expect(origin.received.length).toBe(101);
  });

  it("empty pages between full ones do not end listAll", async () => {
    let page = 0;
    const origin = await scriptedServer((_, response) => {
      page += 1;
      const last = page === 250;
      sendJson(response, 200, {
        batches: page % 99 === 0 || last ? [{ ...wireBatch, id: `b-${page}` }] : [],
        next_page_token: last ? "" : `t-${page}`,
      });
    });
    const seen: string[] = [];
    for await (const batch of client(origin.url).batches.listAll()) seen.push(batch.id);
    expect(seen).toEqual(["b-99", "b-198", "b-250"]);
  });
});

describe("responses are checked as strictly as the types, no more (API.md 4)", () => {
  it("an int64 string field that is not all digits passes as the string it is", async () => {
    const origin = await scriptedServer((_, response) =>
      sendJson(response, 200, { batch: { ...wireBatch, input_tokens: "input_tokens", output_tokens: "" } }),
    );
    const { batch } = await client(origin.url).batches.retrieve("b-1");
    expect(batch.input_tokens).toBe("input_tokens");
  });

  it.each([
    ["metrics", { metrics: [0.5, 0.7] }],
    ["parse_info", { parse_info: ["\n"] }],
  ])(
    "a nested array where the spec has an object (%s) is a CohereParseError, not an object with index keys",
    async (_, field) => {
      // valibot's objects take an array and copy it into { "0": ..., "1": ... }; the types do not.
      const dataset = {
        id: "ds-1",
        name: "ds",
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
        dataset_type: "embed-input",
        validation_status: "validated",
        ...field,
      };
      const origin = await scriptedServer((_, response) => sendJson(response, 200, { dataset }));
      const { error } = await outcome(client(origin.url).datasets.retrieve("ds-1"));
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as Error).message).toMatch(/an array where the spec has an object/);
    },
  );

  it.each([
    ["list", (c: CohereClient) => c.batches.list()],
    ["cancel", (c: CohereClient) => c.batches.cancel("b-1")],
  ])("a top-level array is not an object: %s fails with CohereParseError", async (_, call) => {
    const origin = await scriptedServer((_, response) => sendJson(response, 200, []));
    expect((await outcome<unknown>(call(client(origin.url)))).error).toBeInstanceOf(CohereParseError);
  });
});

describe("a request that refuses redirects keeps refusing them", () => {
  it("a POST made with redirect: error is not followed, cloned or retried by the SDK", async () => {
    const origin = await scriptedServer((_, response) => {
      response.writeHead(307, { location: "/elsewhere" });
      response.end();
    });
    const seen: RequestRedirect[] = [];
    const fetchSpy = (request: Request, init?: RequestInit) => {
      seen.push(init?.redirect ?? request.redirect);
      return fetch(request, init);
    };
    const refusing: Middleware = (request, next) => next(new Request(request, { redirect: "error" }));
    const { error } = await outcome(
      client(origin.url, { fetch: fetchSpy, middleware: [refusing] }).batches.create(newBatch),
    );
    expect(CohereError.is(error)).toBe(true);
    expect(seen).toEqual(["error"]);
    expect(origin.received).toHaveLength(1);
  });
});
