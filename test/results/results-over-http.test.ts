// batches.results / datasets.records over real HTTP against the fake: API origin and a second
// download origin behind signed, expiring URLs.
import { describe, expect, it } from "vitest";
import {
  CohereAbortError,
  CohereConnectionError,
  CohereError,
  CohereParseError,
  CohereTimeoutError,
  ForbiddenError,
  InternalServerError,
} from "../../src/index.js";
import { embeddingOf } from "../../src/testing/index.node.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

function ids(records: { custom_id?: string | null }[]): string[] {
  return records.map((r) => r.custom_id as string).sort();
}

const expectedIds = (n: number) =>
  embedRequests(n)
    .map((r) => r.custom_id)
    .sort();

describe("results", () => {
  it("yields one record per input line, matched by custom_id: embed vectors, and the failed records with their error", async () => {
    const batch = await env.completedBatch(embedRequests(50));
    const results = await collect(env.client().batches.results(batch.id as string));
    expect(ids(results)).toEqual(expectedIds(50));
    const failed = results.filter((r) => r.error !== null && r.error !== undefined);
    expect(failed.length).toBe(batch.num_failed_records);
    expect(failed.length).toBeGreaterThan(0);
    const r3 = results.find((r) => r.custom_id === "r3") as { body: { embeddings: { float: number[][] } } };
    expect(r3.body.embeddings.float).toEqual([embeddingOf("text 3")]);
    expect((failed[0] as { error: { message: string } }).error.message).toMatch(/refused/);
  });

  it("reads every part, in index order, one download per part", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.reset();
    await collect(env.client().batches.results(batch.id as string));
    const downloads = env.fake.requests
      .filter((r) => r.operation === "datasets.download")
      .map((r) => new URL(r.url).pathname);
    expect(downloads).toEqual([0, 1, 2].map((i) => `/${batch.output_dataset_id}/part-${i}.avro`));
  });

  it("is returned at once and fetches nothing until iteration starts", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const results = env.client().batches.results(batch.id as string);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.fake.count()).toBe(0);
    expect((await collect(results)).length).toBe(5);
  });

  it("yields chat records with a deterministic assistant message", async () => {
    const requests = [1, 2, 3].map((i) => ({
      custom_id: `c${i}`,
      body: { model: "command-a-03-2025", messages: [{ role: "user", content: `question ${i}` }] },
    }));
    const batch = await env.completedBatch(requests, "batch-chat-v2-input", "command-a-03-2025");
    const results = await collect(env.client().batches.results(batch.id as string));
    const c2 = results.find((r) => r.custom_id === "c2") as {
      body: { message: { role: string; content: { text: string }[] } };
    };
    expect(c2.body.message.role).toBe("assistant");
    expect(c2.body.message.content[0]?.text).toBe("Reply to c2: question 2");
  });

  it("datasets.records reads an output dataset by id", async () => {
    const batch = await env.completedBatch(embedRequests(12));
    const records = await collect(env.client().datasets.records(batch.output_dataset_id as string));
    expect(ids(records)).toEqual(expectedIds(12));
  });

  it("a batch that is not completed is a CohereError naming its status, and nothing is downloaded", async () => {
    const api = env.client();
    const { id } = await api.datasets.create({ name: "early", type: "batch-embed-v2-input", data: embedRequests(500) });
    env.clock.advance(60_000);
    const { batch } = await api.batches.create({ name: "early", input_dataset_id: id, model: "embed-v4.0" });
    env.fake.reset();
    const error = await collect(api.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain("BATCH_STATUS_QUEUED");
    expect(env.fake.count("datasets.retrieve") + env.fake.count("datasets.download")).toBe(0);
  });

  it("a failed batch (even with an output_dataset_id) has no results", async () => {
    const [failed] = env.fake.addBatches(1, { status: "BATCH_STATUS_FAILED", output_dataset_id: "out-1" });
    const error = await collect(env.client().batches.results(failed?.id as string)).catch((e: unknown) => e);
    expect((error as Error).message).toContain("BATCH_STATUS_FAILED");
    expect(env.fake.count("datasets.download")).toBe(0);
  });

  it("a bad id is refused on the first next(), before anything is sent: the call itself returns the iterable", async () => {
    for (const id of ["", ".."]) {
      // Built outside a try, as `Readable.from(client.batches.results(id))` builds it.
      const iterables = [env.client().batches.results(id), env.client().datasets.records(id)];
      for (const iterable of iterables) {
        const error = await collect(iterable).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CohereError);
        expect((error as Error).message).toMatch(/^Invalid id: /);
      }
    }
    expect(env.fake.count()).toBe(0);
  });

  it("a dataset part without a download URL is a CohereError", async () => {
    // The fake gives a .csv upload's parts no URL (it does not parse CSV).
    const { id } = await env
      .client()
      .datasets.create({ name: "input", type: "embed-input", data: "text\na\n", filename: "input.csv" });
    env.clock.advance(60_000);
    await expect(collect(env.client().datasets.records(id))).rejects.toThrow(/has no download URL/);
  });
});

describe("results: token secrecy on downloads", () => {
  it("sends no Authorization, X-Client-Name, Idempotency-Key or client header to the download origin", async () => {
    const batch = await env.completedBatch(embedRequests(20));
    env.fake.reset();
    const client = env.client({ clientName: "secrecy-test", headers: { "X-Team": "secret-team" } });
    const results = client.batches.results(batch.id as string, { idempotencyKey: "k-1", headers: { "X-Call": "c" } });
    expect((await collect(results)).length).toBe(20);
    expect(env.fake.downloadAuthorizations).toEqual([]);
    const downloads = env.fake.requests.filter((r) => r.operation === "datasets.download");
    expect(downloads.length).toBe(3);
    for (const { headers } of downloads) {
      for (const name of ["authorization", "x-client-name", "idempotency-key", "x-team", "x-call"])
        expect(headers[name]).toBeUndefined();
    }
    // The API calls did carry them: the difference is the download pipeline's, not the client's.
    const retrieve = env.fake.requests.find((r) => r.operation === "retrieve");
    expect(retrieve?.headers.authorization).toBe("Bearer test-token");
  });
  // Users' plugins on downloads (they run; a plugin's Authorization is refused): plugins-on-downloads.test.ts.
});

describe("results: faults on downloads", () => {
  it("an expired URL makes it retrieve the dataset once for fresh URLs and resume at the same part, no record twice", async () => {
    const batch = await env.completedBatch(embedRequests(60));
    env.fake.reset();
    const seen: string[] = [];
    for await (const record of env.client().batches.results(batch.id as string)) {
      seen.push(record.custom_id as string);
      // The URLs were signed for 4 hours when the dataset was retrieved: they expire mid-read.
      if (seen.length === 25) env.clock.advance(5 * 3_600_000);
    }
    expect(seen.sort()).toEqual(expectedIds(60));
    expect(env.fake.count("datasets.retrieve")).toBe(2);
  });

  it("a 403 from the storage host refreshes once and resumes; a second refusal in a row is the ForbiddenError", async () => {
    const batch = await env.completedBatch(embedRequests(30));
    env.fake.inject("datasets.download", { type: "status", status: 403, body: "<Error>AccessDenied</Error>" });
    expect(ids(await collect(env.client().batches.results(batch.id as string)))).toEqual(expectedIds(30));
    env.fake.inject("datasets.download", { type: "status", status: 403 }, { times: 2 });
    await expect(collect(env.client().batches.results(batch.id as string))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("a download that fails for good says which part of which dataset, and how many attempts, without the signed URL", async () => {
    const batch = await env.completedBatch(embedRequests(10));
    env.fake.inject("datasets.download", { type: "status", status: 500 }, { times: 3 });
    const error = await collect(env.client({ maxRetries: 2 }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InternalServerError);
    const message = (error as Error).message;
    expect(message).toMatch(/^GET part 0 \(.+\) of dataset .+ -> 500.*\(3 attempts made\)$/);
    expect(message).not.toMatch(/[?&](sig|signature|expires)=/i);
    expect((error as { url?: string }).url).not.toMatch(/\?/);
  });

  it("a 503 on a download is retried with the client's retries", async () => {
    const batch = await env.completedBatch(embedRequests(10));
    env.fake.inject("datasets.download", { type: "status", status: 503, retryAfter: "0" }, { times: 2 });
    expect((await collect(env.client().batches.results(batch.id as string))).length).toBe(10);
  });

  it("a connection reset mid-part reads the part again and skips what was yielded: no record twice", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    // Without afterAction too: a download acts on nothing, and its broken body is the part's bytes.
    for (const afterAction of [true, false]) {
      env.fake.reset();
      env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction });
      const results = await collect(env.client().batches.results(batch.id as string));
      expect(ids(results)).toEqual(expectedIds(600));
      expect(env.fake.count("datasets.download")).toBe(4);
    }
  });

  it("a stalled body ends its wait after the timeout, and the part is read again", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "stall-body" });
    const results = await collect(env.client({ timeoutInSeconds: 0.5 }).batches.results(batch.id as string));
    expect(ids(results)).toEqual(expectedIds(600));
  });

  it("a stalled body with no retries left is a CohereTimeoutError naming the part", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "stall-body" });
    const client = env.client({ timeoutInSeconds: 0.3, maxRetries: 0 });
    const error = await collect(client.batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe(
      `datasets.download (GET part 0 (part-0.avro) of dataset ${batch.output_dataset_id}): No record of the part, and under 1024 bytes a second of it, for 0.3 s`,
    );
  });

  it("a connection reset mid-part with no retries left is a CohereConnectionError naming the part", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction: true });
    const error = await collect(env.client({ maxRetries: 0 }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^datasets\\.download \\(GET part 0 \\(part-0\\.avro\\) of dataset ${batch.output_dataset_id}\\): The body broke off`,
      ),
    );
  });

  it("a part whose body breaks off in every download says how many downloads were made", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction: true }, { times: 3 });
    const error = await collect(env.client({ maxRetries: 2 }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(
      /^datasets\.download \(GET part 0 .+\): The body broke off.*; 3 attempts made$/,
    );
    expect(env.fake.count("datasets.download")).toBe(3);
  });

  it("a part re-read after a broken body counts the attempts of every download of it", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "status", status: 500 }, { times: 2 });
    env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction: true });
    env.fake.inject("datasets.download", { type: "status", status: 500 }, { times: 3 });
    const error = await collect(env.client({ maxRetries: 2 }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toMatch(/^GET part 0 .+ -> 500.*\(6 attempts made\)$/);
    expect(env.fake.count("datasets.download")).toBe(6);
  });

  it("a part re-read after a broken body and a refused URL counts the refused download too", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction: true });
    // The refused download retried a 503 first: 2 attempts.
    env.fake.inject("datasets.download", { type: "status", status: 503, retryAfter: "0" });
    env.fake.inject("datasets.download", { type: "status", status: 403 });
    env.fake.inject("datasets.download", { type: "reset-mid-body", afterAction: true }, { times: 2 });
    const error = await collect(env.client({ maxRetries: 2 }).batches.results(batch.id as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(/; 5 attempts made$/);
    expect(env.fake.count("datasets.download")).toBe(5);
  });

  it("a part cut short mid-block is a CohereParseError naming the part", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.inject("datasets.download", { type: "truncate" });
    const error = await collect(env.client().batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toContain(`part 0 (part-0.avro) of dataset ${batch.output_dataset_id}`);
  });

  it("a body that is not Avro is a CohereParseError naming the part", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.inject("datasets.download", { type: "malformed-body", body: "<html>proxy login</html>" });
    const error = await collect(env.client().batches.results(batch.id as string)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toContain("part 0");
  });

  it("the caller's abort ends the iteration mid-part with CohereAbortError", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    const controller = new AbortController();
    env.fake.inject("datasets.download", { type: "stall-body" });
    const results = env.client().batches.results(batch.id as string, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 100);
    await expect(collect(results)).rejects.toBeInstanceOf(CohereAbortError);
  });

  it("the caller's abort ends the iteration at the next record, not after the records already downloaded", async () => {
    // Only the byte reads watched the signal: 3,795 records of a 20,000-record batch came after
    // the abort, every one the decoder could make from bytes already received.
    const batch = await env.completedBatch(embedRequests(2_000));
    const cases = [
      ["results", (signal: AbortSignal) => env.client().batches.results(batch.id as string, { abortSignal: signal })],
      [
        "records",
        (signal: AbortSignal) =>
          env.client().datasets.records(batch.output_dataset_id as string, { abortSignal: signal }),
      ],
    ] as const;
    for (const [name, open] of cases) {
      const controller = new AbortController();
      const iterator = open(controller.signal)[Symbol.asyncIterator]();
      for (let i = 0; i < 5; i++) expect((await iterator.next()).done).toBe(false);
      const reason = new Error("user left");
      controller.abort(reason);
      const error = await iterator.next().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereAbortError);
      // Named by the method iterated, the reason its cause.
      expect((error as Error).message).toBe(`${name}: The request was aborted`);
      expect((error as Error).cause).toBe(reason);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    }
  });

  it("an iterator closed before its first next() stays done, and nothing is fetched", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    env.fake.reset();
    const client = env.client();
    for (const iterable of [
      client.batches.results(batch.id as string),
      client.datasets.records(batch.output_dataset_id as string),
    ]) {
      const iterator = iterable[Symbol.asyncIterator]();
      expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    }
    expect(env.fake.count()).toBe(0);
  });

  it("an iterator closed mid-way stays done", async () => {
    const batch = await env.completedBatch(embedRequests(5));
    const iterator = env
      .client()
      .batches.results(batch.id as string)
      [Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await iterator.return?.();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("leaving the loop early cancels the download", async () => {
    const batch = await env.completedBatch(embedRequests(600));
    env.fake.reset();
    for await (const _ of env.client().batches.results(batch.id as string)) break;
    expect(env.fake.count("datasets.download")).toBe(1);
  });
});
