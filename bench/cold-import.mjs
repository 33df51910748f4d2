// Cold import: a fresh `node` process that imports the package (ESM `import` / CJS `require`)
// and constructs a client, against an empty process of the same kind, and against cohere-ai.
// Runs are interleaved (one of each variant per round), median of BENCH_COLD_RUNS (15).
//
// "Added" = median(variant) - median(empty process of the same module kind): ESM variants are
// compared with `node --input-type=module -e <print>`, CJS ones with `node -e <print>`, so the
// ESM loader's own start-up is not charged to the package. Time is the wall time of the whole
// process (spawn to exit) as seen by this parent; memory is the child's peak RSS
// (`process.resourceUsage().maxRSS`), printed by the child just before it exits.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./lib.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const PRINT = "process.stdout.write(String(process.resourceUsage().maxRSS))";

export const VARIANTS = [
  { key: "empty-cjs", kind: "cjs", code: PRINT },
  { key: "empty-esm", kind: "esm", code: PRINT },
  // An empty process that loads Node's own fetch (undici, lazily loaded on first use of
  // fetch / Request / Headers). Any program that uses fetch pays it once; the SDK defers it to
  // its first call (it builds its first Request then).
  { key: "node-fetch-esm", kind: "esm", code: `globalThis.fetch; globalThis.Request; ${PRINT}` },
  {
    key: "cohere-batches-esm",
    kind: "esm",
    code: `import { CohereClient } from "cohere-batches"; new CohereClient({ token: "x" }).batches; ${PRINT}`,
  },
  {
    key: "cohere-batches-cjs",
    kind: "cjs",
    code: `const { CohereClient } = require("cohere-batches"); new CohereClient({ token: "x" }).batches; ${PRINT}`,
  },
  {
    key: "cohere-ai-esm",
    kind: "esm",
    code: `import { CohereClient } from "cohere-ai"; new CohereClient({ token: "x" }).batches; ${PRINT}`,
  },
  {
    key: "cohere-ai-cjs",
    kind: "cjs",
    code: `const { CohereClient } = require("cohere-ai"); new CohereClient({ token: "x" }).batches; ${PRINT}`,
  },
];

// `--breakdown`: where the SDK's start-up goes (its two dependencies alone; import without a client).
const BREAKDOWN = [
  { key: "valibot-esm", kind: "esm", code: `import * as v from "valibot"; ${PRINT}` },
  { key: "openapi-fetch-esm", kind: "esm", code: `import createClient from "openapi-fetch"; ${PRINT}` },
  {
    key: "both-deps-esm",
    kind: "esm",
    code: `import * as v from "valibot"; import createClient from "openapi-fetch"; ${PRINT}`,
  },
  {
    key: "cohere-batches-import-only-esm",
    kind: "esm",
    code: `import { CohereClient } from "cohere-batches"; ${PRINT}`,
  },
];
if (process.argv.includes("--breakdown")) VARIANTS.splice(3, Infinity, ...BREAKDOWN, VARIANTS[3]);

function runOnce(variant) {
  const args = variant.kind === "esm" ? ["--input-type=module", "-e", variant.code] : ["-e", variant.code];
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const ms = performance.now() - t0;
  if (child.status !== 0) {
    const line = child.stderr.split("\n").find((l) => /Error/.test(l)) ?? `exit ${child.status}`;
    return { ms, rssMb: Number.NaN, error: line.trim() };
  }
  return { ms, rssMb: Number(child.stdout) / 1024 };
}

export function runColdImport() {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v.key, { ms: [], rssMb: [] }]));
  // Warm the file system cache; a variant that fails (the process throws) is reported, not timed.
  const errors = {};
  for (const variant of VARIANTS) {
    const { error } = runOnce(variant);
    if (error !== undefined) errors[variant.key] = error;
  }
  const timed = VARIANTS.filter((v) => errors[v.key] === undefined);
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < timed.length; i++) {
      const variant = timed[(i + round) % timed.length];
      let run = runOnce(variant);
      // Other people rebuild dist/ while this runs: a run that failed mid-rebuild is redone.
      for (let retry = 0; run.error !== undefined && retry < 5; retry++) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
        run = runOnce(variant);
      }
      if (run.error !== undefined) throw new Error(`${variant.key}: ${run.error}`);
      const { ms, rssMb } = run;
      samples[variant.key].ms.push(ms);
      samples[variant.key].rssMb.push(rssMb);
    }
  }
  const medians = Object.fromEntries(
    timed.map((v) => [v.key, { ms: median(samples[v.key].ms), rssMb: median(samples[v.key].rssMb) }]),
  );
  const added = {};
  for (const variant of timed) {
    if (variant.key.startsWith("empty")) continue;
    const base = medians[`empty-${variant.kind}`];
    added[variant.key] = { ms: medians[variant.key].ms - base.ms, rssMb: medians[variant.key].rssMb - base.rssMb };
  }
  return { runs: RUNS, medians, added, errors };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = runColdImport();
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(out));
  else {
    for (const [key, error] of Object.entries(out.errors)) console.log(`${key.padEnd(20)} FAILS: ${error}`);
    for (const [key, m] of Object.entries(out.medians))
      console.log(
        `${key.padEnd(20)} ${m.ms.toFixed(1).padStart(7)} ms  ${m.rssMb.toFixed(1).padStart(6)} MB${out.added[key] ? `   added ${out.added[key].ms.toFixed(1)} ms, ${out.added[key].rssMb.toFixed(1)} MB` : ""}`,
      );
  }
}
