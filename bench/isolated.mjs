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
import { CELLS, checkAndWarmUp, drive } from "./requests.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const INCLUDE = (process.env.BENCH_INCLUDE ?? "fetch,fetch-floor,cohere-batches").split(",");

if (process.argv[2] === "--child") {
  // One sample: one client, one cell, in this process alone, warmed as bench/requests.mjs warms.
  const [, , , baseUrl, include, key] = process.argv;
  const cell = CELLS.find((candidate) => candidate.key === key);
  const [client] = await makeClients(baseUrl, { include: [include] });
  await checkAndWarmUp(client);
  await drive(() => client[cell.op](BATCH_ID), Number(process.env.BENCH_WARM ?? 1000), cell.concurrency);
  const sample = await drive(() => client[cell.op](BATCH_ID), cell.calls, cell.concurrency);
  process.stdout.write(JSON.stringify({ name: client.name, ...sample }));
  process.exit(0);
}

function sampleInChild(baseUrl, include, cell) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), "--child", baseUrl, include, cell.key];
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
