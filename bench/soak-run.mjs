// The soak: many calls at high concurrency against the fake HTTP service, with seeded random
// faults. Every call must end in data or a typed CohereError; nothing may reject unhandled;
// the heap must not grow. Used by `bench/soak.mjs` (20,000 calls) and by the test suite
// (1,000 calls). Runs the built package, as users get it.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CohereClient, CohereError } from "cohere-batches";
import { FakeCohere, ManualClock, startFakeCohereServer } from "cohere-batches/testing";

/** Deterministic [0, 1) numbers, so a failing soak can be replayed with its seed. */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faults = [
  { type: "status", status: 503, retryAfterMs: 1 },
  { type: "status", status: 429, retryAfterMs: 1 },
  { type: "status", status: 500, retryAfterMs: 1 },
  { type: "status", status: 502, body: "<html>bad gateway</html>", retryAfterMs: 1 },
  { type: "status", status: 501 },
  { type: "status", status: 404 },
  { type: "drop" },
  { type: "reset-mid-body" },
  { type: "malformed-body" },
  { type: "empty-body" },
  { type: "missing-field" },
  { type: "delay", ms: 400 },
  { type: "stall-body" },
];

/** `global.gc`, where the process allows it. */
function collector() {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc");
}

/**
 * @param {{ calls: number, concurrency: number, faultRate: number, seed: number }} options
 */
export async function runSoak({ calls, concurrency, faultRate, seed }) {
  const gc = collector();
  const fake = new FakeCohere({ clock: new ManualClock(), seed });
  const server = await startFakeCohereServer(fake);
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on("unhandledRejection", onUnhandled);
  const random = mulberry32(seed);
  const client = new CohereClient({ token: "test-token", baseUrl: server.url, timeoutInSeconds: 0.25, maxRetries: 2 });
  const { batch } = await client.batches.create({ name: "soak", input_dataset_id: "ds-soak", model: "command-r" });
  fake.addBatches(40);

  const operations = [
    ["list", () => client.batches.list({ page_size: 20 })],
    // A small set of idempotency keys keeps the fake's store bounded and lets create retry.
    [
      "create",
      (index) =>
        client.batches.create(
          { name: "soak", input_dataset_id: "ds-soak", model: "command-r" },
          { idempotencyKey: `soak-${index % 16}` },
        ),
    ],
    ["retrieve", () => client.batches.retrieve(batch.id)],
    ["cancel", () => client.batches.cancel(batch.id)],
  ];

  const outcomes = new Map();
  let untyped = 0;
  let injected = 0;
  let started = 0;
  let heapBefore = 0;
  const warmup = Math.min(500, Math.floor(calls / 4));

  async function worker() {
    while (started < calls) {
      const index = started++;
      if (index === warmup) {
        gc();
        heapBefore = process.memoryUsage().heapUsed;
      }
      // The fake logs every request; clear the log so that only the SDK's memory is measured.
      if (index % 250 === 0) fake.requests.length = 0;
      const [name, call] = operations[index % operations.length];
      if (random() < faultRate) {
        fake.inject(name, faults[Math.floor(random() * faults.length)]);
        injected++;
      }
      try {
        await call(index);
        outcomes.set("ok", (outcomes.get("ok") ?? 0) + 1);
      } catch (error) {
        if (!CohereError.is(error)) untyped++;
        outcomes.set(error?.name ?? String(error), (outcomes.get(error?.name) ?? 0) + 1);
      }
    }
  }

  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = performance.now() - startedAt;
  fake.reset();
  await server.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  process.off("unhandledRejection", onUnhandled);
  const ended = [...outcomes.values()].reduce((sum, count) => sum + count, 0);
  return {
    calls,
    ended,
    injected,
    outcomes: Object.fromEntries(outcomes),
    untyped,
    unhandled,
    heapGrowthBytes: heapAfter - heapBefore,
    durationMs,
  };
}
