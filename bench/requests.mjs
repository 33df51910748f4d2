// Per-request cost of `retrieve`: plain fetch vs cohere-batches vs cohere-ai, sequentially and
// at concurrency 32 and 256, in interleaved rounds (each round runs every client, in an order
// that rotates from round to round, so drift in machine load hits every client alike).
//
// Reports, per mode and client, the median over rounds of wall-clock µs per call and of this
// process's CPU µs per call (process.cpuUsage: the client's own work; the server is another
// process).
//
//   node --expose-gc bench/requests.mjs [--json]
//   BENCH_ROUNDS=5 BENCH_VARIANTS=name=/abs/index.mjs,... (patched SDK copies, see bench/profile.mjs)
import { BATCH_ID, gc, makeClients, median, startServerProcess } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// 1,000 / 2,000 / 2,000 calls per client per round by default: on the 2-core machine this was
// written on, a plain-fetch call costs ~500 µs, and BENCH_SCALE=1 (2,000 / 4,000 / 4,000) makes
// this part alone take ~2 minutes.
const SCALE = Number(process.env.BENCH_SCALE ?? 0.5);
export const MODES = [
  { key: "seq", label: "retrieve, sequential", concurrency: 1, calls: Math.round(2000 * SCALE) },
  { key: "c32", label: "retrieve, concurrency 32", concurrency: 32, calls: Math.round(4000 * SCALE) },
  { key: "c256", label: "retrieve, concurrency 256", concurrency: 256, calls: Math.round(4000 * SCALE) },
];

async function drive(retrieve, calls, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      await retrieve(BATCH_ID);
    }
  };
  const workers = new Array(concurrency);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < concurrency; i++) workers[i] = worker();
  await Promise.all(workers);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: (wall * 1000) / calls, cpuUs: (cpu.user + cpu.system) / calls };
}

export async function runRequests({ baseUrl, variants = [], include }) {
  const clients = await makeClients(baseUrl, { variants, include });
  // Check every client really gets the batch, then warm up (JIT, connection pools).
  for (const client of clients) {
    const body = await client.retrieve(BATCH_ID);
    if (body?.batch?.id !== BATCH_ID)
      throw new Error(`${client.name}: unexpected body ${JSON.stringify(body).slice(0, 200)}`);
    await drive(client.retrieve, 500, 1);
    await drive(client.retrieve, 1000, 256);
  }
  const samples = {};
  for (const mode of MODES)
    samples[mode.key] = Object.fromEntries(clients.map((c) => [c.name, { wallUs: [], cpuUs: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      for (let i = 0; i < clients.length; i++) {
        const client = clients[(i + round) % clients.length];
        gc();
        const { wallUs, cpuUs } = await drive(client.retrieve, mode.calls, mode.concurrency);
        samples[mode.key][client.name].wallUs.push(wallUs);
        samples[mode.key][client.name].cpuUs.push(cpuUs);
      }
    }
  }
  // Ratios are medians of per-round ratios (client / fetch in the same round): a round's clients
  // run back to back, so a burst of load from elsewhere mostly cancels out.
  const results = {};
  for (const mode of MODES) {
    results[mode.key] = {};
    const base = samples[mode.key][clients[0].name];
    const sdk = samples[mode.key]["cohere-batches"];
    const ratios = (mine, of) => median(mine.map((x, i) => x / of[i]));
    for (const client of clients) {
      const s = samples[mode.key][client.name];
      results[mode.key][client.name] = {
        wallUs: median(s.wallUs),
        cpuUs: median(s.cpuUs),
        wallRatio: ratios(s.wallUs, base.wallUs),
        cpuRatio: ratios(s.cpuUs, base.cpuUs),
        ...(sdk ? { wallVsSdk: ratios(s.wallUs, sdk.wallUs), cpuVsSdk: ratios(s.cpuUs, sdk.cpuUs) } : {}),
        wallSamples: s.wallUs,
        cpuSamples: s.cpuUs,
      };
    }
  }
  return { rounds: ROUNDS, modes: MODES, clients: clients.map((c) => c.name), results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `bench/run.mjs` passes its one server; run alone, this starts its own.
  const server = process.env.BENCH_BASE_URL
    ? { baseUrl: process.env.BENCH_BASE_URL, stop() {} }
    : await startServerProcess();
  try {
    const variants = (process.env.BENCH_VARIANTS ?? "")
      .split(",")
      .filter(Boolean)
      .map((entry) => {
        const [name, path] = entry.split("=");
        return { name, path };
      });
    const include = process.env.BENCH_INCLUDE ? process.env.BENCH_INCLUDE.split(",") : undefined;
    const out = await runRequests({ baseUrl: server.baseUrl, variants, include });
    if (process.argv.includes("--json")) {
      process.stdout.write(JSON.stringify(out));
    } else {
      for (const mode of out.modes) {
        console.log(
          `\n${mode.label} (${mode.calls} calls, median of ${out.rounds} rounds; ratios: median of per-round ratios)`,
        );
        for (const name of out.clients) {
          const r = out.results[mode.key][name];
          console.log(
            `  ${name.padEnd(24)} wall ${r.wallUs.toFixed(0).padStart(5)} µs ${r.wallRatio.toFixed(2)}x   cpu ${r.cpuUs.toFixed(0).padStart(5)} µs ${r.cpuRatio.toFixed(2)}x${r.wallVsSdk !== undefined && name !== "fetch" ? `   vs cohere-batches: wall ${r.wallVsSdk.toFixed(2)}x, cpu ${r.cpuVsSdk.toFixed(2)}x` : ""}   (wall ${r.wallSamples.map((x) => x.toFixed(0)).join(" ")})`,
          );
        }
      }
    }
  } finally {
    server.stop();
  }
}
