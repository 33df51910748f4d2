// `npm run bench`: every benchmark in bench/ except the soak (`npm run bench:soak`), against one
// loopback server, printed as one markdown table with the machine it ran on.
// These are measurements, not tests: nothing here asserts a timing.
//
// Each part also runs alone: `node --expose-gc bench/requests.mjs`, `node bench/cold-import.mjs`,
// `node bench/pagination.mjs`, `node bench/bundle.mjs`. `npm run bench:profile` profiles the
// SDK's per-request path (bench/profile.mjs); `npm run bench:variants` measures proposed
// optimisations on patched copies of dist/node/index.mjs (bench/variants.mjs).
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runBundle } from "./bundle.mjs";
import { runColdImport } from "./cold-import.mjs";
import { startServerProcess } from "./lib.mjs";
import { runPagination } from "./pagination.mjs";
import { requestsTable } from "./requests.mjs";

const started = performance.now();
const step = (name) =>
  process.stderr.write(`bench: ${name} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);

function runRequestsChild(baseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--expose-gc", fileURLToPath(new URL("./requests.mjs", import.meta.url)), "--json"],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, BENCH_BASE_URL: baseUrl },
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`requests benchmark exited ${code}`)),
    );
  });
}

const load0 = loadavg()[0];
const server = await startServerProcess();
let requests, pagination;
try {
  step("per-request cost");
  requests = await runRequestsChild(server.baseUrl);
  step("pagination");
  pagination = await runPagination({ baseUrl: server.baseUrl });
} finally {
  server.stop();
}
step("cold import");
const cold = runColdImport();
step("bundle size");
const bundle = await runBundle();
const seconds = (performance.now() - started) / 1000;

// ---- the table ----
const n = (x, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const rows = [];
const row = (...cells) => rows.push(`| ${cells.join(" | ")} |`);

const coldCell = (key) => {
  if (cold.errors[key] !== undefined) return `fails: ${cold.errors[key].replace(/\|/g, "\\|")}`;
  const a = cold.added[key];
  return `+${n(a.ms)} ms, +${n(a.rssMb, 1)} MB`;
};
const empty = (kind) =>
  `${n(cold.medians[`empty-${kind}`].ms)} ms, ${n(cold.medians[`empty-${kind}`].rssMb, 1)} MB (empty process)`;
row(
  `cold start, ESM \`import\` + \`new CohereClient\`: added wall ms, added peak RSS (median of ${cold.runs})`,
  empty("esm"),
  coldCell("cohere-batches-esm"),
  "",
  coldCell("cohere-ai-esm"),
  "",
  "SDK < 25 ms",
);
row(
  `cold start, CJS \`require\` + \`new CohereClient\` (same)`,
  empty("cjs"),
  coldCell("cohere-batches-cjs"),
  "",
  coldCell("cohere-ai-cjs"),
  "",
  "SDK < 25 ms",
);
row(
  "for reference: Node loading its own fetch (undici), which any fetch user pays once; the SDK defers it to its first call",
  coldCell("node-fetch-esm"),
  "(at the first call, not above)",
  "",
  "not triggered",
  "",
  "",
);

const [small, large] = pagination.totals;
const p = (total, name) => pagination.results[total][name];
const tp = (name) => n(p(large, name).perSecond);
row(
  `pagination, ${n(large)} batches in pages of ${n(pagination.page)}: batches/s`,
  tp("fetch"),
  tp("cohere-batches"),
  `${(p(large, "cohere-batches").perSecond / p(large, "fetch").perSecond).toFixed(2)}x throughput`,
  tp("cohere-ai"),
  `${(p(large, "cohere-ai").perSecond / p(large, "fetch").perSecond).toFixed(2)}x throughput`,
  "",
);
const heap = (name, field) => `${n(p(small, name)[field], 1)} / ${n(p(large, name)[field], 1)} MB`;
row(
  `pagination: peak live heap (after GC, page held), ${n(small)} / ${n(large)} batches`,
  heap("fetch", "peakLiveMb"),
  heap("cohere-batches", "peakLiveMb"),
  "",
  heap("cohere-ai", "peakLiveMb"),
  "",
  "independent of the total",
);
row(
  `pagination: peak heapUsed (no forced GC), ${n(small)} / ${n(large)} batches`,
  heap("fetch", "peakHeapMb"),
  heap("cohere-batches", "peakHeapMb"),
  "",
  heap("cohere-ai", "peakHeapMb"),
  "",
  "",
);

const size = (r) => (r.error ? r.error : `${n(r.gzipBytes / 1024, 1)} kB (${n(r.minBytes / 1024, 1)} kB min)`);
row(
  "browser bundle, `batches.list()`: min+gzip (esbuild, platform browser)",
  "— (built in)",
  size(bundle["cohere-batches"]),
  "",
  size(bundle["cohere-ai"]),
  "",
  `openai (batches.list): ${size(bundle.openai)}`,
);

const cpu = cpus();
console.log(
  `Machine: ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, Node ${process.version}, ${process.platform}-${process.arch}; ${new Date().toISOString()}; load average (1 min) at start ${load0.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}`,
);
console.log("\n## Per-request cost (goal: SDK CPU ≤ 1.15x fetch; listAll ≤ 1.25x a fetch loop)\n");
console.log(requestsTable(requests));
console.log("\n## Pagination heap, cold start, bundle\n");
console.log("| benchmark | plain fetch | cohere-batches | vs fetch | cohere-ai 8.1.0 | vs fetch | goal / note |");
console.log("|---|---:|---:|---:|---:|---:|---|");
for (const line of rows) console.log(line);
console.log(`\nTotal run time: ${seconds.toFixed(0)} s`);
