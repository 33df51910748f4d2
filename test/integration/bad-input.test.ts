import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  CohereClient,
  CohereConnectionError,
  CohereError,
  loggingMiddleware,
  type Middleware,
  rateLimitMiddleware,
  tracingMiddleware,
} from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";
import { scriptedServer } from "../helpers/scripted-server.js";
import { unreadableValue } from "../helpers/unreadable.js";

const server = useFakeServer();

/** Expects a CohereError whose message matches `field`, and that the server saw nothing. */
async function refused(call: () => unknown, field: RegExp | string) {
  let error: unknown;
  try {
    await call();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CohereError);
  expect((error as Error).message).toMatch(field);
  expect(server.fake.requests).toHaveLength(0);
}

// A handler for plugins refused before they run.
const noHandler = () => undefined;
/** `value` naming itself `kind` (`Object.prototype.toString` reads the tag). */
const tagged = <T extends object>(value: T, kind = "Object"): T =>
  Object.defineProperty(value, Symbol.toStringTag, { value: kind });

describe("bad input is refused before anything is sent", () => {
  it.each([[""], ["."], [".."], [42], [undefined], [null], [Symbol("id")]])(
    "retrieve and cancel refuse the id %s",
    async (id) => {
      const client = server.client();
      await refused(() => client.batches.retrieve(id as string), /Invalid id/);
      await refused(() => client.batches.cancel(id as string), /Invalid id/);
      await refused(() => client.batches.waitUntilDone(id as string), /Invalid id/);
      // It failed as a raw TypeError (its message was built of the id before the first poll).
      await refused(() => client.datasets.waitUntilValidated(id as string), /Invalid id/);
      await refused(() => client.datasets.retrieve(id as string), /Invalid id/);
    },
  );

  it.each([[0], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ["10"], [2 ** 31]])(
    "list refuses page_size %j",
    async (pageSize) => {
      await refused(() => server.client().batches.list({ page_size: pageSize as number }), /page_size/);
    },
  );

  it("list refuses a misspelt field and a page_token that is not a string", async () => {
    await refused(() => server.client().batches.list({ pageSize: 10 } as never), /pageSize/);
    await refused(() => server.client().batches.list({ page_token: 5 } as never), /page_token/);
  });

  it("listAll refuses bad input on its first step", async () => {
    const iterator = server.client().batches.listAll({ page_size: 0 })[Symbol.asyncIterator]();
    await refused(() => iterator.next(), /page_size/);
  });

  it.each([
    [{ ...newBatch, name: "" }, /name/],
    [{ ...newBatch, input_dataset_id: "" }, /input_dataset_id/],
    [{ name: "n", model: "m" }, /input_dataset_id/],
    [{ ...newBatch, model: 7 }, /model/],
    // JSON writes a lone surrogate as an escape, which Cohere's gateway (Go) reads as U+FFFD.
    [{ ...newBatch, name: "nightly-\uD800" }, /^Invalid request: name must not contain a lone UTF-16 surrogate/],
    [{ ...newBatch, inputDatasetId: "x" }, /inputDatasetId/],
    [null, /request/],
  ])("create refuses %j", async (body, field) => {
    await refused(() => server.client().batches.create(body as never), field);
  });

  it.each([
    [{ timeoutInSeconds: -1 }, /timeoutInSeconds/],
    [{ timeoutInSeconds: 0 }, /timeoutInSeconds/],
    [{ timeoutInSeconds: Number.NaN }, /timeoutInSeconds/],
    [{ maxRetries: -1 }, /maxRetries/],
    [{ maxRetries: 1.5 }, /maxRetries/],
    [{ headers: { "bad header": "x" } }, /headers .*; its entry "bad header" is not one$/],
    // The entry is named, its value not shown (it may be a secret).
    [{ headers: { "x-ok": "line\r\nInjected: yes", "x-fine": "y" } }, /headers .*; its entry "x-ok" is not one$/],
    [{ queryParams: { page: Number.NaN } }, /queryParams .*; its entry "page" is not one$/],
    // Not plain objects: their entries are not their fields (a URLSearchParams was sent as the
    // text of its methods, a Map's entries were lost).
    [{ queryParams: new URLSearchParams({ a: "1" }) }, /^Invalid request options: queryParams must be an object/],
    [{ headers: new Headers({ "x-a": "1" }) }, /^Invalid request options: headers must be an object/],
    [{ headers: new Map([["x-api-key", "k"]]) }, /^Invalid request options: headers must be an object/],
    [{ queryParams: [["a", "1"]] }, /^Invalid request options: queryParams must be an object of .* \(got an array\)$/],
    // Entries inherited from a prototype of the caller's were sent unchecked (a Content-Type
    // that broke an upload, a CR/LF value retried as a connection failure).
    [
      { headers: Object.create(Object.assign(Object.create(null), { "x-a": "b\r\nc" })) },
      /^Invalid request options: headers must be an object/,
    ],
    [
      { queryParams: Object.create(Object.assign(Object.create(null), { nan: Number.NaN })) },
      /^Invalid request options: queryParams must be an object/,
    ],
    [{ idempotencyKey: "" }, /idempotencyKey/],
    [{ abortSignal: {} }, /abortSignal/],
    [{ retries: 3 }, /retries/],
    [{ headers: { "Transfer-Encoding": "chunked" } }, /headers/],
    [{ headers: { authorization: "Bearer other" } }, /headers must not set Authorization or Content-Type/],
    [{ headers: { "Content-Type": "text/plain" } }, /headers must not set Authorization or Content-Type/],
    [{ headers: { connection: "upgrade" } }, /headers/],
    [{ headers: { Expect: "100-continue" } }, /headers/],
    [{ headers: { "Content-Length": "5" } }, /headers/],
    // Node's fetch drops a header named __proto__ without a word (in any case: the SDK sends names in lower case).
    [{ headers: JSON.parse('{"__proto__":"1","x-a":"2"}') }, /headers .*; its entry "__proto__" is not one$/],
    [{ headers: { __PROTO__: "1" } }, /headers .*; its entry "__PROTO__" is not one$/],
    [{ maxResponseBytes: 0 }, /maxResponseBytes/],
  ])("every method refuses request options %j", async (options, field) => {
    await refused(() => server.client().batches.list({}, options as never), field);
    await refused(() => server.client().batches.create(newBatch, options as never), field);
  });

  it.each([
    [{ tag: () => 1 }, '"tag" holds a function'],
    [{ tag: Symbol("t") }, '"tag" holds Symbol(t)'],
    [{ weight: Number.NaN }, '"weight" holds NaN'],
    [{ nested: { weight: Number.POSITIVE_INFINITY } }, '"weight" holds Infinity'],
    [{ list: [1, undefined] }, '"1" holds undefined'],
    [{ lookup: new Map([["a", 1]]) }, '"lookup" holds an object'],
    [{ bytes: new Uint8Array(2) }, '"bytes" holds an object'],
    [{ when: new Date(Number.NaN) }, '"when" holds an invalid Date'],
    // Told by its slot: a tag (its own, its class's) or another realm does not hide it.
    [{ when: [tagged(new Date(Number.NaN), "Stamp")] }, '"0" holds an invalid Date'],
    [{ when: { at: runInNewContext("new Date(NaN)") } }, '"at" holds an invalid Date'],
    // A boxed number goes as its value: a boxed NaN or Infinity went as null.
    [{ boxed: new Number(Number.NaN) }, '"boxed" holds NaN'],
    [{ nested: [new Number(Number.NEGATIVE_INFINITY)] }, '"0" holds -Infinity'],
    [{ note: "half a pair: \uDC00" }, '"note" holds "half a pair: \\udc00"'],
    // A field of its own did not make a Map or an Error sent as given: its entries, its message were lost.
    [{ lookup: Object.assign(new Map([["a", 1]]), { extra: "x" }) }, '"lookup" holds an object'],
    [{ failure: Object.assign(new Error("boom"), { code: 7 }) }, '"failure" holds an object'],
    // Kinds JSON sends as a map of indexes or as {}, though their prototype is Object.prototype.
    [
      {
        args: (function (..._: number[]) {
          return arguments;
        })(1),
      },
      '"args" holds an object',
    ],
    [{ math: Math }, '"math" holds an object'],
    [{ reflect: Reflect }, '"reflect" holds an object'],
    [{ atomics: Atomics }, '"atomics" holds an object'],
    [{ intl: Intl }, '"intl" holds an object'],
    [{ symbol: Object(Symbol("s")) }, '"symbol" holds an object'],
    [{ signal: new AbortController().signal }, '"signal" holds an object'],
    // A Symbol.toStringTag does not hide a box or a built-in kind: JSON goes by internal slots.
    [{ x: tagged(new Number(Number.NaN)) }, '"x" holds NaN'],
    [{ x: Object.assign(tagged(new String("ok")), { toString: () => "\uD800" }) }, '"x" holds "\\ud800"'],
    [{ x: tagged(new Map([["k", "v"]])) }, '"x" holds an object'],
    [{ x: Object.defineProperty(tagged(new Error("lost")), "stack", { value: "" }) }, '"x" holds an object'],
    [{ x: tagged(new ArrayBuffer(2)) }, '"x" holds an object'],
    // A boxed string or a name with a lone surrogate, as a plain string with one.
    [{ boxed: new String("a\uD800") }, '"boxed" holds "a\\ud800"'],
    [{ "\uD800": 1 }, '"\\ud800" is a name with a lone UTF-16 surrogate'],
  ])(
    "refuses bodyParams %o that JSON would not send as given (a required field dropped)",
    async (bodyParams, words) => {
      const message = `Invalid request options: bodyParams cannot be serialised to JSON (${words}, which JSON does not send as given)`;
      await refused(() => server.client().batches.create(newBatch, { bodyParams }), message);
      await refused(() => server.client().batches.cancel("b-1", { bodyParams }), message);
    },
  );

  it("leaves out an entry set to undefined, as an unset option: { name: undefined } keeps create's name", async () => {
    // It overrode the request's name with nothing, and JSON dropped the required field.
    await server
      .client()
      .batches.create(newBatch, { bodyParams: { name: undefined, priority: undefined, tag: "t" } })
      .catch(() => {});
    expect(JSON.parse(server.fake.requests.at(-1)?.body ?? "")).toEqual({ ...newBatch, tag: "t" });
    await server
      .client()
      .batches.list({}, { queryParams: { page_size: undefined } as never, headers: { "x-a": undefined } as never });
    const sent = server.fake.requests.at(-1)!;
    expect([new URL(sent.url).search, sent.headers["x-a"]]).toEqual(["", undefined]);
  });

  it("refuses extra fields that would replace the request's own, checked ones (they were sent as given)", async () => {
    // `name: ""` went out past the check that refuses an empty name, and the server answered 400.
    await refused(
      () => server.client().batches.create(newBatch, { bodyParams: { name: "" } }),
      "Invalid request options: bodyParams.name is a field of the request: set it there",
    );
    await refused(
      () => server.client().batches.list({ page_size: 5 }, { queryParams: { page_size: 7 } }),
      "Invalid request options: queryParams.page_size is a field of the request: set it there",
    );
    await refused(
      () => server.client().datasets.list({ limit: 5 }, { queryParams: { limit: 1e9 } }),
      /queryParams\.limit is a field of the request/,
    );
    // A field the request leaves unset, and one it does not have, go out as given.
    await server.client().batches.list({ page_size: 5 }, { queryParams: { order_by: "created_at", future: 1 } });
    expect(new URL(server.fake.requests.at(-1)?.url ?? "").search).toBe("?page_size=5&order_by=created_at&future=1");
    await server.client().batches.create(newBatch, { bodyParams: { priority: 2 } });
    expect(JSON.parse(server.fake.requests.at(-1)?.body ?? "")).toEqual({ ...newBatch, priority: 2 });
  });

  it("refuses bodyParams with a toJSON function, which would replace the whole body", async () => {
    const bodyParams = {
      toJSON() {
        return { priority: 1 };
      },
    };
    await refused(
      () => server.client().batches.create(newBatch, { bodyParams }),
      "Invalid request options: bodyParams cannot have a toJSON function (it would replace the body)",
    );
  });

  it("refuses bodyParams that are not a plain object (a Map's or a getter class's fields were dropped)", async () => {
    for (const bodyParams of [
      new Map([["priority", 5]]),
      new (class {
        get priority() {
          return 5;
        }
      })(),
    ])
      await refused(
        () => server.client().batches.create(newBatch, { bodyParams } as never),
        "Invalid request options: bodyParams must be a plain object (got an object)",
      );
  });

  it("sends bodyParams that JSON keeps as they are: a Date as its text, class instances by their fields", async () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const at = new Date("2026-01-01T00:00:00Z");
    await server
      .client()
      .batches.cancel("missing", {
        bodyParams: {
          at,
          at_point: new Point(1, 2),
          none: null,
          boxed: [new Number(3), new String("s"), new Boolean(false)],
          other_realm: runInNewContext("({})"),
        },
      })
      .catch(() => {});
    expect(JSON.parse(server.fake.requests.at(-1)?.body ?? "")).toEqual({
      at: "2026-01-01T00:00:00.000Z",
      at_point: { x: 1, y: 2 },
      none: null,
      boxed: [3, "s", false],
      other_realm: {},
    });
  });

  it("sends a null that is the value: a Vue-style reactive's ref, a library's toJSON of a null value", async () => {
    // A reactive Proxy reads a ref it holds as the ref's value, while its descriptor shows the ref:
    // the null was taken for a toJSON's, and refused. A signal's toJSON gives its value, null too.
    const reactive = new Proxy(
      { seed: { value: null, isRef: true }, model: "m" },
      { get: (target, key) => (key === "seed" ? null : Reflect.get(target, key)) },
    );
    const signal = { value: null, toJSON: () => null };
    // A valid Date whose toJSON gives null (its toJSON decides), an object that only names itself Date.
    const nullDate = Object.assign(new Date(0), { toJSON: () => null });
    const namedDate = { [Symbol.toStringTag]: "Date", toJSON: () => null };
    await server
      .client()
      .batches.cancel("missing", { bodyParams: { reactive, signal, stamps: [new Date(0), nullDate, namedDate] } })
      .catch(() => {});
    expect(server.fake.requests.at(-1)?.body).toBe(
      '{"reactive":{"seed":null,"model":"m"},"signal":null,"stamps":["1970-01-01T00:00:00.000Z",null,null]}',
    );
  });

  it("refuses a box whose valueOf gives a BigInt or whose toString gives a symbol, as JSON does", async () => {
    // Number() and String() turned them into a rounded number and a symbol's description.
    for (const [x, words] of [
      [Object.assign(new Number(3), { valueOf: () => 2n ** 64n }), "Cannot convert a BigInt value to a number"],
      [Object.assign(new String("s"), { toString: () => Symbol("s") }), "Cannot convert a Symbol value to a string"],
    ] as const) {
      await refused(() => server.client().batches.cancel("b-1", { bodyParams: { x } }), words);
    }
  });

  it("sends an object by its fields whatever a Proxy's has trap says, and a class's inherited tag costs no brand check", async () => {
    // JSON never asks `has`: a trap that throws made the replacer refuse the object.
    const proxied = new Proxy(
      { a: 1 },
      {
        has() {
          throw new Error("has trap");
        },
      },
    );
    // A tag on the class (inherited) is no disguise: no box brand is tried (three throws per object).
    class Row {
      constructor(readonly i: number) {}
      get [Symbol.toStringTag]() {
        return "Row";
      }
    }
    await server
      .client()
      .batches.cancel("missing", { bodyParams: { proxied, rows: [new Row(1), new Row(2)] } })
      .catch(() => {});
    expect(server.fake.requests.at(-1)?.body).toBe('{"proxied":{"a":1},"rows":[{"i":1},{"i":2}]}');
  });

  it("sends a class instance with no fields as {}, and a boxed number or string as it was read once", async () => {
    // An instance with no fields set was refused ("holds an object"); with one set it passed.
    class Options {
      limit?: number;
    }
    // JSON unboxed a box again after the check: a valueOf or toString that answered otherwise
    // the second time sent what was never checked (null for NaN, a lone surrogate).
    let numberReads = 0;
    const flippingNumber = Object.assign(new Number(1), { valueOf: () => (numberReads++ === 0 ? 1 : Number.NaN) });
    let stringReads = 0;
    const flippingString = Object.assign(new String("ok"), {
      toString: () => (stringReads++ === 0 ? "ok" : "bad\uD800"),
    });
    await server
      .client()
      .batches.cancel("missing", {
        bodyParams: {
          options: new Options(),
          n: flippingNumber,
          s: flippingString,
          // Boxes whose tag names another kind, sent as JSON sends them: by their slot.
          five: tagged(new Number(5), "Foo"),
          yes: tagged(new Boolean(true), "Number"),
        },
      })
      .catch(() => {});
    expect(server.fake.requests.at(-1)?.body).toBe('{"options":{},"n":1,"s":"ok","five":5,"yes":true}');
    expect([numberReads, stringReads]).toEqual([1, 1]);
  });

  it("reads each entry of headers, queryParams and bodyParams once: what was checked is what every attempt sends", async () => {
    // A getter read again at sending (and at each retry) gave what was never checked: a CR/LF
    // header value, an object as a query value, a function as a body field.
    const reads = { header: 0, query: 0, body: 0, nested: 0 };
    const once = <T>(key: keyof typeof reads, first: string, later: T) => ({
      get() {
        return reads[key]++ === 0 ? first : later;
      },
      enumerable: true,
    });
    const headers = Object.defineProperty({}, "x-tag", once("header", "a", "b\r\nInjected: yes"));
    const queryParams = Object.defineProperty({}, "tag", once("query", "q", { toString: () => "other" }));
    const nested = Object.defineProperty({}, "deep", once("nested", "d", undefined));
    const bodyParams = Object.defineProperty(
      { nested },
      "tag",
      once("body", "p", () => "fn"),
    );
    server.fake.inject("cancel", { type: "status", status: 503 });
    await server
      .client({ backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 } })
      .batches.cancel("missing", { headers, queryParams, bodyParams, maxRetries: 1 } as never)
      .catch(() => {});
    expect(reads).toEqual({ header: 1, query: 1, body: 1, nested: 1 });
    expect(server.fake.requests).toHaveLength(2);
    for (const request of server.fake.requests) {
      expect(request.headers["x-tag"]).toBe("a");
      expect(new URL(request.url).searchParams.get("tag")).toBe("q");
      expect(JSON.parse(request.body)).toEqual({ nested: { deep: "d" }, tag: "p" });
    }
  });

  it("refuses bodyParams whose toJSON or getter throws anything, as a CohereError naming the value thrown", async () => {
    // A thrown null was read for its message: a raw TypeError escaped.
    for (const [thrown, words] of [
      [null, "null was thrown"],
      [undefined, "undefined was thrown"],
      ["no way", "no way"],
    ] as const) {
      const bodyParams = {
        x: {
          toJSON() {
            throw thrown;
          },
        },
      };
      await refused(
        () => server.client().batches.cancel("b-1", { bodyParams }),
        `Invalid request options: bodyParams cannot be serialised to JSON (${words})`,
      );
    }
  });

  it("reads a nested field that is null once (it was read again to tell it from a toJSON's null)", async () => {
    let reads = 0;
    const bodyParams = {
      nested: {
        get x() {
          reads++;
          return reads === 1 ? null : "changed";
        },
      },
    };
    server.fake.inject("cancel", { type: "status", status: 503 });
    await server
      .client({ backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 } })
      .batches.cancel("missing", { bodyParams, maxRetries: 1 })
      .catch(() => {});
    expect(reads).toBe(1);
    expect(server.fake.requests.map((request) => JSON.parse(request.body))).toEqual([
      { nested: { x: null } },
      { nested: { x: null } },
    ]);
  });

  it("sends a query parameter named __proto__ as any other (it was dropped)", async () => {
    await server.client().batches.list({}, { queryParams: JSON.parse('{"__proto__":"1","a":"2"}') });
    const sent = new URL(server.fake.requests.at(-1)!.url).searchParams;
    expect([sent.get("__proto__"), sent.get("a")]).toEqual(["1", "2"]);
  });

  it("refuses bodyParams that cannot be serialised (a BigInt, a cycle), without retries or backoff", async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bodyParams of [{ count: 10n }, { cycle }]) {
      const started = performance.now();
      await refused(() => server.client().batches.create(newBatch, { bodyParams }), /bodyParams/);
      await refused(() => server.client().batches.cancel("b-1", { bodyParams }), /bodyParams/);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });

  it("refuses, without retries, a header that a middleware sets and fetch refuses", async () => {
    const client = server.client({
      maxRetries: 2,
      middleware: [
        (request, next) => {
          request.headers.set("Transfer-Encoding", "chunked");
          return next(request);
        },
      ],
    });
    const started = performance.now();
    await refused(() => client.batches.create(newBatch), /refused the request/);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it("refuses, without retries, a port that fetch blocks (the Fetch standard's bad ports)", async () => {
    // Port 6000 (X11) is on the Fetch standard's list: Node's fetch refuses it without connecting.
    const client = new CohereClient({ token: "t", baseUrl: "http://127.0.0.1:6000", maxRetries: 2 });
    const started = performance.now();
    const error = await client.batches.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereError);
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(/fetch refused the request: bad port/);
    // Two retries would wait their backoff (at least 0.5 s in all).
    expect(performance.now() - started).toBeLessThan(300);
  });

  it("refuses, without retries, a redirect to a port that fetch blocks, and does not say that nothing was sent", async () => {
    // The first hop reached the server (which answered with the redirect): "nothing was sent" would be false.
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(302, { location: "http://127.0.0.1:6000/v2/batches" });
      response.end();
    });
    const client = new CohereClient({ token: "t", baseUrl: origin.url, maxRetries: 2 });
    const error = await client.batches.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CohereError);
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(/fetch refused the request: bad port/);
    expect((error as Error).message).not.toMatch(/nothing was sent/);
    expect(origin.received).toHaveLength(1);
  });

  it.each([
    [{ pollIntervalInSeconds: 0 }, /pollIntervalInSeconds/],
    [{ timeoutInSeconds: -5 }, /timeoutInSeconds/],
    [{ onProgress: "yes" }, /onProgress/],
  ])("waitUntilDone refuses %j", async (options, field) => {
    await refused(() => server.client().batches.waitUntilDone("id", options as never), field);
  });
});

describe("the client refuses bad options at construction", () => {
  it.each([
    [{ timeoutInSeconds: -1 }, /timeoutInSeconds/],
    [{ maxRetries: -1 }, /maxRetries/],
    [{ baseUrl: "not a url" }, /baseUrl/],
    [{ baseUrl: "ftp://example.com" }, /baseUrl/],
    [{ baseUrl: "https://user:pw@example.com" }, /baseUrl/],
    [{ baseUrl: "https://api.cohere.com/?" }, /baseUrl/],
    [{ baseUrl: "https://api.cohere.com/#" }, /baseUrl/],
    [{ baseUrl: "https://api.cohere.com?" }, /baseUrl/],
    [{ headers: { "Transfer-Encoding": "chunked" } }, /headers/],
    [{ maxResponseBytes: -1 }, /maxResponseBytes/],
    [{ clientName: "" }, /clientName/],
    [{ clientName: "caf\u20ac" }, /clientName/],
    [{ headers: { "x-a": "\u20ac" } }, /headers/],
    [{ headers: { "x-a": 1 } }, /headers/],
    [{ fetch: "fetch" }, /fetch/],
    [{ middleware: ["not a function"] }, /middleware/],
    // A phase beside `call` or `attempt` was ignored: a plugin marked "call" ran per attempt.
    [{ middleware: [{ name: "phased", phase: "call", attempt: () => undefined }] }, /Invalid middleware #1/],
    [{ middleware: [{ name: "phased", phase: "call", call: () => undefined }] }, /Invalid middleware #1/],
    [{ apiKey: "k" }, /apiKey/],
    [{ token: "" }, /token/],
    // The token's Authorization won silently; a Content-Type replaced the SDK's (a multipart
    // upload's boundary with it); one Idempotency-Key on every create made the second create
    // answer with the first batch (or a 422).
    [{ headers: { Authorization: "Bearer other" } }, /headers must not set Authorization or Content-Type/],
    [{ headers: { "content-type": "text/plain" } }, /headers must not set Authorization or Content-Type/],
    [
      { headers: { "Idempotency-Key": "same" } },
      /headers must not set Idempotency-Key \(give idempotencyKey per call\)/,
    ],
  ])("%j", (options, field) => {
    expect(() => new CohereClient({ token: "t", ...(options as object) })).toThrow(field);
    expect(() => new CohereClient({ token: "t", ...(options as object) })).toThrow(CohereError);
  });

  it("says what is wrong with a token read from a file with its line break, without showing it", () => {
    expect(() => new CohereClient({ token: "sk-from-a-file\n" })).toThrow(
      "Invalid client options: token must be a non-empty string of visible ASCII (no spaces or line breaks), or a function returning one (got a value that is not shown)",
    );
  });

  it("names CO_API_KEY when there is no token at all", () => {
    delete process.env.CO_API_KEY;
    expect(() => new CohereClient()).toThrow(/CO_API_KEY/);
  });

  it("refuses a malformed CO_API_KEY by name, without showing it", () => {
    const saved = process.env.CO_API_KEY;
    try {
      for (const key of ["secret-key\n", "secret key", "s\u00e9cret-key"]) {
        process.env.CO_API_KEY = key;
        expect(() => new CohereClient()).toThrow(CohereError);
        expect(() => new CohereClient()).toThrow(/^Invalid CO_API_KEY environment variable/);
        try {
          new CohereClient();
        } catch (error) {
          expect((error as Error).message).not.toContain("secret");
        }
      }
      process.env.CO_API_KEY = "secret-key";
      expect(() => new CohereClient()).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.CO_API_KEY;
      else process.env.CO_API_KEY = saved;
    }
  });

  it("strips a trailing slash from baseUrl", async () => {
    await server.client({ baseUrl: `${server.url}/` }).batches.list();
    expect(new URL(server.fake.requests[0]!.url).pathname).toBe("/v2/batches");
  });

  it("refuses to start in a page without dangerouslyAllowBrowser", () => {
    const scope = globalThis as { window?: unknown };
    scope.window = { document: {} };
    try {
      expect(() => new CohereClient({ token: "t" })).toThrow(/dangerouslyAllowBrowser/);
      expect(() => new CohereClient({ token: "t", dangerouslyAllowBrowser: true })).not.toThrow();
    } finally {
      delete scope.window;
    }
  });
});

describe("undefined means absent, as in `{ token: process.env.CO_API_KEY }`", () => {
  it("accepts undefined options and fields and sends nothing for them", async () => {
    const client = server.client({ clientName: undefined, timeoutInSeconds: undefined, headers: undefined });
    await client.batches.list(
      { page_size: undefined, page_token: undefined },
      { maxRetries: undefined, abortSignal: undefined },
    );
    const request = server.fake.requests[0]!;
    expect(new URL(request.url).search).toBe("");
    expect(request.headers["x-client-name"]).toBeUndefined();
  });

  it("still names CO_API_KEY when the token is explicitly undefined", () => {
    delete process.env.CO_API_KEY;
    expect(() => new CohereClient({ token: undefined })).toThrow(/CO_API_KEY/);
  });
});

describe("input that throws as it is read is refused like any junk, before anything is sent", () => {
  it.each<[string, (client: CohereClient) => unknown, RegExp]>([
    ["client options", () => new CohereClient(unreadableValue()), /Invalid client options: it could not be read/],
    ["list's request", (client) => client.batches.list(unreadableValue()), /Invalid request: it could not be read/],
    ["list's options", (client) => client.batches.list({}, unreadableValue()), /Invalid request options: it could not/],
    ["create's request", (client) => client.batches.create(unreadableValue()), /Invalid request: it could not be read/],
    ["retrieve's id", (client) => client.batches.retrieve(unreadableValue()), /Invalid id: it could not be read/],
    [
      "waitUntilDone's options",
      (client) => client.batches.waitUntilDone("b", unreadableValue()),
      /Invalid waitUntilDone/,
    ],
    [
      "listAll's request",
      async (client) => {
        for await (const _ of client.batches.listAll(unreadableValue()));
      },
      /Invalid request: it could not be read/,
    ],
    [
      "results' options",
      async (client) => {
        for await (const _ of client.batches.results("b", unreadableValue()));
      },
      /Invalid request options: it could not be read/,
    ],
    ["run's request", (client) => client.batches.run(unreadableValue()), /Invalid run request: it could not be read/],
    ["a dataset's request", (client) => client.datasets.create(unreadableValue()), /Invalid request: it could not/],
    [
      "a dataset's data",
      (client) => client.datasets.create({ name: "n", type: "embed-input", data: unreadableValue() }),
      /Invalid request: data could not be read \(getPrototypeOf refused\)/,
    ],
    [
      // It said "it could not be read", naming no field: the run's check of empty requests threw.
      "a run's requests",
      (client) =>
        client.batches.run({ name: "n", model: "m", type: "batch-embed-v2-input", requests: unreadableValue() }),
      /^Invalid run request: requests could not be read \(getPrototypeOf refused\)/,
    ],
    [
      "an item of a dataset's data",
      (client) => client.datasets.create({ name: "n", type: "embed-input", data: [unreadableValue()] }),
      /data\[0\] must be a plain object, got an object that cannot be read/,
    ],
    [
      "a plugin given to use()",
      (client) => client.use(unreadableValue()),
      /Invalid middleware #1: it could not be read/,
    ],
  ])("%s", async (_, call, message) => {
    await refused(() => call(server.client()), message);
  });

  // A revoked Proxy throws even from `Array.isArray`, which the input check ran before its `try`:
  // a raw TypeError escaped every method (and the constructor) until 2026-12-04.
  it("a revoked Proxy as options, request, id or request options, for every method", async () => {
    const revoked = () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy as never;
    };
    await refused(() => new CohereClient(revoked()), /^Invalid client options: it could not be read/);
    const client = server.client();
    const calls: [() => unknown, RegExp][] = [
      [() => client.batches.list(revoked()), /^Invalid request: it could not be read/],
      [() => client.batches.list({}, revoked()), /^Invalid request options: it could not be read/],
      [() => client.batches.create(revoked()), /^Invalid request: it could not be read/],
      [() => client.batches.retrieve(revoked()), /^Invalid id: it could not be read/],
      [() => client.batches.withRawResponse.cancel("b", revoked()), /^Invalid request options: it could not/],
      [() => client.batches.waitUntilDone("b", revoked()), /^Invalid waitUntilDone options: it could not/],
      [() => client.datasets.list(revoked()), /^Invalid request: it could not be read/],
      [() => client.datasets.delete(revoked()), /^Invalid id: it could not be read/],
      [() => client.datasets.usage(revoked()), /^Invalid request options: it could not be read/],
      [() => client.datasets.create(revoked()), /^Invalid request: it could not be read/],
    ];
    for (const [call, message] of calls) await refused(call, message);
  });

  // Shaped like a signal, but what the SDK would use of it throws: refused once, up front, not
  // a raw error (or an unhandled rejection and a call that never ends) wherever it is used.
  const noop = () => {};
  const throwing = (what: string) => () => {
    throw new Error(what);
  };
  it.each<[string, object]>([
    ["addEventListener throws", { aborted: false, addEventListener: throwing("add"), removeEventListener: noop }],
    ["removeEventListener throws", { aborted: false, addEventListener: noop, removeEventListener: throwing("remove") }],
    [
      "aborted throws",
      {
        get aborted(): boolean {
          throw new Error("aborted");
        },
        addEventListener: noop,
        removeEventListener: noop,
      },
    ],
  ])("an abortSignal whose %s, for a call, a datasets call and a wait", async (_, signal) => {
    const client = server.client();
    const abortSignal = signal as AbortSignal;
    await refused(() => client.batches.list({}, { abortSignal }), /Invalid request options: it could not be read/);
    await refused(() => client.datasets.list(undefined, { abortSignal }), /Invalid request options: it could not/);
    await refused(() => client.batches.waitUntilDone("b", { abortSignal }), /Invalid waitUntilDone options: it could/);
  });
});

describe("a method that returns a promise rejects on bad input; it never throws as it is called", () => {
  // `Promise.allSettled(ids.map((id) => raw.retrieve(id)))` and `raw.retrieve(id).catch(...)`
  // rely on it: a synchronous throw escapes both. (The raw batches methods threw so until
  // 2026-12-01.) Every method of the four clients, called with junk in every position.
  const junk: unknown[][] = [
    [42, 42],
    [{ bogus: 1 }, { bogus: 1 }],
    [null, null],
  ];
  // Returned at once, iterated later: the documented sync refusal of a bad id (results, records),
  // or the first step's rejection (listAll).
  const iterables = new Set(["listAll", "results", "records"]);
  const clientsOf = (client: CohereClient) =>
    Object.entries({
      batches: client.batches,
      "batches.withRawResponse": client.batches.withRawResponse,
      datasets: client.datasets,
      "datasets.withRawResponse": client.datasets.withRawResponse,
    });

  it("for every promise-returning method of batches, datasets and their raw clients", async () => {
    const client = server.client();
    const called: string[] = [];
    for (const [name, target] of clientsOf(client)) {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(target)).filter(
        (method) => method !== "constructor" && !iterables.has(method),
      );
      expect(methods.length).toBeGreaterThan(3);
      for (const method of methods) {
        for (const args of junk) {
          let returned: unknown;
          expect(
            () => {
              returned = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
            },
            `${name}.${method}(${JSON.stringify(args)})`,
          ).not.toThrow();
          expect(returned, `${name}.${method}`).toBeInstanceOf(Promise);
          await expect(returned, `${name}.${method}(${JSON.stringify(args)})`).rejects.toBeInstanceOf(CohereError);
        }
        called.push(`${name}.${method}`);
      }
    }
    expect(called).toEqual(
      expect.arrayContaining([
        "batches.withRawResponse.list",
        "batches.withRawResponse.create",
        "batches.withRawResponse.retrieve",
        "batches.withRawResponse.cancel",
        "batches.run",
        "datasets.withRawResponse.create",
        "datasets.waitUntilValidated",
      ]),
    );
    expect(server.fake.requests).toHaveLength(0);
  });
});

describe("an array where an object belongs is refused, not read as an object with no fields", () => {
  it.each<[string, (client: CohereClient) => unknown, RegExp]>([
    ["batches.list([])", (c) => c.batches.list([] as never), /^Invalid request: must be an object \(got an array\)$/],
    ["datasets.list([])", (c) => c.datasets.list([] as never), /^Invalid request: must be an object \(got an array\)$/],
    [
      "options []",
      (c) => c.batches.retrieve("b", [] as never),
      /Invalid request options: must be an object .*\(got an array\)/,
    ],
    [
      "options ['a']",
      (c) => c.datasets.usage(["a"] as never),
      /Invalid request options: must be an object .*\(got an array\)/,
    ],
    ["create([])", (c) => c.batches.create([] as never), /name, input_dataset_id and model \(got an array\)/],
    ["run([])", (c) => c.batches.run([] as never), /Invalid run request: must be an object with name, model, type/],
    ["run(null)", (c) => c.batches.run(null as never), /Invalid run request: must be an object .*\(got null\)/],
    ["wait options []", (c) => c.batches.waitUntilDone("b", [] as never), /waitUntilDone options: must be an object/],
    [
      "wait options 42",
      (c) => c.datasets.waitUntilValidated("d", 42 as never),
      /waitUntilValidated options: must be an obj/,
    ],
  ])("%s", async (_, call, message) => {
    await refused(() => call(server.client()), message);
  });

  it("as client options", () => {
    expect(() => new CohereClient([] as never)).toThrow(/Invalid client options: must be an object of client options/);
  });
});

describe("the built-in plugins refuse options they would ignore, at construction", () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      "rateLimitMiddleware(42)",
      () => rateLimitMiddleware(42 as never),
      /Invalid rateLimitMiddleware options: must be an object/,
    ],
    [
      "a misspelt rate",
      () => rateLimitMiddleware({ requestPerMinute: 5 } as never),
      /Invalid rateLimitMiddleware options: requestPerMinute is not a known field/,
    ],
    [
      "a rate of -1",
      () => rateLimitMiddleware({ requestsPerMinute: -1 }),
      /requestsPerMinute must be a positive number/,
    ],
    ["a burst of 1.5", () => rateLimitMiddleware({ burst: 1.5 }), /burst must be a positive integer/],
    ["a clock that is not a function", () => rateLimitMiddleware({ now: 5 as never }), /now must be a function/],
    [
      "a misspelt tracing option",
      () => tracingMiddleware({ onAttemt: () => {} } as never),
      /onAttemt is not a known field/,
    ],
    [
      "a header name with a space",
      () => tracingMiddleware({ callHeader: "bad header" }),
      /callHeader must be a valid header/,
    ],
    [
      "a misspelt logging option",
      () => loggingMiddleware({ levl: "debug" } as never),
      /loggingMiddleware options: levl is not/,
    ],
    ["a level that is not one", () => loggingMiddleware({ level: "verbose" as never }), /level must be "off", "error"/],
    [
      "allowedHeaders as a string",
      () => loggingMiddleware({ allowedHeaders: "x-a" as never }),
      /must be an array of names/,
    ],
    [
      "a logger without its methods",
      () => loggingMiddleware({ logger: {} as never }),
      /logger must be an object with debug/,
    ],
  ])("%s", (_, make, message) => {
    expect(make).toThrow(CohereError);
    expect(make).toThrow(message);
  });

  it("takes their documented options", () => {
    expect(rateLimitMiddleware({ requestsPerMinute: 60, burst: 2, now: () => 0 }).name).toBe("rate-limit");
    expect(tracingMiddleware({ callHeader: "X-Call", attemptHeader: "X-Try", createId: () => "id" }).name).toBe(
      "tracing",
    );
    expect(loggingMiddleware({ level: "debug", logger: console, allowedHeaders: ["x-a"] }).name).toBe("logging");
  });
});

describe("a plugin's fields", () => {
  // A key one letter off: the phase was lost, and a call plugin (a cache) ran per attempt.
  const plugins: [object, RegExp][] = [
    [
      { middleware: [{ name: "cache", phse: "call", handle: noHandler }] },
      /^Invalid middleware #1: phse: did you mean phase\?$/,
    ],
    [
      { middleware: [{ name: "cache", Phase: "call", handle: noHandler }] },
      /^Invalid middleware #1: Phase: did you mean phase\?$/,
    ],
    [
      { middleware: [{ name: "cache", phases: "call", handle: noHandler }] },
      /^Invalid middleware #1: phases: did you mean phase\?$/,
    ],
    [{ middleware: [{ name: "", handle: noHandler }] }, /^Invalid middleware #1: must be a function/],
    // No handler at all (a conditional `call` that came out `undefined`): the message says one is needed.
    [
      { middleware: [{ name: "noop", call: undefined }] },
      /^Invalid middleware #1: must be a function, .* or \{ name, call and\/or attempt \}$/,
    ],
    // A handler misspelt beside another: the plugin ran in one phase only.
    [
      { middleware: [{ name: "span", call: noHandler, atempt: noHandler }] },
      /^Invalid middleware #1: atempt: did you mean attempt\?$/,
    ],
    [
      { middleware: [{ name: "span", Call: noHandler, attempt: noHandler }] },
      /^Invalid middleware #1: Call: did you mean call\?$/,
    ],
    [
      { middleware: [{ name: "span", calll: noHandler, attempt: noHandler }] },
      /^Invalid middleware #1: calll: did you mean call\?$/,
    ],
    [{ middleware: [{ name: "span", handler: noHandler }] }, /^Invalid middleware #1: handler: did you mean handle\?$/],
  ];
  it.each(plugins)("%j is refused at construction", (options, words) => {
    expect(() => new CohereClient({ token: "t", ...options })).toThrow(words);
    expect(() => new CohereClient({ token: "t", ...options })).toThrow(CohereError);
  });
});

describe("a plugin's own fields", () => {
  it("are left alone, never read, unless one is a misspelt phase (a class keeps its state on itself)", () => {
    class Breaker {
      readonly name = "breaker";
      readonly phase = "call";
      failures = 0;
      threshold = 5;
      // Near known fields, but the plugin's own: counters, a tag, a helper, a lazy getter.
      calls = 0;
      attempts = 0;
      phases: string[] = [];
      same = "x";
      calc = () => 1;
      get lazy(): never {
        throw new Error("not initialised yet");
      }
      handle: Middleware = (request, next) => next(request);
    }
    // An own getter that throws, not near a known field: never read.
    const literal = {
      name: "literal",
      handle: (request: Request, next: (request: Request) => Promise<Response>) => next(request),
      get lazy(): never {
        throw new Error("not initialised yet");
      },
    };
    // Helpers near a handler's name where that handler is there (or `handle` is), or past the
    // first letter (`all`, `candle`): the plugin's own.
    const mw = (request: Request, next: (request: Request) => Promise<Response>) => next(request);
    const helpers = [
      { name: "h1", call: mw, attempt: mw, calc: () => 1, attempts: () => 3, handled: () => 0 },
      { name: "h2", attempt: mw, all: (xs: Promise<unknown>[]) => Promise.all(xs) },
      { name: "h3", call: mw, candle: () => 0 },
      new (class {
        name = "h4";
        calls = () => 0;
        call = mw;
        attempt = mw;
      })(),
      {
        name: "h5",
        call: mw,
        attempt: mw,
        get calls(): never {
          throw new Error("not initialised yet");
        },
      },
    ];
    expect(() => new CohereClient({ token: "t", middleware: helpers })).not.toThrow();
    // A two-phase plugin's counters near its handlers' names: numbers, not handlers.
    const twoPhase = {
      name: "metrics",
      calls: 0,
      attempts: 0,
      call: (request: Request, next: (request: Request) => Promise<Response>) => next(request),
      attempt: (request: Request, next: (request: Request) => Promise<Response>) => next(request),
    };
    const client = new CohereClient({ token: "t", middleware: [new Breaker(), literal, twoPhase] });
    expect(client.describeMiddleware().find((layer) => layer.name === "breaker")?.phase).toBe("call");
    expect(client.describeMiddleware().find((layer) => layer.name === "literal")?.phase).toBe("attempt");
    expect(client.describeMiddleware().filter((layer) => layer.name === "metrics")).toHaveLength(2);
  });
});
