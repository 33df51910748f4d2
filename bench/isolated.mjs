// `npm run bench:isolated`: the per-request comparison of bench/requests.mjs with every sample
// taken in a fresh process of its own, so that no client runs in a heap, a JIT state or a
// connection pool another client shaped. The rounds still interleave (the order of clients
// rotates each round) against one loopback server.
//
// Why: in bench/requests.mjs all clients share one process, and the ratios depend on which
// clients share it (adding two clients with a stubbed fetch to the mix moved the SDK from
// 1.47x to 0.80x of plain fetch: docs/benchmarks.md). This is a second measure, not the bars'.
//
//   node bench/isolated.mjs                      # fetch, fetch floor, cohere-batches; 6 cells
//   BENCH_ROUNDS=5 BENCH_CELLS=retrieve-32 BENCH_INCLUDE=fetch,fetch-floor,cohere-batches,ky
//   BENCH_WARM=10000 (calls of the measured cell before the sample; default 1,000)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BATCH_ID, makeClients, median, startServerProcess } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const INCLUDE = (process.env.BENCH_INCLUDE ?? "fetch,fetch-floor,cohere-batches").split(",");
const ONLY = process.env.BENCH_CELLS?.split(",");
const CELLS = ["retrieve", "list"]
  .flatMap((op) => [1, 32, 256].map((concurrency) => ({ key: `${op}-${concurrency}`, op, concurrency })))
  .filter((cell) => ONLY === undefined || ONLY.includes(cell.key));
/** Calls per sample: as bench/requests.mjs at its default scale. */
const CALLS = { 1: 600, 32: 1500, 256: 1500 };

async function drive(run, count, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await run();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / count, wallUs: ((performance.now() - t0) * 1000) / count };
}

if (process.argv[2] === "--child") {
  // One sample: one client, one cell, in this process alone. Warmed as bench/requests.mjs warms.
  const [, , , baseUrl, include, op, concurrency] = process.argv;
  const [client] = await makeClients(baseUrl, { include: [include] });
  for (const warm of ["retrieve", "list"]) {
    await drive(() => client[warm](BATCH_ID), 300, 1);
    await drive(() => client[warm](BATCH_ID), 600, 256);
  }
  await drive(() => client[op](BATCH_ID), Number(process.env.BENCH_WARM ?? 1000), Number(concurrency));
  const sample = await drive(() => client[op](BATCH_ID), CALLS[concurrency], Number(concurrency));
  process.stdout.write(JSON.stringify({ name: client.name, ...sample }));
  process.exit(0);
}

function sampleInChild(baseUrl, include, cell) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), "--child", baseUrl, include, cell.op, String(cell.concurrency)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${include} exited ${code}`)),
    );
  });
}

const server = await startServerProcess();
try {
  const samples = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const cell of CELLS) {
      for (let i = 0; i < INCLUDE.length; i++) {
        const include = INCLUDE[(i + round) % INCLUDE.length];
        const sample = await sampleInChild(server.baseUrl, include, cell);
        samples[cell.key] ??= {};
        samples[cell.key][sample.name] ??= [];
        samples[cell.key][sample.name].push(sample);
      }
    }
  }
  console.log(
    `Each sample in a fresh process; median of ${ROUNDS} rounds; ratios are medians of per-round ratios to plain fetch (CPU of the client process).\n`,
  );
  console.log("| cell | client | CPU µs/call | CPU vs fetch | wall vs fetch |");
  console.log("|---|---|---:|---:|---:|");
  for (const cell of CELLS) {
    const base = samples[cell.key].fetch;
    for (const [name, list] of Object.entries(samples[cell.key])) {
      const ratio = (field) =>
        base === undefined ? "-" : `${median(list.map((s, i) => s[field] / base[i][field])).toFixed(2)}x`;
      console.log(
        `| ${cell.key} | ${name} | ${Math.round(median(list.map((s) => s.cpuUs)))} | ${ratio("cpuUs")} | ${ratio("wallUs")} |`,
      );
    }
  }
} finally {
  server.stop();
}
