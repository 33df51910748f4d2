import { describe, expect, it } from "vitest";
import {
  CohereAbortError,
  CohereConnectionError,
  CohereDatasetValidationError,
  CohereError,
  CohereTimeoutError,
  InternalServerError,
  ServiceUnavailableError,
} from "../../src/index.js";
import type { RequestOptions } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";
import { statusClasses } from "../helpers/status-classes.js";

const server = useFakeServer();
const JSONL = '{"custom_id":"1","body":{}}\n{"custom_id":"2","body":{}}\n';
const upload = { name: "requests", type: "batch-chat-v2-input", data: JSONL } as const;

/** A one-shot stream that yields `chunks`, then waits for ever unless `end` is set. */
async function* slowLines(end: boolean) {
  yield '{"custom_id":"1","body":{}}\n';
  if (!end) await new Promise(() => undefined);
}

async function validatedId(): Promise<string> {
  const { id } = await server.client().datasets.create(upload);
  server.clock.advance(2000);
  return id;
}

describe("datasets operations against the fake", () => {
  it("retrieve, list, usage and delete answer with the wire's fields", async () => {
    const client = server.client();
    const id = await validatedId();
    const { dataset } = await client.datasets.retrieve(id);
    expect(dataset).toMatchObject({ id, name: "requests", validation_status: "validated" });
    expect(
      (await client.datasets.list({ validationStatus: "validated", limit: 5 })).datasets?.map((d) => d.id),
    ).toEqual([id]);
    const query = new URL(server.fake.requests.at(-1)?.url ?? "").searchParams;
    expect(Object.fromEntries(query)).toEqual({ validationStatus: "validated", limit: "5" });
    expect(await client.datasets.usage()).toEqual({ organization_usage: JSONL.length });
    const raw = await client.datasets.withRawResponse.delete(id);
    expect(raw.status).toBe(200);
    expect(raw.data).toEqual({});
    expect(server.fake.requests.at(-1)?.method).toBe("DELETE");
    expect((await client.datasets.list()).datasets).toEqual([]);
  });

  it.each(statusClasses)("a %i on any dataset operation is a %s", async (status, name) => {
    const client = server.client({ maxRetries: 0 });
    const calls = [
      ["datasets.create", () => client.datasets.create(upload)],
      ["datasets.retrieve", () => client.datasets.retrieve("d")],
      ["datasets.list", () => client.datasets.list()],
      ["datasets.delete", () => client.datasets.delete("d")],
      ["datasets.usage", () => client.datasets.usage()],
    ] as const;
    for (const [operation, call] of calls) {
      server.fake.inject(operation, { type: "status", status });
      const error = await call().catch((e: unknown) => e);
      expect((error as Error).name, operation).toBe(name);
    }
  });

  it.each([
    ["an empty name", { ...upload, name: "" }, "name"],
    ["a missing data", { name: "n", type: "embed-input" }, "Invalid request: data is required"],
    ["a null eval_data (optional)", { ...upload, eval_data: null }, "eval_data must be data, or left out (got null)"],
    ["data of no supported kind", { ...upload, data: 42 }, "data must be a string, Uint8Array"],
    [
      "a typed array other than bytes",
      { ...upload, data: new Int16Array([1]) },
      "Blob, ReadableStream, or an (async) iterable of bytes or plain objects; got Int16Array",
    ],
    [
      "an array item that is not an object",
      { ...upload, data: [{}, 42] },
      "data[1] must be a plain object, got number",
    ],
    // Text is a chunk of JSONL, as in a stream: after a line it would be glued to the next one.
    [
      "text after an object in an array",
      { ...upload, data: [{}, "x"] },
      "data[1] is text or bytes, and the items before it are not",
    ],
    ["an object that cannot be serialised", { ...upload, data: [{ n: 1n }] }, "data[0] cannot be written as JSON"],
    ["a misspelt field", { ...upload, skipMalformedInput: true }, "skipMalformedInput is not a known field"],
    ["keep_fields that are not strings", { ...upload, keep_fields: [1] }, "keep_fields"],
  ])("refuses %s by name and sends nothing", async (_, request, message) => {
    const error = await server
      .client()
      .datasets.create(request as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain(message);
    expect(server.fake.count()).toBe(0);
  });

  it("refuses bodyParams on an upload (they cannot go in a multipart body) before sending", async () => {
    await expect(
      server.client().datasets.create(upload, { bodyParams: { extra: 1 } } as RequestOptions),
    ).rejects.toThrow("bodyParams cannot go in an upload");
    expect(server.fake.count()).toBe(0);
  });

  it("refuses a bad id or list filter before sending", async () => {
    const client = server.client();
    for (const call of [
      () => client.datasets.retrieve(""),
      () => client.datasets.delete(".."),
      () => client.datasets.list({ limit: -1 }),
      // The spec's date-time (RFC 3339): the server refuses anything else.
      () => client.datasets.list({ before: "yesterday" }),
      () => client.datasets.list({ after: "2026-01-31" }),
      () => client.datasets.list({ after: new Date() as never }),
      // Days past the month's end and hour 24 (Date.parse takes them), a leap second (Go refuses it).
      () => client.datasets.list({ after: "2026-02-31T00:00:00Z" }),
      () => client.datasets.list({ after: "2026-04-31T00:00:00Z" }),
      () => client.datasets.list({ after: "2025-02-29T00:00:00Z" }),
      () => client.datasets.list({ after: "2026-01-31T24:00:00Z" }),
      () => client.datasets.list({ after: "2026-01-31T00:00:00+24:00" }),
      () => client.datasets.list({ after: "2016-12-31T23:59:60Z" }),
      () => client.datasets.list({ after: "2026-13-01T00:00:00Z" }),
      () => client.datasets.list({ after: "2026-00-01T00:00:00Z" }),
      // Go's parser wants T and Z in upper case, and at most 9 digits of fraction.
      () => client.datasets.list({ after: "2026-01-31t00:00:00Z" }),
      () => client.datasets.list({ after: "2026-01-31T00:00:00z" }),
      () => client.datasets.list({ after: "2026-01-31T00:00:00.1234567891Z" }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(CohereError);
    }
    expect(server.fake.count()).toBe(0);
  });

  it("filters by RFC 3339 dates, as a Date's toISOString() writes them", async () => {
    const client = server.client();
    const { id } = await client.datasets.create(upload);
    const created = Date.parse((await client.datasets.retrieve(id)).dataset.created_at as string);
    const ids = async (request: object) => ((await client.datasets.list(request)).datasets ?? []).map((d) => d.id);
    expect(await ids({ after: new Date(created - 1000).toISOString() })).toContain(id);
    expect(await ids({ before: new Date(created - 1000).toISOString() })).not.toContain(id);
    expect(await ids({ before: "2999-01-01T00:00:00+02:00" })).toContain(id);
    // The last days of months, leap years' included, go.
    expect(await ids({ before: "2028-02-29T23:59:59.999999Z" })).toContain(id);
    expect(await ids({ before: "2400-02-29T00:00:00-05:30" })).toContain(id);
    expect(await ids({ after: "2000-02-29T00:00:00.123456789Z" })).toContain(id);
  });

  it('refuses the id "usage", which the spec excludes: /v1/datasets/usage is the usage endpoint', async () => {
    const client = server.client();
    for (const call of [
      () => client.datasets.retrieve("usage"),
      () => client.datasets.withRawResponse.delete("usage"),
      () => client.datasets.waitUntilValidated("usage"),
    ]) {
      await expect(call()).rejects.toThrow('Invalid id: must not be "usage" (the path of the usage endpoint)');
    }
    await expect(client.datasets.records("usage")[Symbol.asyncIterator]().next()).rejects.toThrow(
      /must not be "usage"/,
    );
    expect(server.fake.count()).toBe(0);
    // Only that exact id: one that starts with it is a dataset like any other.
    await expect(client.datasets.retrieve("usage-2")).rejects.toHaveProperty("status", 404);
  });

  it("an item a generator yields mid-upload that is not an object fails the call with a CohereError", async () => {
    async function* lines() {
      yield { custom_id: "1", body: {} };
      yield 7;
    }
    const error = await server
      .client()
      .datasets.create({ ...upload, data: lines() as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain("data item 1 must be a plain object, got number");
  });

  it("a chunk of a ReadableStream that is not bytes, a string or an object fails the call with a CohereError", async () => {
    const data = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{}\n"));
        controller.enqueue(7);
        controller.close();
      },
    });
    const error = await server
      .client({ timeoutInSeconds: 5 })
      .datasets.create({ ...upload, data: data as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain("data item 1 must be a plain object, got number");
  });
});

describe("a data source that fails as it is read", () => {
  it("a generator that throws mid-upload: a CohereError saying so, not a connection failure", async () => {
    async function* lines() {
      yield { custom_id: "1", body: {} };
      throw new Error("disk gone");
    }
    const error = await server
      .client()
      .datasets.create({ ...upload, data: lines() as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect(error).not.toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toBe(
      "datasets.create (POST /v1/datasets): The data being uploaded failed as it was read: disk gone",
    );
    expect(((error as Error).cause as Error).message).toBe("disk gone");
  });
});

describe("retries of an upload never duplicate or corrupt it", () => {
  it("a replayable body is sent again byte for byte after a 503", async () => {
    server.fake.inject("datasets.create", { type: "status", status: 503, retryAfterMs: 1 });
    await server.client().datasets.create({ ...upload, data: new Blob([JSONL]) });
    const [first, second] = server.fake.requests;
    expect(server.fake.count("datasets.create")).toBe(2);
    expect(second?.headers["content-type"]).toBe(first?.headers["content-type"]);
    expect(await (second!.form!.get("data") as File).text()).toBe(JSONL);
    expect(await (first!.form!.get("data") as File).text()).toBe(JSONL);
  });

  it("without an idempotency key a 500 (the server may have acted) is not retried", async () => {
    server.fake.inject("datasets.create", { type: "status", status: 500, afterAction: true });
    await expect(server.client().datasets.create(upload)).rejects.toBeInstanceOf(InternalServerError);
    expect(server.fake.count("datasets.create")).toBe(1);
  });

  it("with an idempotency key a replayable upload is retried after a 500, the key on every attempt", async () => {
    server.fake.inject("datasets.create", { type: "status", status: 500, retryAfterMs: 1 });
    await server.client().datasets.create(upload, { idempotencyKey: "k-1" });
    expect(server.fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["k-1", "k-1"]);
  });

  it("a one-shot stream is sent once, even after a 503 and with an idempotency key", async () => {
    server.fake.inject("datasets.create", { type: "status", status: 503, retryAfterMs: 1 });
    const error = await server
      .client()
      .datasets.create({ ...upload, data: slowLines(true) }, { idempotencyKey: "k-2" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.fake.count("datasets.create")).toBe(1);
    // It said nothing of why one attempt was made, with retries left.
    expect((error as Error).message).toMatch(
      /-> 503: .*; not sent again: a stream is read once \(a Blob is sent again\)$/,
    );
  });
});

describe("aborts and timeouts during an upload", () => {
  it("the attempt timeout ends an upload whose stream stalls, and it is not retried", async () => {
    const started = Date.now();
    const error = await server
      .client({ timeoutInSeconds: 0.3 })
      .datasets.create({ ...upload, data: slowLines(false) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.fake.count("datasets.create")).toBeLessThanOrEqual(1);
    expect((await server.client().datasets.list()).datasets).toEqual([]);
  });

  it("the caller's abort ends an upload in flight with CohereAbortError", async () => {
    const controller = new AbortController();
    const pending = server
      .client()
      .datasets.create({ ...upload, data: slowLines(false) }, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 100);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).cause).toEqual(new Error("stop"));
  });

  it("an abort before create sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(server.client().datasets.create(upload, { abortSignal: controller.signal })).rejects.toBeInstanceOf(
      CohereAbortError,
    );
    expect(server.fake.count()).toBe(0);
  });
});

describe("waitUntilValidated", () => {
  it("resolves with the validated dataset, reporting each poll", async () => {
    const client = server.client();
    const { id } = await client.datasets.create(upload);
    const seen: string[] = [];
    const pending = client.datasets.waitUntilValidated(id, {
      pollIntervalInSeconds: 0.01,
      onProgress: (dataset) => {
        seen.push(dataset.validation_status);
        server.clock.advance(400);
      },
    });
    const dataset = await pending;
    expect(dataset.validation_status).toBe("validated");
    expect(seen[0]).toBe("queued");
    expect(seen).toContain("processing");
    expect(seen.at(-1)).toBe("validated");
  });

  it("resolves with a dataset whose validation was skipped, as with a validated one", async () => {
    const client = server.client();
    const { id } = await client.datasets.create(upload);
    const { dataset } = await client.datasets.retrieve(id);
    expect(dataset.validation_status).toBe("queued");
    const skipped = { ...dataset, validation_status: "skipped" };
    server.fake.inject("datasets.retrieve", { type: "status", status: 200, body: { dataset: skipped } });
    const seen: string[] = [];
    const done = await client.datasets.waitUntilValidated(id, {
      pollIntervalInSeconds: 0.01,
      onProgress: (polled) => seen.push(polled.validation_status),
    });
    expect(done).toEqual(skipped);
    expect(seen).toEqual(["skipped"]);
  });

  it("rejects a failed validation with CohereDatasetValidationError carrying the server's reason", async () => {
    const client = server.client();
    const { id } = await client.datasets.create({ ...upload, data: '{"custom_id":"1","body":{}}\nnot json\n' });
    server.clock.advance(2000);
    const error = await client.datasets.waitUntilValidated(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereDatasetValidationError);
    const failure = error as CohereDatasetValidationError;
    expect(failure.validationError).toBe("requests.jsonl line 2 is not valid JSON");
    expect(failure.dataset.id).toBe(id);
    expect(failure.warnings).toEqual([]);
    expect(failure.message).toContain("line 2");
    expect(CohereDatasetValidationError.is(failure)).toBe(true);
  });

  it("a failed validation stands when onProgress aborts on seeing it: the outcome, not an abort", async () => {
    const client = server.client();
    const { id } = await client.datasets.create({ ...upload, data: '{"custom_id":"1","body":{}}\nnot json\n' });
    server.clock.advance(2000);
    const controller = new AbortController();
    const error = await client.datasets
      .waitUntilValidated(id, { abortSignal: controller.signal, onProgress: () => controller.abort() })
      .catch((e: unknown) => e);
    expect(controller.signal.aborted).toBe(true);
    expect(error).toBeInstanceOf(CohereDatasetValidationError);
  });

  it("outlives a burst of 503s and times out with the last failure as its cause", async () => {
    const client = server.client({ maxRetries: 0 });
    const { id } = await client.datasets.create(upload);
    server.fake.inject("datasets.retrieve", { type: "status", status: 503, retryAfterMs: 1 }, { times: 10_000 });
    const error = await client.datasets
      .waitUntilValidated(id, { pollIntervalInSeconds: 0.02, timeoutInSeconds: 0.3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).cause).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain(`dataset ${id} was not validated`);
  });

  it("stops with CohereAbortError when the caller aborts mid-wait", async () => {
    const client = server.client();
    const { id } = await client.datasets.create(upload);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      client.datasets.waitUntilValidated(id, { pollIntervalInSeconds: 0.02, abortSignal: controller.signal }),
    ).rejects.toBeInstanceOf(CohereAbortError);
  });

  it("refuses bad options before polling", async () => {
    await expect(server.client().datasets.waitUntilValidated("x", { pollIntervalInSeconds: 0 })).rejects.toThrow(
      "Invalid waitUntilValidated options: pollIntervalInSeconds",
    );
    expect(server.fake.count()).toBe(0);
  });
});

describe("a batch from an uploaded dataset", () => {
  it("is refused (400) until the dataset is validated, then takes its record count", async () => {
    const client = server.client();
    const { id } = await client.datasets.create(upload);
    const batch = { name: "b", input_dataset_id: id, model: "command-a-03-2025" };
    await expect(client.batches.create(batch)).rejects.toMatchObject({ status: 400 });
    await client.datasets.waitUntilValidated(id, {
      pollIntervalInSeconds: 0.01,
      onProgress: () => server.clock.advance(500),
    });
    expect((await client.batches.create(batch)).batch.num_records).toBe(2);
  });
});

describe("an iterable holds chunks of JSONL or objects, not both", () => {
  const server = useFakeServer();
  const upload = { name: "mixed", type: "embed-input" } as const;
  const sources: [string, () => Iterable<unknown> | AsyncIterable<unknown>, string][] = [
    [
      "a string after objects (a Set)",
      () => new Set<unknown>([{ text: "1" }, '{"text":"2"}', { text: "3" }]),
      "data item 1 is text or bytes, and the items before it are not",
    ],
    [
      "bytes after objects (an async generator)",
      async function* () {
        yield { text: "1" };
        yield new TextEncoder().encode('{"text":"2"}\n');
      },
      "data item 1 is text or bytes, and the items before it are not",
    ],
    [
      "an object after text (a generator)",
      function* () {
        yield '{"text":"1"}\n';
        yield { text: "2" };
      },
      "data item 1 is not text or bytes, and the items before it are text or bytes",
    ],
  ];
  it.each(sources)(
    "%s: refused, and no dataset is made (it glued two records onto one line)",
    async (_, data, words) => {
      const error = await server
        .client()
        .datasets.create({ ...upload, data: data() as never })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toBe(
        `Invalid request: ${words}: an iterable holds either chunks of JSONL (text or bytes) or plain objects (one line each)`,
      );
      expect((await server.client().datasets.list()).datasets ?? []).toHaveLength(0);
    },
  );

  it("chunks alone and objects alone still go as they are", async () => {
    const client = server.client();
    const chunks = async function* () {
      yield '{"text":"a"}\n{"te';
      yield 'xt":"b"}\n';
    };
    for (const data of [chunks(), new Set([{ text: "a" }, { text: "b" }])]) {
      const { id } = await client.datasets.create({ ...upload, data });
      server.clock.advance(600_000);
      const dataset = await client.datasets.retrieve(id);
      expect(dataset.dataset.validation_status).toBe("validated");
    }
  });
});
