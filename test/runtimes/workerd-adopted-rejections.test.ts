// Three places that handed on a promise already rejected from a `then` callback or an async
// function's `return`, run in Cloudflare workerd: its unhandled-rejection check runs before such a
// promise is adopted (Node's runs after the microtasks, so only workerd tells). Each caller below
// handles its rejection; workerd must report none. A worker bundled by esbuild from the sources
// (these are internals and a layer used alone, which no public call reaches with the timing).
import { describe, expect, it } from "vitest";
import { useSourceWorkers } from "./support/source-worker.js";

const WORKER = `import { decodeAvroContainer } from "./src/internal/decoders/avro.ts";
import { lazyAsyncIterable } from "./src/lib/lazy-iterable.ts";
import { authMiddleware } from "./src/middleware/auth.ts";
import { rateLimitMiddleware } from "./src/middleware/rate-limit.ts";
import { tracingMiddleware } from "./src/middleware/tracing.ts";
import { writeAvroContainer } from "./src/testing/avro-writer.ts";

const settled = async (promises) =>
  (await Promise.allSettled(promises)).map((o) => (o.status === "fulfilled" ? o.value : "rejected: " + o.reason?.message));

export default {
  async test() {
    const unhandled = [];
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault?.();
      unhandled.push(String(event.reason?.message ?? event.reason));
    });
    const report = {};

    // An Avro file whose block says 2 records and holds 3: the second record read leaves a byte
    // over. Two next() at once: the second waits for the block's load, then fails at once.
    const file = await writeAvroContainer(
      { type: "record", name: "R", fields: [{ name: "n", type: "long" }] },
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      { codec: "null", sync: new Uint8Array(16).fill(7) },
    );
    const countAt = file.length - 16 - 1 - 3 - 1; // the count, before the size, the 3 bytes and the marker
    report.countByte = file[countAt];
    const patched = file.slice();
    patched[countAt] = 4; // zigzag 2
    const records = decodeAvroContainer(new Response(patched).body, { part: "p" });
    report.avro = await settled([records.next(), records.next()]);

    // An iterable opened lazily whose iterator refuses its first next() at once (as the records
    // reader does when the caller's signal fired as it opened): one next(), then two queued.
    const refusing = () =>
      lazyAsyncIterable(async () => ({ next: () => Promise.reject(new Error("refused at once")) }));
    report.lazyOne = await settled([refusing()[Symbol.asyncIterator]().next()]);
    const twice = refusing()[Symbol.asyncIterator]();
    report.lazyTwo = await settled([twice.next(), twice.next()]);

    // Layers used alone (each exported to be), given a next() that refuses at once: the auth
    // layer with an async token function, and the rate-limit and tracing plugins' handlers.
    const refusingNext = () => Promise.reject(new Error("next refused"));
    const alone = (handle, operation = "batches.list") =>
      settled([handle(new Request("http://127.0.0.1/"), refusingNext, { operation, attempt: 1, options: {}, state: {} })]);
    report.auth = await alone(authMiddleware(async () => "test-token"));
    report.rateLimit = await alone(rateLimitMiddleware().handle);
    report.tracing = await alone(tracingMiddleware().handle);
    report.rateLimitDownload = await alone(rateLimitMiddleware().handle, "datasets.download");
    report.tracingDownload = await alone(tracingMiddleware().handle, "datasets.download");

    await new Promise((resolve) => setTimeout(resolve, 50));
    report.unhandled = unhandled;
    report.userAgent = navigator.userAgent;
    console.log("REPORT " + JSON.stringify(report));
  },
};`;

// Every public call that a caller can make fail at once (bad input, bad options, a signal already
// aborted, data that fails as it is read), through the SDK's default build (as workers get it)
// and a fetch that answers everything: none may leave a rejection for workerd to report.
const PUBLIC_CALLS = `import { CohereClient } from "./src/index.ts";

const json = (body) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
const stamp = "2026-01-01T00:00:00Z";
const fetch = async (request) => {
  const path = new URL(request.url).pathname;
  if (path === "/v1/datasets/d")
    return json({ dataset: { id: "d", name: "n", dataset_type: "x", validation_status: "validated", created_at: stamp, updated_at: stamp } });
  if (path === "/v2/batches/b")
    return json({ batch: { id: "b", name: "n", input_dataset_id: "d", model: "m", status: "BATCH_STATUS_COMPLETED", created_at: stamp, updated_at: stamp } });
  return json({ batches: [], datasets: [] });
};

export default {
  async test() {
    const unhandled = [];
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault?.();
      unhandled.push(String(event.reason?.message ?? event.reason).slice(0, 100));
    });
    const client = new CohereClient({ token: "test-token", fetch, maxRetries: 0 });
    const asyncToken = new CohereClient({ token: async () => "test-token", fetch, maxRetries: 0 });
    const drain = async (iterable) => {
      for await (const _ of iterable);
    };
    const runRequest = { name: "n", model: "m", type: "batch-embed-v2-input", requests: [{ custom_id: "1", body: {} }] };
    const failing = () => new ReadableStream({ pull() { throw new Error("source broke"); } });
    const calls = {
      "waitUntilDone(42)": () => client.batches.waitUntilDone(42),
      "waitUntilValidated(42)": () => client.datasets.waitUntilValidated(42),
      "datasets.create, empty name": () => client.datasets.create({ name: "", type: "x", data: "a" }),
      "datasets.create, data failing": () => client.datasets.create({ name: "n", type: "x", data: failing() }),
      "datasets.retrieve(42)": () => client.datasets.retrieve(42),
      "datasets.delete('')": () => client.datasets.delete(""),
      "run({})": () => client.batches.run({}),
      "run, requests failing": () => client.batches.run({ ...runRequest, requests: failing() }),
      "results(42)": () => drain(client.batches.results(42)),
      "listAll, bad page_size": () => drain(client.batches.listAll({ page_size: "x" })),
      "withRawResponse.create({})": () => client.batches.withRawResponse.create({}),
      "async token, bad header": () => asyncToken.batches.list({}, { headers: { "bad name": "1" } }),
    };
    const optionsThatFail = {
      "bad options": { timeoutInSeconds: -1 },
      "a bad header": { headers: { "bad name": "1" } },
      "aborted": { abortSignal: AbortSignal.abort(new Error("gone")) },
    };
    for (const [label, options] of Object.entries(optionsThatFail))
      Object.assign(calls, {
        [\`list, \${label}\`]: () => client.batches.list({}, options),
        [\`retrieve, \${label}\`]: () => client.batches.retrieve("b", options),
        [\`create, \${label}\`]: () => client.batches.create({ name: "n", input_dataset_id: "d", model: "m" }, options),
        [\`cancel, \${label}\`]: () => client.batches.cancel("b", options),
        [\`datasets.create, \${label}\`]: () => client.datasets.create({ name: "n", type: "x", data: "a" }, options),
        [\`datasets.retrieve, \${label}\`]: () => client.datasets.retrieve("d", options),
        [\`datasets.list, \${label}\`]: () => client.datasets.list({}, options),
        [\`datasets.delete, \${label}\`]: () => client.datasets.delete("d", options),
        [\`datasets.usage, \${label}\`]: () => client.datasets.usage(options),
        [\`run, \${label}\`]: () => client.batches.run(runRequest, options),
        [\`results, \${label}\`]: () => drain(client.batches.results("b", options)),
        [\`records, \${label}\`]: () => drain(client.datasets.records("d", options)),
        [\`listAll, \${label}\`]: () => drain(client.batches.listAll({}, options)),
        [\`waitUntilDone, \${label}\`]: () => client.batches.waitUntilDone("b", options),
        [\`waitUntilValidated, \${label}\`]: () => client.datasets.waitUntilValidated("d", options),
        [\`async token, \${label}\`]: () => asyncToken.batches.list({}, options),
      });
    const report = {};
    for (const [name, call] of Object.entries(calls)) {
      try {
        await call();
        report[name] = { ok: true };
      } catch (error) {
        report[name] = { name: error?.name, typed: typeof error?.constructor?.is === "function" && error.constructor.is(error) };
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (unhandled.length > 0) report[name].unhandled = unhandled.splice(0);
    }
    console.log("REPORT " + JSON.stringify(report));
  },
};`;

const runInWorkerd = useSourceWorkers("workerd-adopted-");

describe("promises already rejected, handed on (workerd)", () => {
  it("reach their callers handled: workerd reports no unhandled rejection", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the worker's JSON report
    const report: any = await runInWorkerd(WORKER, "REPORT");
    expect(report.userAgent).toBe("Cloudflare-Workers");
    // The premise: the file's one block counted its 3 records (zigzag 6) before the patch.
    expect(report.countByte).toBe(6);
    expect(report.avro).toEqual([
      { done: false, value: { n: 1 } },
      expect.stringMatching(/^rejected: .*p: block 0: 1 bytes left after the block's last record$/),
    ]);
    expect(report.lazyOne).toEqual(["rejected: refused at once"]);
    // Both queued behind the opening go to the opened iterator, which refuses each.
    expect(report.lazyTwo).toEqual(["rejected: refused at once", "rejected: refused at once"]);
    for (const layer of ["auth", "rateLimit", "tracing", "rateLimitDownload", "tracingDownload"])
      expect(report[layer], layer).toEqual(["rejected: next refused"]);
    expect(report.unhandled).toEqual([]);
  }, 60_000);

  it("public calls that fail at once end typed, and workerd reports nothing unhandled", async () => {
    const report = (await runInWorkerd(PUBLIC_CALLS, "REPORT")) as Record<
      string,
      { ok?: true; name?: string; typed?: boolean; unhandled?: string[] }
    >;
    expect(Object.keys(report)).toHaveLength(12 + 3 * 16);
    for (const [call, outcome] of Object.entries(report)) {
      expect(outcome.unhandled, call).toBeUndefined();
      // Bodies a server may take (cancel, delete) or a batch answered completed may go through;
      // every failure is typed.
      if (!outcome.ok) expect(outcome, call).toMatchObject({ typed: true });
    }
    // The calls refused before anything is sent.
    for (const call of ["run({})", "results(42)", "datasets.create, empty name", "waitUntilDone(42)", "list, aborted"])
      expect(report[call], call).toMatchObject({ typed: true });
  }, 60_000);
});
