import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CohereClient, CohereError, type CohereClientOptions } from "../../src/index.js";
import { FakeCohere } from "../../src/testing/index.js";
import { newBatch } from "../helpers/fake-server.js";

// Every input is either sent exactly (correctly encoded) or refused with a CohereError that
// names the field, and then nothing reaches the server. The fake's in-memory fetch stands in
// for the network so that thousands of cases run in seconds.

const runs = { numRuns: 300 };

/** Strings with the characters that break naive encoders: lone surrogates, non-Latin-1, URL delimiters. */
const awkwardString = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    "0",
    " ",
    "\uD800",
    "\uDC00",
    "\uD83D\uDE00",
    "\u00E9",
    "\u20AC",
    "&",
    "=",
    "?",
    "#",
    "/",
    "%",
    "+",
    "\n",
  ),
  maxLength: 6,
});
const hasLoneSurrogate = (value: string) => /\p{Cs}/u.test(value);

function setup(options: CohereClientOptions = {}) {
  const fake = new FakeCohere({ seed: 3 });
  const client = new CohereClient({ token: "test-token", fetch: fake.fetch, maxRetries: 0, ...options });
  return { fake, client };
}

async function outcome(call: () => Promise<unknown>): Promise<{ error?: unknown }> {
  try {
    await call();
    return {};
  } catch (error) {
    return { error };
  }
}

describe("property: ids", () => {
  it("are percent-encoded into one path segment, or refused naming id", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          awkwardString,
          fc.constantFrom("", ".", "..", "a/b", "%2F", "x:cancel", "?q", "#h", "\uD800"),
        ),
        async (id) => {
          const { fake, client } = setup();
          const { error } = await outcome(() => client.batches.retrieve(id));
          if (fake.requests.length === 0) {
            expect(error).toBeInstanceOf(CohereError);
            expect((error as Error).message).toMatch(/^Invalid id/);
            expect(id === "" || id === "." || id === ".." || hasLoneSurrogate(id)).toBe(true);
            return;
          }
          expect(fake.requests).toHaveLength(1);
          const path = new URL(fake.requests[0]!.url).pathname;
          expect(path.startsWith("/v2/batches/")).toBe(true);
          const segment = path.slice("/v2/batches/".length);
          expect(segment).not.toContain("/");
          expect(decodeURIComponent(segment)).toBe(id);
        },
      ),
      runs,
    );
  });
});

describe("property: page sizes", () => {
  it("are sent as given when positive int32 integers, otherwise refused naming page_size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.integer({ min: 2 ** 31 - 2, max: 2 ** 33 })),
        async (pageSize) => {
          const { fake, client } = setup();
          const { error } = await outcome(() => client.batches.list({ page_size: pageSize }));
          const valid = Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 2 ** 31 - 1;
          if (valid) {
            expect(error).toBeUndefined();
            expect(new URL(fake.requests[0]!.url).searchParams.get("page_size")).toBe(String(pageSize));
          } else {
            expect((error as Error).message).toMatch(/page_size/);
            expect(fake.requests).toHaveLength(0);
          }
        },
      ),
      runs,
    );
  });
});

describe("property: tokens", () => {
  it("are sent as the bearer token exactly, or refused naming the token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
        async (token) => {
          const acceptable = /^[\x21-\x7E]+$/.test(token);
          const fake = new FakeCohere({ seed: 3, tokens: acceptable ? [token] : ["test-token"] });
          let client: CohereClient;
          try {
            client = new CohereClient({ token, fetch: fake.fetch, maxRetries: 0 });
          } catch (error) {
            expect(error).toBeInstanceOf(CohereError);
            expect((error as Error).message).toMatch(/token|CO_API_KEY/);
            if (token.length > 3) expect((error as Error).message).not.toContain(token);
            expect(acceptable).toBe(false);
            return;
          }
          expect(acceptable).toBe(true);
          await client.batches.list();
          expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
        },
      ),
      runs,
    );
  });
});

describe("property: extra headers", () => {
  it("are sent exactly, or refused naming headers", async () => {
    const headerName = fc.oneof(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), fc.string({ maxLength: 10 }));
    const headerValue = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^[ -~]{0,30}$/),
      fc.string({ unit: "binary", maxLength: 8 }),
      awkwardString,
    );
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, async (name, value) => {
        const { fake, client } = setup();
        const { error } = await outcome(() => client.batches.list({}, { headers: { [name]: value } }));
        // A header named __proto__ is refused: Node's fetch drops it without a word.
        const valid =
          /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) &&
          name.toLowerCase() !== "__proto__" &&
          /^[^\r\n\0\u0100-\uFFFF]*$/.test(value);
        if (!valid) {
          expect(error).toBeInstanceOf(CohereError);
          expect((error as Error).message).toMatch(/^Invalid request options: headers/);
          expect(fake.requests).toHaveLength(0);
          return;
        }
        expect(error).toBeUndefined();
        const reserved = ["authorization", "accept", "content-type", "host", "content-length"];
        // Headers trims spaces and tabs at both ends of a value (fetch's normalisation).
        if (!reserved.includes(name.toLowerCase()))
          expect(fake.requests[0]!.headers[name.toLowerCase()]).toBe(value.replace(/^[ \t]+|[ \t]+$/g, ""));
      }),
      runs,
    );
  });
});

describe("property: base URLs", () => {
  it("send requests to that origin and path prefix, or are refused naming baseUrl", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.webUrl(),
          fc.string(),
          fc.constantFrom("http://127.0.0.1:1", "https://api.cohere.com/", "ftp://x", "//x", "/v2", "http://u:p@x"),
        ),
        async (baseUrl) => {
          const fake = new FakeCohere({ seed: 3 });
          let client: CohereClient;
          try {
            client = new CohereClient({ token: "test-token", baseUrl, fetch: fake.fetch });
          } catch (error) {
            expect(error).toBeInstanceOf(CohereError);
            expect((error as Error).message).toMatch(/baseUrl/);
            return;
          }
          await outcome(() => client.batches.list());
          const sent = new URL(fake.requests[0]!.url);
          const base = new URL(baseUrl);
          expect(sent.origin).toBe(base.origin);
          expect(sent.pathname.endsWith("/v2/batches")).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("property: request options", () => {
  it("are accepted when valid, otherwise refused naming the option, sending nothing", async () => {
    const option = fc.record(
      {
        timeoutInSeconds: fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -10, max: 10 })),
        maxRetries: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double()),
        idempotencyKey: fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.string({ unit: "binary", maxLength: 6 }),
          awkwardString,
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(option, async (options) => {
        const { fake, client } = setup();
        const { error } = await outcome(() => client.batches.list({}, options));
        const validTimeout =
          options.timeoutInSeconds === undefined ||
          (Number.isFinite(options.timeoutInSeconds) &&
            options.timeoutInSeconds > 0 &&
            options.timeoutInSeconds <= 2_147_483);
        const validRetries =
          options.maxRetries === undefined ||
          (Number.isInteger(options.maxRetries) && options.maxRetries >= 0 && options.maxRetries <= 100);
        const validKey =
          options.idempotencyKey === undefined ||
          // Not blank (HTTP's whitespace alone: fetch would send it empty), Latin-1 without CR, LF, NUL.
          (/[^\t\n\r ]/.test(options.idempotencyKey) && /^[^\r\n\0\u0100-\uFFFF]*$/.test(options.idempotencyKey));
        if (validTimeout && validRetries && validKey) {
          expect(error).toBeUndefined();
          expect(fake.requests).toHaveLength(1);
        } else {
          expect(error).toBeInstanceOf(CohereError);
          expect((error as Error).message).toMatch(/timeoutInSeconds|maxRetries|idempotencyKey/);
          expect(fake.requests).toHaveLength(0);
        }
      }),
      runs,
    );
  });
});

describe("property: extra query parameters and body fields", () => {
  it("are sent exactly on every operation, or refused naming the option, sending nothing", async () => {
    const value = fc.oneof(
      awkwardString,
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const extras = fc.option(
      fc.dictionary(fc.oneof(awkwardString, fc.string({ maxLength: 6 })), value, { maxKeys: 3 }),
      { nil: undefined },
    );
    const operation = fc.constantFrom("list", "retrieve", "create", "cancel");
    await fc.assert(
      fc.asyncProperty(operation, extras, extras, async (name, givenQuery, givenBody) => {
        const { fake, client } = setup();
        const options = { queryParams: givenQuery, bodyParams: givenBody } as never;
        // An entry set to undefined is left out, as an unset option is.
        const defined = (extra: typeof givenQuery) =>
          extra && Object.fromEntries(Object.entries(extra).filter(([, item]) => item !== undefined));
        const queryParams = defined(givenQuery);
        const bodyParams = defined(givenBody);
        const call = {
          list: () => client.batches.list({}, options),
          retrieve: () => client.batches.retrieve("b", options),
          create: () => client.batches.create(newBatch, options),
          cancel: () => client.batches.cancel("b", options),
        }[name];
        const { error } = await outcome(call);
        const isGet = name === "list" || name === "retrieve";
        const validQuery =
          queryParams === undefined ||
          Object.entries(queryParams).every(
            ([key, item]) =>
              key !== "" &&
              !hasLoneSurrogate(key) &&
              ((typeof item === "string" && !hasLoneSurrogate(item)) ||
                typeof item === "boolean" ||
                (typeof item === "number" && Number.isFinite(item))),
          );
        const hasFields = bodyParams !== undefined && Object.keys(bodyParams).length > 0;
        // JSON would leave out an undefined field, send NaN or Infinity as null, and a lone
        // surrogate (in a value or a name) as an escape that Cohere's gateway reads as U+FFFD: refused.
        const validBody = Object.entries(bodyParams ?? {}).every(
          ([key, item]) =>
            !hasLoneSurrogate(key) &&
            item !== undefined &&
            (typeof item !== "number" || Number.isFinite(item)) &&
            (typeof item !== "string" || !hasLoneSurrogate(item)),
        );
        if (!validQuery || (hasFields && (isGet || !validBody))) {
          expect(error).toBeInstanceOf(CohereError);
          expect((error as Error).message).toMatch(
            validQuery ? /^Invalid request options: bodyParams/ : /^Invalid request options: queryParams/,
          );
          expect(fake.requests).toHaveLength(0);
          return;
        }
        // retrieve and cancel of an unknown id are a 404 from the fake; the request went out.
        expect(fake.requests).toHaveLength(1);
        const sent = fake.requests[0]!;
        const search = new URL(sent.url).searchParams;
        for (const [key, item] of Object.entries(queryParams ?? {})) expect(search.getAll(key)).toEqual([String(item)]);
        expect([...search.keys()].length).toBe(Object.keys(queryParams ?? {}).length);
        const expectedBody =
          name === "create" ? { ...newBatch, ...bodyParams } : hasFields ? { ...bodyParams } : undefined;
        if (expectedBody === undefined) expect(sent.body).toBe("");
        else expect(JSON.parse(sent.body)).toEqual(JSON.parse(JSON.stringify(expectedBody)));
      }),
      runs,
    );
  });
});

describe("property: create bodies", () => {
  it("are sent as exactly the JSON given, or refused naming the field", async () => {
    const field = fc.oneof(fc.string(), fc.constantFrom("", " ", "\t\n"), fc.integer(), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ name: field, input_dataset_id: field, model: field }, { requiredKeys: [] }),
        fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string()), { nil: undefined }),
        async (body, extra) => {
          const { fake, client } = setup();
          const request = { ...extra, ...body };
          const { error } = await outcome(() => client.batches.create(request as never));
          const valid =
            ["name", "input_dataset_id", "model"].every(
              (key) =>
                typeof (request as Record<string, unknown>)[key] === "string" &&
                /\S/.test((request as Record<string, string>)[key]!),
            ) && Object.keys(request).every((key) => ["name", "input_dataset_id", "model"].includes(key));
          if (valid) {
            expect(error).toBeUndefined();
            expect(JSON.parse(fake.requests[0]!.body)).toEqual(request);
          } else {
            expect(error).toBeInstanceOf(CohereError);
            expect((error as Error).message).toMatch(/^Invalid request/);
            expect(fake.requests).toHaveLength(0);
          }
        },
      ),
      runs,
    );
  });
});
