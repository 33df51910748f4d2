// A caller's abortSignal often outlives many calls (one per job, per app). Node's fetch keeps a
// listener on the signal of every Request built on it until that Request is garbage collected,
// and Node warns of a leak past 10 listeners on a signal (1,500 once fetch has raised the
// limit): the SDK gives fetch and the Requests it builds signals of its own, leaves nothing on
// the caller's signal once a call has settled, and many calls in flight on one signal warn of
// nothing, as plain fetch does not.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CohereClient, type CohereClientOptions, loggingMiddleware, type Middleware } from "../../src/index.js";
import { leakWarnings } from "../helpers/leak-warnings.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const runtimeFetch = globalThis.fetch;
const pass: Middleware = (request, next) => next(request);
const newBatch = { name: "listeners", input_dataset_id: "ds-1", model: "command-r" };

const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

const clients: [string, CohereClientOptions][] = [
  ["no plugin", {}],
  ["an attempt-phase plugin (loggingMiddleware)", { middleware: [loggingMiddleware({ logger: quiet })] }],
  ["a call-phase plugin", { middleware: [{ name: "pass", phase: "call", handle: pass }] }],
  ["both phases", { middleware: [{ name: "both", call: pass, attempt: pass }] }],
  ["a user's fetch", { fetch: (request, init) => runtimeFetch(request, init) }],
];

const calls: [string, (client: CohereClient, abortSignal: AbortSignal, batchId: string) => Promise<unknown>][] = [
  ["retrieve", (client, abortSignal, id) => client.batches.retrieve(id, { abortSignal })],
  ["create (a POST)", (client, abortSignal) => client.batches.create(newBatch, { abortSignal })],
  [
    "datasets.create (an upload)",
    (client, abortSignal) =>
      client.datasets.create(
        { name: "l", type: "batch-embed-v2-input", data: embedRequests(2) },
        { abortSignal, maxRetries: 0 },
      ),
  ],
  [
    "a full results() read (downloads)",
    (client, abortSignal, id) => collect(client.batches.results(id, { abortSignal })),
  ],
];

describe("a caller's long-lived abortSignal", () => {
  afterEach(() => vi.restoreAllMocks());

  describe.each(clients)("with %s", (_, options) => {
    it.each(calls)(
      "keeps no listener of a settled %s call, without waiting for garbage collection",
      async (_, call) => {
        const { id } = await env.completedBatch(embedRequests(3));
        const client = env.client(options);
        const signal = new AbortController().signal;
        for (let i = 0; i < 20; i++) {
          await call(client, signal, id as string);
          expect(listeners(signal)).toBe(0);
        }
      },
    );
  });

  it.each(clients)("has 20 calls in flight on it with %s and warns of no leak", async (_, options) => {
    const { id } = await env.completedBatch(embedRequests(3));
    const client = env.client(options);
    const signal = new AbortController().signal;
    const warnings = await leakWarnings(() =>
      Promise.all([
        ...Array.from({ length: 20 }, () => client.batches.list({ page_size: 1 }, { abortSignal: signal })),
        ...Array.from({ length: 12 }, () => collect(client.batches.results(id as string, { abortSignal: signal }))),
      ]),
    );
    expect(warnings).toEqual([]);
    expect(listeners(signal)).toBe(0);
  });

  // Node's fetch raises the limit to 1,500 and keeps one listener per call in flight; a call
  // through a call-phase plugin keeps two (the plugin's run and the attempt's timeout follow the
  // caller's signal), so 750 such calls at once warned of a leak that was not there.
  it.each(clients.slice(0, 4))("has 1,000 calls in flight on it with %s and warns of no leak", async (_, options) => {
    const { FakeCohere } = await import("../../src/testing/index.js");
    const fake = new FakeCohere();
    const { CohereClient } = await import("../../src/index.js");
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, ...options });
    const signal = new AbortController().signal;
    const warnings = await leakWarnings(() =>
      Promise.all(Array.from({ length: 1_000 }, () => client.batches.list({ page_size: 1 }, { abortSignal: signal }))),
    );
    expect(warnings).toEqual([]);
    expect(listeners(signal)).toBe(0);
  });
});
