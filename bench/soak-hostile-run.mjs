// The hostile-user soak: thousands of calls from a hostile user (see hostile/user.mjs) against
// the fake service with random faults, and against a hostile server (hostile/server.mjs), with
// random aborts and timeouts. It checks the rules of API.md section 7a: every call settles
// (none pending), in data or a CohereError (none untyped), nothing rejects unhandled, no create
// without an idempotency key is sent twice, no false success, and no error shows the token.
import { inspect } from "node:util";
import { CohereError } from "cohere-batches";
import { FakeCohere, ManualClock, startFakeCohereServer } from "cohere-batches/testing";
import { startHostileServer } from "./hostile/server.mjs";
import { attemptPlans, hostileClient, soakToken } from "./hostile/user.mjs";
import { mulberry32 } from "./soak-run.mjs";

const faults = [
  { type: "status", status: 503, retryAfterMs: 1 },
  { type: "status", status: 500, afterAction: true },
  { type: "status", status: 429, retryAfterMs: 1 },
  { type: "drop", afterAction: true },
  { type: "reset-mid-body", afterAction: true },
  { type: "malformed-body" },
  { type: "delay", ms: 400 },
  { type: "stall-body" },
];

/** Each operation: [name, run(client, hostile, index, options), must fail?]. */
function operations(ids) {
  const batchBody = (index) => ({ name: `soak-c-${index}`, input_dataset_id: "ds-soak", model: "command-r" });
  const hostile = (scenario, options) => ({ ...options, headers: { "x-soak-scenario": scenario } });
  const walk = async (iterable) => {
    for await (const _ of iterable);
  };
  return [
    ["list", (c, _h, _i, o) => c.batches.list({ page_size: 5 }, o)],
    ["retrieve", (c, _h, _i, o) => c.batches.retrieve(ids.running, o)],
    ["cancel", (c, _h, _i, o) => c.batches.cancel(ids.running, o)],
    ["create", (c, _h, i, o) => c.batches.create(batchBody(i), o)],
    ["create-keyed", (c, _h, i, o) => c.batches.create(batchBody(i), { ...o, idempotencyKey: `soak-key-${i}` })],
    [
      "wait",
      (c, _h, _i, o) =>
        c.batches.waitUntilDone(ids.done, {
          pollIntervalInSeconds: 0.01,
          timeoutInSeconds: 1,
          abortSignal: o.abortSignal,
          onProgress: (batch) => (batch.id.length % 2 ? Promise.reject(new Error("observer")) : batch.nope.x),
        }),
    ],
    ["307-list", (_c, h, _i, o) => h.batches.list({}, hostile("redirect-307", o))],
    ["307-create", (_c, h, i, o) => h.batches.create(batchBody(i), hostile("redirect-307", o))],
    ["refused-create", (_c, h, i, o) => h.batches.create(batchBody(i), hostile("redirect-refused", o)), true],
    ["303-cancel", (_c, h, _i, o) => h.batches.cancel("b-hostile", hostile("redirect-303", o)), true],
    ["cycle", (_c, h, _i, o) => walk(h.batches.listAll({}, hostile("cycle", o))), true],
    ["600", (_c, h, _i, o) => h.batches.list({}, hostile("status-600", o)), true],
    ["huge", (_c, h, _i, o) => h.batches.list({}, { ...hostile("huge", o), maxResponseBytes: 256 * 1024 }), true],
    ["echo", (_c, h, _i, o) => h.batches.list({}, hostile("echo-token", o)), true],
  ];
}

/**
 * Creates that made two batches at the fake, plus creates without a key that the hostile server
 * received twice after redirecting them to a port that refuses (the first hop did see them).
 */
function duplicateCreates(fake, hostileServer, ops) {
  const names = new Map();
  for (const batch of fake.listBatches()) names.set(batch.name, (names.get(batch.name) ?? 0) + 1);
  const refusedIndex = ops.findIndex(([name]) => name === "refused-create");
  const sentTwice = [...hostileServer.createPosts].filter(
    ([name, posts]) => posts > 1 && Number(name.slice("soak-c-".length)) % ops.length === refusedIndex,
  );
  const madeTwice = [...names].filter(([name, count]) => name.startsWith("soak-c-") && count > 1);
  if (process.env.SOAK_DEBUG) console.error({ sentTwice, madeTwice });
  return sentTwice.length + madeTwice.length;
}

/** Settles with the outcome, or with "pending" if the call has not settled after `ms`. */
function watch(promise, ms) {
  let timer;
  const watchdog = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ pending: true }), ms);
  });
  const settled = promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  return Promise.race([settled, watchdog]).finally(() => clearTimeout(timer));
}

/** @param {{ calls: number, concurrency: number, seed: number }} options */
export async function runHostileSoak({ calls, concurrency, seed }) {
  const random = mulberry32(seed);
  const fake = new FakeCohere({ clock: new ManualClock(), seed, tokens: [soakToken] });
  const fakeServer = await startFakeCohereServer(fake);
  const hostileServer = await startHostileServer(fakeServer.url);
  const ids = {
    running: fake.addBatches(1, { status: "BATCH_STATUS_IN_PROGRESS" })[0].id,
    done: fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" })[0].id,
  };
  const ops = operations(ids);
  const client = hostileClient(fakeServer.url, random);
  const hostile = hostileClient(hostileServer.url, random);
  const counts = { untyped: 0, pending: 0, falseSuccess: 0, leakedToken: 0, reported: 0, unhandled: 0, injected: 0 };
  const outcomes = {};
  const warn = console.warn;
  console.warn = () => counts.reported++;
  const onUnhandled = () => counts.unhandled++;
  process.on("unhandledRejection", onUnhandled);
  let started = 0;
  const startedAt = performance.now();

  async function worker() {
    while (started < calls) {
      const index = started++;
      if (index % 250 === 0) fake.requests.length = 0;
      const [name, run, mustFail] = ops[index % ops.length];
      if (random() < 0.15) {
        fake.inject("*", faults[Math.floor(random() * faults.length)]);
        counts.injected++;
      }
      const context = {
        attemptPlan: attemptPlans[Math.floor(random() * attemptPlans.length)],
        callSleep: random() < 0.1,
      };
      const abortSignal = random() < 0.2 ? AbortSignal.timeout(Math.floor(random() * 300)) : undefined;
      const result = await watch(run(client, hostile, index, { context, abortSignal }), 15_000);
      const key = result.pending ? "pending" : result.error ? `${name}:${result.error.name}` : `${name}:ok`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (result.pending) counts.pending++;
      else if (result.error !== undefined) {
        if (!CohereError.is(result.error)) counts.untyped++;
        const shown = `${result.error.message}\n${result.error.stack}\n${JSON.stringify(result.error)}\n${inspect(result.error, { depth: 5 })}`;
        if (shown.includes(soakToken)) counts.leakedToken++;
      } else if (mustFail && context.attemptPlan === "ok") counts.falseSuccess++;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = performance.now() - startedAt;
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.off("unhandledRejection", onUnhandled);
  console.warn = warn;
  const duplicates = duplicateCreates(fake, hostileServer, ops);
  fake.reset();
  await Promise.all([fakeServer.close(), hostileServer.close()]);
  return { calls, ...counts, duplicates, durationMs, outcomes };
}
