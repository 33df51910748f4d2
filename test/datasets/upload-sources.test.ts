import { inspect } from "node:util";
import { runInNewContext } from "node:vm";
import { createReadStream, mkdtempSync, openAsBlob, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  CohereAbortError,
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereTimeoutError,
  type Middleware,
  type MiddlewarePlugin,
  UnauthorizedError,
} from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";
import { earlyAnswerServer, outcome, sinkServer } from "../helpers/scripted-server.js";
import * as sdk from "../../src/index.js";
import { EXPECTED_UPLOAD_FAILURES, runUploadFailures } from "../runtimes/fixtures/uploads.mjs";

// What a caller's data source can do to an upload, and what the SDK must do back: a source as
// fast as memory must not hold the event loop (the attempt's timer and the caller's abort must
// still fire), a source the call no longer reads is closed, and every line sent is a JSON object.

const server = useFakeServer();
const upload = { name: "requests", type: "batch-chat-v2-input" } as const;
const LINE = { custom_id: "1", body: { messages: [{ role: "user", content: "hi" }] } };

/** A generator as fast as memory that never ends, counting what it yields and whether it closed. */
function endless() {
  const state = { yielded: 0, closed: false };
  async function* lines() {
    try {
      for (;;) {
        state.yielded++;
        yield LINE;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, data: lines() };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Once the call has ended: the generator was closed, and nothing reads it any more. */
async function expectClosedAndUnread(state: { yielded: number; closed: boolean }): Promise<void> {
  await settle(200);
  const read = state.yielded;
  await settle(200);
  expect(state.yielded).toBe(read);
  expect(state.closed).toBe(true);
}

describe("a data source as fast as memory", () => {
  it("is ended by the attempt's timeout, and is closed and read no further", async () => {
    const { state, data } = endless();
    const client = new CohereClient({ token: "t", baseUrl: await sinkServer(), timeoutInSeconds: 0.5 });
    const started = Date.now();
    const error = await client.datasets.create({ ...upload, data }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
    await expectClosedAndUnread(state);
  });

  it("is ended by the caller's abort, promptly, and is closed", async () => {
    const { state, data } = endless();
    const client = new CohereClient({ token: "t", baseUrl: await sinkServer() });
    const started = Date.now();
    const error = await client.datasets
      .create({ ...upload, data }, { abortSignal: AbortSignal.timeout(300) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect(Date.now() - started).toBeLessThan(2000);
    await expectClosedAndUnread(state);
  });
});

describe("a source that stalls mid-upload", () => {
  it("is cancelled once the attempt's timeout ends the call", async () => {
    let cancelled = false;
    let pulls = 0;
    const stalling = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(LINE)}\n`));
        return new Promise(() => {}); // and then nothing, ever
      },
      cancel() {
        cancelled = true;
      },
    });
    const client = new CohereClient({ token: "t", baseUrl: await sinkServer(), timeoutInSeconds: 0.3 });
    const error = await client.datasets.create({ ...upload, data: stalling }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    await settle(100);
    expect(cancelled).toBe(true);
  });
});

describe("a one-shot source the call never reads is closed", () => {
  const file = join(mkdtempSync(join(tmpdir(), "upload-sources-")), "lines.jsonl");
  writeFileSync(file, `${JSON.stringify(LINE)}\n`);

  it.each([
    ["the token function throws", { token: () => Promise.reject(new Error("vault down")) }, {}],
    ["the call was aborted before it started", {}, { abortSignal: AbortSignal.abort() }],
    [
      "a plugin throws",
      {
        middleware: [
          () => {
            throw new Error("plugin bug");
          },
        ],
      },
      {},
    ],
  ])("when %s: a Node read stream is destroyed, a web stream cancelled", async (_, clientOptions, options) => {
    const nodeStream = createReadStream(file);
    let cancelled = false;
    const webStream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("{}\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    const client = server.client(clientOptions as never);
    await expect(client.datasets.create({ ...upload, data: nodeStream }, options)).rejects.toBeInstanceOf(CohereError);
    await expect(client.datasets.create({ ...upload, data: webStream }, options)).rejects.toBeInstanceOf(CohereError);
    await settle(50);
    expect(nodeStream.destroyed).toBe(true);
    expect(cancelled).toBe(true);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});

describe("every JSONL line is a JSON object", () => {
  it.each([
    // A hole is no object: `map` skipped it, and the Blob wrote the text "undefined".
    // biome-ignore lint/suspicious/noSparseArray: the hole is the input under test
    ["a hole in an array", [LINE, , LINE], /data\[1\] must be a plain object, got undefined/],
    ["an object whose toJSON gives a number", [{ toJSON: () => 42 }], /data\[0\] must be written as a JSON object/],
    ["an object whose toJSON gives null", [{ toJSON: () => null }], /data\[0\] must be written as a JSON object/],
    // Its inherited fields would be lost; "got Object" did not say why it is no plain object.
    [
      "an object with inherited fields",
      [Object.assign(Object.create({ x: 1 }), LINE)],
      /data\[0\] must be a plain object, got an object with inherited fields/,
    ],
    [
      "an object on another object",
      [Object.assign(Object.create({}), LINE)],
      /data\[0\] must be a plain object, got an object whose prototype is not Object.prototype$/,
    ],
    // Its constructor's name is "": the message ended at "got ".
    [
      "an instance of an anonymous class",
      [new (class {})()],
      /data\[0\] must be a plain object, got an instance of an anonymous class$/,
    ],
    // One request where a list of them is expected: it was said to be on another prototype.
    [
      "one request instead of a list",
      LINE,
      /data must be a string, .*; got one plain object \(pass an array of them\)$/,
    ],
    // What JSON would not send as given (as for bodyParams): NaN went as null, undefined and
    // functions were left out, a Map went as {}; the server then saw other data than the caller's.
    [
      "a NaN in a body",
      [LINE, { custom_id: "2", body: { max_tokens: Number.NaN } }],
      /data\[1\] cannot be written as JSON: "max_tokens" holds NaN, which JSON does not send as given/,
    ],
    // In an array JSON would write null; an undefined field is left out (see below).
    [
      "an undefined in an array",
      [{ custom_id: "1", body: { texts: ["a", undefined] } }],
      /data\[0\] .*"1" holds undefined/,
    ],
    ["a Map in a body", [{ custom_id: "1", body: { texts: new Map() } }], /data\[0\] .*"texts" holds an object/],
    ["a function in an array", [{ custom_id: "1", body: { texts: [() => 1] } }], /data\[0\] .*"0" holds a function/],
    [
      "a Set with a field of its own",
      [{ custom_id: "1", body: { texts: Object.assign(new Set(["a"]), { tag: "t" }) } }],
      /data\[0\] .*"texts" holds an object/,
    ],
    ["a name with a lone surrogate", [{ custom_id: "1", body: { "\uDC00": 1 } }], /data\[0\] .*is a name with a lone/],
    [
      "a toJSON that throws null",
      [
        LINE,
        {
          custom_id: "2",
          body: {
            toJSON() {
              throw null;
            },
          },
        },
      ],
      /data\[1\] cannot be written as JSON: null was thrown/,
    ],
    ["a lone surrogate", [{ custom_id: "1", body: { texts: ["\uD83D"] } }], /data\[0\] .*"0" holds "\\ud83d"/],
  ])("%s is refused before sending", async (_, data, message) => {
    const error = await server
      .client()
      .datasets.create({ ...upload, data: data as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(message);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});

describe("object lines that JSON sends as given", () => {
  it("another realm's objects, a null prototype, a Date and boxed values are sent as JSON writes them", async () => {
    const foreign = runInNewContext('({ custom_id: "1", body: { texts: ["a"], n: 1 } })') as object;
    const bare = Object.assign(Object.create(null) as object, { custom_id: "2", body: { texts: ["b"] } });
    const dated = { custom_id: "3", body: { texts: [new String("c")], at: new Date(0), ok: new Boolean(true) } };
    // An optional field left undefined (`temperature: options.temperature`) is left out, as JSON does.
    const unset = { custom_id: "4", body: { texts: ["d"], truncate: undefined } };
    // A class that names its own kind is still sent by its fields.
    class Texts {
      texts = ["e"];
      get [Symbol.toStringTag]() {
        return "Texts";
      }
    }
    const tagged = { custom_id: "5", body: new Texts() };
    await server.client().datasets.create({ ...upload, data: [foreign, bare, dated, unset, tagged] });
    const form = server.fake.requests.at(-1)?.form as FormData;
    expect(await (form.get("data") as File).text()).toBe(
      '{"custom_id":"1","body":{"texts":["a"],"n":1}}\n' +
        '{"custom_id":"2","body":{"texts":["b"]}}\n' +
        '{"custom_id":"3","body":{"texts":["c"],"at":"1970-01-01T00:00:00.000Z","ok":true}}\n' +
        '{"custom_id":"4","body":{"texts":["d"]}}\n' +
        '{"custom_id":"5","body":{"texts":["e"]}}\n',
    );
  });
});

describe("collections in memory (arrays, Sets, Maps) are checked whole before sending", () => {
  it("chunks that only look glued go as they are: a newline starting the next, CRLF split, braces in a string", async () => {
    const o1 = '{"custom_id":"1","body":{"content":"\\\\frac{1}{2}"}}';
    const o2 = '{"custom_id":"2","body":{}}';
    const split = o1.indexOf("}{");
    for (const items of [
      [o1, `\n${o2}\n`],
      [`${o1}\r`, `\n${o2}\r\n`],
      [o1.slice(0, split + 1), `${o1.slice(split + 1)}\n`],
      // `{}` whole, in the middle of a string: an object without a field may be a string's middle.
      ['{"custom_id":"1","body":{"t":"a', "{}", '{x}"}}\n'],
    ]) {
      await server.client().datasets.create({ ...upload, data: items });
      const form = server.fake.requests.at(-1)?.form as FormData;
      expect(await (form.get("data") as File).text()).toBe(items.join(""));
    }
  });

  it("an array is read item by item up to its first bad one, not copied whole first", async () => {
    // A sparse array of 100 million was copied (2.5 GB, 23 s) before its first hole was refused.
    const items = new Array(1_000_000);
    items[0] = LINE;
    const read = new Set<string>();
    const data = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) read.add(key);
        return Reflect.get(target, key, receiver);
      },
    });
    const error = await server
      .client()
      .datasets.create({ ...upload, data })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("Invalid request: data[1] must be a plain object, got undefined");
    expect([...read]).toEqual(["0", "1"]);
  });

  it("an array of JSONL text or bytes goes as its chunks, a pair split between two strings joined", async () => {
    // The types took a string[] (a file split into lines); the upload refused it as "got string".
    const text = `${JSON.stringify({ custom_id: "1", body: { t: "😀" } })}\n{"custom_id":"2","body":{}}\n`;
    const split = text.indexOf("😀") + 1;
    const bytes = new TextEncoder().encode(text);
    for (const data of [
      [text.slice(0, split), text.slice(split)],
      [bytes.subarray(0, 5), bytes.subarray(5)],
    ]) {
      await server.client().datasets.create({ ...upload, data });
      const form = server.fake.requests.at(-1)?.form as FormData;
      expect(new Uint8Array(await (form.get("data") as File).arrayBuffer())).toEqual(bytes);
    }
  });

  it.each([
    // A Set was streamed: the POST went out with the lines before the bad one, then was aborted.
    [
      "a Set with a Date",
      () => new Set([LINE, new Date(0)]),
      /^Invalid request: data item 1 must be a plain object, got Date$/,
    ],
    // A Map's entries are arrays: refused after its upload began.
    ["a Map", () => new Map([["1", LINE]]), /^Invalid request: data item 0 must be a plain object, got Array$/],
    [
      "an array of text, then an object",
      () => ['{"custom_id":"1"}\n', LINE],
      /^Invalid request: data\[1\] is not text or bytes, and the items before it are text or bytes/,
    ],
    ["an array of text ending in half a pair", () => ['{"t":"\uD83D'], /^Invalid request: data\[0\] holds a lone/],
    // `file.trim().split("\n")`: the items were sent glued, one broken line for the server to refuse.
    [
      "an array of lines without their newlines",
      () => ['{"custom_id":"1","body":{}}', '{"custom_id":"2","body":{}}'],
      /^Invalid request: data\[0\] ends a JSON object without a newline, so data\[1\] would be glued onto its line/,
    ],
    // Spaces or tabs between the two objects glued them all the same.
    [
      "an array of lines without their newlines, spaces or tabs between them",
      () => ['{"custom_id":"1","body":{}} ', '\t{"custom_id":"2","body":{}}'],
      /^Invalid request: data\[0\] ends a JSON object without a newline, so data\[1\] would be glued onto its line/,
    ],
    // A CRLF file split at "\n": each line ends in "\r", and they were glued.
    [
      "an array of CRLF lines split at LF",
      () => ['{"custom_id":"1","body":{}}\r', '{"custom_id":"2","body":{}}\r'],
      /^Invalid request: data\[0\] ends a JSON object without a newline, so data\[1\] would be glued onto its line/,
    ],
    // An empty or blank item between two lines without newlines glued them too.
    [
      "an array of lines without their newlines, an empty and a blank item between them",
      () => ['{"custom_id":"1","body":{}}', "", " ", '{"custom_id":"2","body":{}}'],
      /^Invalid request: data\[0\] ends a JSON object without a newline, so data\[3\] would be glued onto its line/,
    ],
  ])("%s is refused before anything is sent", async (_, data, message) => {
    // Counted at fetch: a streamed upload calls it before its items are read (the fake keeps
    // only requests whose body arrived whole).
    let fetched = 0;
    const client = server.client({
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        fetched++;
        return fetch(input, init);
      },
    });
    const error = await client.datasets.create({ ...upload, data: data() as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(message);
    expect(fetched).toBe(0);
  });
});

describe("text split anywhere is sent as the UTF-8 of the whole", () => {
  it("a surrogate pair split between two strings of an iterable", async () => {
    const text = `${JSON.stringify({ custom_id: "1", body: { t: "😀" } })}\n`;
    const split = text.indexOf("😀") + 1; // between the two halves of the pair
    async function* halves() {
      yield text.slice(0, split);
      yield text.slice(split);
    }
    await server.client().datasets.create({ ...upload, data: halves() });
    const form = server.fake.requests.at(-1)?.form as FormData;
    expect(new Uint8Array(await (form.get("data") as File).arrayBuffer())).toEqual(new TextEncoder().encode(text));
  });
});

describe("text with a lone surrogate", () => {
  // UTF-8 has no lone surrogate: encoded, it was sent as U+FFFD, as an object line's is refused.
  async function* chunks(...texts: string[]) {
    yield* texts;
  }
  it.each([
    ["a string", () => '{"custom_id":"1","body":{"t":"a\uD800b"}}\n', /data holds a lone UTF-16 surrogate/],
    [
      "a chunk of an iterable",
      () => chunks(`${JSON.stringify(LINE)}\n`, '{"t":"\uDC00"}\n'),
      /data item 1 holds a lone/,
    ],
    ["a high half that ends the text", () => chunks(`${JSON.stringify(LINE)}\n\uD83D`), /data item 0 holds a lone/],
  ])("in %s is refused, not sent as U+FFFD", async (_, data, message) => {
    const error = await server
      .client()
      .datasets.create({ ...upload, data: data() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(message);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});

describe("a file that cannot be read", () => {
  it("is the source's failure, not a connection failure, and is not retried", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "upload-sources-")), "changing.jsonl");
    writeFileSync(file, `${JSON.stringify(LINE)}\n`);
    const blob = await openAsBlob(file);
    writeFileSync(file, `${JSON.stringify(LINE)}\n${JSON.stringify(LINE)}\n`); // changed since: unreadable
    const started = Date.now();
    const error = await server
      .client({ maxRetries: 2 })
      .datasets.create({ ...upload, data: blob }, { idempotencyKey: "k-1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(/The data being uploaded failed as it was read/);
    // Two retries would wait their backoff (at least 0.5 s in all).
    expect(Date.now() - started).toBeLessThan(400);
  });
});

describe("a Node stream that fails before the upload reads it", () => {
  // An `fs` read stream of a missing file emits ENOENT by itself while the call still loads its
  // code: nobody listened, and the EventEmitter threw it as an uncaught exception (the process died).
  it("a read stream of a missing file: the create rejects with the data's failure, and nothing crashes", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "upload-sources-")), "missing.jsonl");
    const data = createReadStream(missing);
    const pending = server.client().datasets.create({ ...upload, data, eval_data: createReadStream(missing) });
    expect(data.listenerCount("error")).toBeGreaterThan(0);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/failed as it was read: ENOENT/);
  });

  it("a run's requests destroyed with an error as the run starts: the run rejects with it, and nothing crashes", async () => {
    const requests = new Readable({ read() {} });
    const pending = server
      .client()
      .batches.run({ name: "run", model: "embed-v4.0", type: "batch-embed-v2-input", requests });
    expect(requests.listenerCount("error")).toBeGreaterThan(0);
    requests.destroy(new Error("the disk went away"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/failed as it was read: the disk went away/);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});

describe("eval_data's filename follows its own kind, as data's does (Cohere reads the format from it)", () => {
  const CSV = "text,label\nhi,a\n";
  const csvFile = () => new File([CSV], "train.csv");
  function csvOnDisk(): string {
    const path = join(mkdtempSync(join(tmpdir(), "eval-")), "eval.csv");
    writeFileSync(path, CSV);
    return path;
  }
  async function* objects() {
    yield { text: "yo", label: "b" };
  }
  const cases: [string, () => Promise<{ data: unknown; filename?: string; eval_data: unknown }>, string][] = [
    [
      "objects next to a .csv File are JSONL",
      async () => ({ data: csvFile(), eval_data: [{ text: "yo" }] }),
      "requests-eval.jsonl",
    ],
    [
      "a generator of objects next to a .csv File is JSONL",
      async () => ({ data: csvFile(), eval_data: objects() }),
      "requests-eval.jsonl",
    ],
    [
      "a Node read stream is named as data's would be",
      async () => ({ data: csvFile(), eval_data: createReadStream(csvOnDisk()) }),
      "requests-eval.jsonl",
    ],
    [
      "a File keeps its own name",
      async () => ({ data: [{ text: "hi" }], eval_data: new File([CSV], "ev.csv") }),
      "ev.csv",
    ],
    [
      "text takes the extension of data's filename",
      async () => ({ data: CSV, filename: "train.csv", eval_data: CSV }),
      "requests-eval.csv",
    ],
    [
      "bytes take the extension of a File's name",
      async () => ({ data: csvFile(), eval_data: new TextEncoder().encode(CSV) }),
      "requests-eval.csv",
    ],
    [
      "a Blob without a name (fs.openAsBlob) takes it too",
      async () => ({ data: csvFile(), eval_data: await openAsBlob(csvOnDisk()) }),
      "requests-eval.csv",
    ],
    [
      "text next to objects is JSONL",
      async () => ({ data: [{ text: "hi" }], eval_data: '{"text":"yo"}\n' }),
      "requests-eval.jsonl",
    ],
  ];
  it.each(cases)("%s", async (_, request, expected) => {
    const { data, filename, eval_data } = await request();
    await server.client().datasets.create({
      name: "requests",
      type: "embed-input",
      data: data as string,
      eval_data: eval_data as string,
      ...(filename === undefined ? {} : { filename }),
    });
    const form = server.fake.requests.at(-1)?.form as FormData;
    expect((form.get("eval_data") as File).name).toBe(expected);
  });
});

describe("an upload whose own data fails, as every runtime runs it (test/runtimes/fixtures/uploads.mjs)", () => {
  it("ends with the SDK's typed error, sends nothing the server takes, and closes the caller's stream", async () => {
    const report = await runUploadFailures(sdk, { baseUrl: server.url, maxRetries: 0 });
    expect(report).toMatchObject(EXPECTED_UPLOAD_FAILURES);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});

describe("an upload whose source fails: who sees which error", () => {
  /** A generator that yields one line, then fails when `signal` fires, as a source tied to the caller's abort does. */
  async function* tiedTo(signal: AbortSignal) {
    yield LINE;
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("upstream aborted"))));
  }

  it("the caller's abort wins over the source failing because of it", async () => {
    // The source's listener on the caller's signal runs first: its failure was taken for the data's.
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user cancelled")), 30);
      const error = await server
        .client({ maxRetries: 0 })
        .datasets.create({ ...upload, data: tiedTo(controller.signal) }, { abortSignal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereAbortError);
    }
  });

  it("plugins, shouldRetry and the logging plugin see the error the caller gets", async () => {
    const seen: string[] = [];
    let sawInCall: unknown;
    const logged: string[] = [];
    const client = server.client({
      maxRetries: 2,
      logLevel: "error",
      logger: { debug() {}, info() {}, warn() {}, error: (line: string) => logged.push(line) },
      middleware: [
        {
          name: "spy",
          call: async (request: Request, next: (request: Request) => Promise<Response>) => {
            try {
              return await next(request);
            } catch (error) {
              seen.push(`call: ${(error as Error).name}: ${(error as Error).message}`);
              sawInCall = error;
              throw error;
            }
          },
        },
      ],
    });
    async function* broken() {
      yield LINE;
      throw new Error("disk read failed");
    }
    const error = await client.datasets
      .create(
        { ...upload, data: broken() },
        {
          shouldRetry: (info) => {
            seen.push(`shouldRetry: ${(info.error as Error).name}`);
            return undefined;
          },
        },
      )
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toContain("The data being uploaded failed as it was read: disk read failed");
    // The same error, named already when the call-phase plugin saw it: its words are the caller's.
    expect(sawInCall).toBe(error);
    expect(seen).toEqual([
      "shouldRetry: CohereError",
      "call: CohereError: datasets.create (POST /v1/datasets): The data being uploaded failed as it was read: disk read failed",
    ]);
    expect(seen[1]).toBe(`call: CohereError: ${(error as Error).message}`);
    expect(logged.join("\n")).toMatch(/failed: CohereError/);
    expect(logged.join("\n")).not.toMatch(/CohereAbortError/);
  });

  it("a source that fails after the server has answered leaves the server's answer to stand", async () => {
    // A 401 sent before the upload was read, its body still arriving when the source fails.
    const origin = await earlyAnswerServer((request, response) => {
      request.resume();
      response.writeHead(401, { "content-type": "application/json" });
      response.write('{"message":');
      setTimeout(() => response.end('"invalid api token"}'), 300);
    });
    async function* failsLate() {
      const started = Date.now();
      for (;;) {
        await settle(10);
        if (Date.now() - started > 100) throw new Error("source broke late");
        yield LINE;
      }
    }
    const error = await new CohereClient({ token: "wrong", baseUrl: origin, maxRetries: 0 }).datasets
      .create({ ...upload, data: failsLate() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
  });

  it("the token in a source's own error message is redacted, as a server's echo is", async () => {
    const token = "sk-live-0123456789abcdef-secret";
    async function* leaky() {
      yield LINE;
      throw new Error(`could not read with ${token}`);
    }
    const error = await new CohereClient({ token, baseUrl: server.url, maxRetries: 0 }).datasets
      .create({ ...upload, data: leaky() })
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain(token);
    expect(String((error as Error).stack)).not.toContain(token);
    expect(inspect(error, { depth: 10 })).not.toContain(token);
  });
});

describe("an upload whose source fails, or whose caller aborts, sent by other hands than the runtime's fetch", () => {
  async function* failing() {
    yield LINE;
    await settle(50);
    throw new Error("disk read failed");
  }
  /** A custom fetch as the README's node-fetch recipe writes one: the body read whole first. */
  const recipeFetch = async (request: Request, init?: RequestInit) =>
    fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body === null ? null : await request.arrayBuffer(),
      signal: init?.signal ?? request.signal,
    });
  const bodyReader = (phase: "call" | "attempt"): MiddlewarePlugin => ({
    name: "size",
    phase,
    handle: async (request, next) => {
      await request.clone().arrayBuffer();
      return next(request);
    },
  });

  it.each([
    ["a fetch that reads the body first (the README's node-fetch recipe)", () => ({ fetch: recipeFetch })],
    ["the fake's own fetch", () => ({ fetch: server.fake.fetch })],
    ["a wrapper that passes on the Request only", () => ({ fetch: (request: Request) => fetch(request) })],
    ["an attempt-phase plugin that reads the body", () => ({ middleware: [bodyReader("attempt")] })],
    ["a call-phase plugin that reads the body", () => ({ middleware: [bodyReader("call")] })],
  ])("a failing source ends the call at once with the data's failure, through %s", async (_, options) => {
    // Only the runtime's fetch followed the body's failure: the others waited for the timeout (or for ever).
    const { error, ms } = await outcome(
      server.client({ timeoutInSeconds: 5, ...options() }).datasets.create({ ...upload, data: failing() }),
    );
    expect(CohereError.is(error)).toBe(true);
    expect((error as Error).message).toContain("The data being uploaded failed as it was read: disk read failed");
    expect(ms).toBeLessThan(2_000);
    expect(server.fake.count("datasets.create")).toBe(0);
  });

  it.each([
    ["a wrapper that passes on the Request only", () => ({ fetch: (request: Request) => fetch(request) })],
    [
      "a call-phase plugin that answers with fetch(request)",
      () => ({
        middleware: [{ name: "mirror", phase: "call" as const, handle: (request: Request) => fetch(request) }],
      }),
    ],
    [
      "an attempt-phase plugin that answers with fetch(request)",
      () => ({
        middleware: [{ name: "mirror", phase: "attempt" as const, handle: (request: Request) => fetch(request) }],
      }),
    ],
  ])("after the caller's abort, %s sends no whole request cut short", async (_, options) => {
    // The Request carried no signal and the body was ended (not errored) once the call settled:
    // the server got a complete request without its closing boundary, and answered 200.
    const complete: number[] = [];
    const origin = await earlyAnswerServer((request, response) => {
      let bytes = 0;
      request.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      request.on("end", () => {
        complete.push(bytes);
        response.end('{"id":"ds-1"}');
      });
      request.on("error", () => undefined);
    });
    async function* slow() {
      for (let i = 0; i < 50; i++) {
        yield LINE;
        await settle(20);
      }
    }
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 150);
    const client = new CohereClient({ token: "t", baseUrl: origin, maxRetries: 0, ...options() });
    const error = await client.datasets
      .create({ ...upload, data: slow() }, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    await settle(300);
    expect(complete).toEqual([]);
  });

  it("an attempt-phase plugin's request.signal fires on the attempt's timeout, without a caller's signal", async () => {
    let fired = false;
    const watcher: Middleware = (request, next) => {
      request.signal.addEventListener("abort", () => {
        fired = true;
      });
      return next(request);
    };
    server.fake.inject("list", { type: "delay", ms: 1_000 });
    const client = server.client({ middleware: [watcher], timeoutInSeconds: 0.1, maxRetries: 0 });
    expect((await outcome(client.batches.list())).error).toBeInstanceOf(CohereTimeoutError);
    expect(fired).toBe(true);
  });

  it.each([
    ["an AggregateError", (token: string) => new AggregateError([new Error(`mirror refused ${token}`)], "all failed")],
    [
      "an error with an HTTP client's config",
      (token: string) =>
        Object.assign(new Error("read failed"), { config: { headers: { authorization: `Bearer ${token}` } } }),
    ],
  ])("a token from a token function deep in the source's failure (%s) is not kept", async (_, make) => {
    let n = 0;
    const current = () => `rotating-key-${n}-0123456789`;
    const token = () => {
      n += 1;
      return current();
    };
    async function* leaky() {
      yield LINE;
      await settle(30);
      throw make(current());
    }
    const error = await new CohereClient({ token, baseUrl: server.url, maxRetries: 0 }).datasets
      .create({ ...upload, data: leaky() })
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect(inspect(error, { depth: 10 })).not.toContain(current());
  });
});

describe("a third re-attack: plugins, answers and kept causes", () => {
  it("a source that fails after the server answered, while a call-phase plugin still runs, leaves the answer to stand", async () => {
    const origin = await earlyAnswerServer((request, response) => {
      request.on("error", () => undefined);
      request.resume();
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id":"ds-early"}');
    });
    async function* failsLate() {
      yield LINE;
      await settle(100);
      throw new Error("disk read failed");
    }
    const flushing: MiddlewarePlugin = {
      name: "metrics",
      call: async (request, next) => {
        const response = await next(request);
        await settle(300); // flushes its metrics while the source fails
        return response;
      },
    };
    const client = new CohereClient({ token: "t", baseUrl: origin, maxRetries: 0, middleware: [flushing] });
    await expect(client.datasets.create({ ...upload, data: failsLate() })).resolves.toEqual({ id: "ds-early" });
  });

  it("a call-phase plugin's own Response whose body stalls is ended by the caller's abort and by the timeout", async () => {
    const stalled = () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"batches":[')) }), {
        headers: { "content-type": "application/json" },
      });
    const mock: MiddlewarePlugin = { name: "mock", call: async () => stalled() };
    const client = server.client({ middleware: [mock], timeoutInSeconds: 60 });
    const aborted = await outcome(client.batches.list({}, { abortSignal: AbortSignal.timeout(100) }));
    expect(aborted.error).toBeInstanceOf(CohereAbortError);
    expect(aborted.ms).toBeLessThan(1_000);
    const timedOut = await outcome(client.batches.list({}, { timeoutInSeconds: 0.2 }));
    expect(timedOut.error).toBeInstanceOf(CohereTimeoutError);
    expect(timedOut.ms).toBeLessThan(2_000);
  });

  it("stacked plugins see one Request: the second gets the first's, not a copy", async () => {
    const seen: Request[] = [];
    const keep: Middleware = (request, next) => {
      seen.push(request);
      return next(request);
    };
    await server.client({ middleware: [keep, keep] }).batches.list();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
  });

  it("a kept cause of megabytes of bytes is not walked for the token: the failure comes at once", async () => {
    let n = 0;
    const token = () => `rotating-key-${++n}-0123456789`;
    async function* failing() {
      yield LINE;
      throw Object.assign(new Error("read failed"), { data: new Uint8Array(16 * 1024 * 1024) });
    }
    const started = performance.now();
    const error = await new CohereClient({ token, baseUrl: server.url, maxRetries: 0 }).datasets
      .create({ ...upload, data: failing() })
      .catch((e: unknown) => e);
    expect(CohereError.is(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a plugin that throws with the token in its message, or keeps it in a Headers, does not show it", async () => {
    const token = "sk-live-0123456789abcdef-secret";
    for (const thrown of [
      new Error(`refused: Bearer ${token}`),
      Object.assign(new Error("refused"), { headers: new Headers({ authorization: `Bearer ${token}` }) }),
    ]) {
      const hostile: Middleware = () => Promise.reject(thrown);
      const client = new CohereClient({ token, baseUrl: server.url, maxRetries: 0, middleware: [hostile] });
      const error = await client.batches.list().catch((e: unknown) => e);
      expect(CohereError.is(error)).toBe(true);
      expect(inspect(error, { depth: 10 })).not.toContain(token);
    }
  });

  it("a connection failure whose message quotes a URL holding the words of a refusal is still retried", async () => {
    let attempts = 0;
    const refusing = async () => {
      attempts += 1;
      throw new TypeError(
        "request to http://127.0.0.1:1/v1/datasets?name=UnexpectedRedirect failed, reason: connect ECONNREFUSED",
      );
    };
    const client = new CohereClient({
      token: "t",
      fetch: refusing,
      maxRetries: 2,
      backoff: { initialDelayInSeconds: 0.01, maxDelayInSeconds: 0.01 },
    });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect(attempts).toBe(3);
  });
});

describe("a Blob of the caller's that cannot be read", () => {
  it("is the data's failure, named as such, and nothing is sent", async () => {
    // A subclass whose `size` throws escaped as the raw error, from the composition of the body.
    class Unsized extends Blob {
      override get size(): number {
        throw new Error("size unknown");
      }
    }
    // Its `type` too, read for the part's head.
    class Untyped extends Blob {
      override get type(): string {
        throw new Error("type unknown");
      }
    }
    const text = `${JSON.stringify(LINE)}\n`;
    for (const [fields, why] of [
      [{ data: new Unsized([text]) }, "size unknown"],
      [{ data: new Untyped([text]) }, "type unknown"],
      [{ data: text, eval_data: new Untyped([text]) }, "type unknown"],
    ] as const) {
      const error = await server
        .client()
        .datasets.create({ ...upload, ...fields })
        .catch((e: unknown) => e);
      expect(CohereError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        `datasets.create (POST /v1/datasets): The data being uploaded failed as it was read: ${why}`,
      );
    }
    expect(server.fake.requests).toEqual([]);
  });
});

describe("a caller's web stream, once its upload has ended", () => {
  /** A stream of one line, then (with `stall`) nothing more, ever. */
  const oneLine = (stall: boolean) => {
    let pulls = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(LINE)}\n`));
        else if (stall) return new Promise(() => {});
        else controller.close();
      },
    });
  };

  it("is left unlocked, whether the upload went, timed out, was aborted or never started", async () => {
    const sent = oneLine(false);
    await server.client().datasets.create({ ...upload, data: sent });
    const timedOut = oneLine(true);
    const slow = new CohereClient({ token: "t", baseUrl: await sinkServer(), timeoutInSeconds: 0.3 });
    await expect(slow.datasets.create({ ...upload, data: timedOut })).rejects.toBeInstanceOf(CohereTimeoutError);
    const aborted = oneLine(true);
    const abortedCall = new CohereClient({ token: "t", baseUrl: await sinkServer() }).datasets.create(
      { ...upload, data: aborted },
      { abortSignal: AbortSignal.timeout(200) },
    );
    await expect(abortedCall).rejects.toBeInstanceOf(CohereAbortError);
    const neverRead = oneLine(true);
    await expect(
      server.client().datasets.create({ ...upload, data: neverRead }, { abortSignal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CohereAbortError);
    await settle(100);
    expect([sent.locked, timedOut.locked, aborted.locked, neverRead.locked]).toEqual([false, false, false, false]);
  });

  /** An object stream: one good line, then a bad item (a number). */
  const goodThenBad = (cancel?: UnderlyingSourceCancelCallback) => {
    let n = 0;
    return new ReadableStream<unknown>({
      pull: (c) => c.enqueue(n++ === 0 ? LINE : 42),
      ...(cancel && { cancel }),
    }) as ReadableStream<typeof LINE>;
  };

  it("with a bad item, is refused at once and let go of, even when its cancel never settles (a tee's branch)", async () => {
    const client = server.client({ timeoutInSeconds: 3, maxRetries: 0 });
    const [branch, twin] = goodThenBad().tee();
    const stuck = goodThenBad(() => new Promise(() => {}));
    for (const data of [branch, stuck]) {
      const started = performance.now();
      const error = await client.datasets.create({ ...upload, data }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(/data item 1 must be a plain object/);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(data.locked).toBe(false);
    }
    expect(twin.locked).toBe(false);
    expect(server.fake.count("datasets.create")).toBe(0);
  });
});
