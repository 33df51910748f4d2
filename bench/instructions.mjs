// `npm run bench:instructions`: instructions executed per call, counted by valgrind, for plain
// fetch, the fetch floor and the SDK, against the loopback server.
//
// Why a count: on a shared 2-core machine, CPU time per call moves by 10% to 50% from run to run
// (see docs/benchmarks.md), so a 1.15x bar cannot be told from 1.3x in one run. An instruction
// count does not depend on the load. It is not CPU time: cache misses and mispredicted branches
// cost time and do not show here. Nor is it fixed: the collections and recompilations that land
// in the counted calls differ from process to process (the SDK's `retrieve`, one per-call path
// in two builds, counted 1.08M, 1.21M, 1.36M and 1.43M per call in four processes on
// 2026-12-04; plain fetch's within 1%).
//
// Method: for each client and call, two processes run under `valgrind --tool=callgrind`. Both
// make the same WARM calls first, then one makes FEW more calls and the other MANY. The
// difference between their totals, divided by MANY - FEW, is the count per call: start-up,
// imports and warm-up cancel out. Every thread of the process is counted (JIT compilers, GC
// helpers), as `process.cpuUsage` counts them. The server runs natively in its own process.
// Calls are sequential; a process takes about a minute.
//
//   node bench/instructions.mjs [--ops retrieve,list] [--clients fetch,fetch-floor,cohere-batches] [--json]
//   BENCH_INSTR_WARM=1500 BENCH_INSTR_FEW=200 BENCH_INSTR_MANY=1200
// Needs valgrind (Debian: `apt-get install valgrind`).
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BATCH_ID, cliArg as arg, makeClients, startServerProcess } from "./lib.mjs";

const WARM = Number(process.env.BENCH_INSTR_WARM ?? 1500);
const FEW = Number(process.env.BENCH_INSTR_FEW ?? 200);
const MANY = Number(process.env.BENCH_INSTR_MANY ?? 1200);

if (process.argv[2] === "--child") {
  const [baseUrl, name, op, warm, count] = process.argv.slice(3);
  const [client] = await makeClients(baseUrl, { include: [name] });
  for (let i = 0; i < Number(warm) + Number(count); i++) await client[op](BATCH_ID);
  process.exit(0);
}

const OPS = arg("ops", "retrieve,list").split(",");
const CLIENTS = arg("clients", "fetch,fetch-floor,cohere-batches").split(",");

/** Instructions callgrind counted in one child process that makes `warm` + `count` calls. */
function countInstructions(baseUrl, name, op, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        process.execPath,
        fileURLToPath(import.meta.url),
        "--child",
        baseUrl,
        name,
        op,
        String(WARM),
        String(count),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || collected === null)
        reject(new Error(`${name} ${op} under valgrind exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}

if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("bench:instructions needs valgrind (Debian: apt-get install valgrind).");
  process.exit(1);
}

const server = await startServerProcess();
const rows = [];
try {
  for (const op of OPS) {
    for (const name of CLIENTS) {
      const few = await countInstructions(server.baseUrl, name, op, FEW);
      const many = await countInstructions(server.baseUrl, name, op, MANY);
      rows.push({ op, client: name, perCall: (many - few) / (MANY - FEW) });
      process.stderr.write(`bench:instructions: ${op} ${name} done\n`);
    }
  }
} finally {
  server.stop();
}

if (process.argv.includes("--json")) console.log(JSON.stringify({ warm: WARM, few: FEW, many: MANY, rows }));
else {
  console.log(
    `Instructions per call (valgrind callgrind, every thread; ${WARM} warm-up calls, then ${MANY} - ${FEW} calls counted by difference; sequential)\n`,
  );
  console.log("| call | client | instructions per call | vs plain fetch |");
  console.log("|---|---|---:|---:|");
  for (const row of rows) {
    const base = rows.find((r) => r.op === row.op && r.client === "fetch");
    const ratio = base === undefined ? "" : `${(row.perCall / base.perCall).toFixed(2)}x`;
    console.log(`| ${row.op} | ${row.client} | ${Math.round(row.perCall).toLocaleString("en-US")} | ${ratio} |`);
  }
}
