// `npm run bench:soak`: 20,000 calls at concurrency 64, 10% seeded random faults.
import { runSoak } from "./soak-run.mjs";

const calls = Number(process.env.SOAK_CALLS ?? 20_000);
const seed = Number(process.env.SOAK_SEED ?? 20261129);
const result = await runSoak({ calls, concurrency: 64, faultRate: 0.1, seed });
console.log(
  `soak: ${result.calls} calls, concurrency 64, ${result.injected} faults injected (seed ${seed}) in ${(result.durationMs / 1000).toFixed(1)} s`,
);
console.log(`ended: ${result.ended}; untyped errors: ${result.untyped}; unhandled rejections: ${result.unhandled}`);
console.log(`heap growth after GC: ${(result.heapGrowthBytes / 1024 / 1024).toFixed(2)} MB`);
console.log("outcomes:", JSON.stringify(result.outcomes));
const ok =
  result.ended === result.calls &&
  result.untyped === 0 &&
  result.unhandled === 0 &&
  result.heapGrowthBytes < 10 * 1024 * 1024;
console.log(ok ? "PASS" : "FAIL");
process.exitCode = ok ? 0 : 1;
