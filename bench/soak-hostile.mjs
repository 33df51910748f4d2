// `npm run bench:soak-hostile`: the hostile-user soak at full size (20,000 calls, concurrency
// 64). Prints its figures as JSON on the last line and exits by itself: the test that runs a
// small one (test/reliability/soak-hostile.test.ts) fails if the process does not.
import { runHostileSoak } from "./soak-hostile-run.mjs";

const calls = Number(process.env.SOAK_CALLS ?? 20_000);
const seed = Number(process.env.SOAK_SEED ?? 20261130);
const result = await runHostileSoak({ calls, concurrency: 64, seed });
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
const ok =
  result.untyped === 0 &&
  result.unhandled === 0 &&
  result.pending === 0 &&
  result.duplicates === 0 &&
  result.falseSuccess === 0 &&
  result.leakedToken === 0;
console.log(
  `hostile soak: ${calls} calls (seed ${seed}) in ${(result.durationMs / 1000).toFixed(1)} s, peak RSS ${peakRssMiB.toFixed(0)} MiB`,
);
console.log(
  `unhandled ${result.unhandled}, untyped ${result.untyped}, pending ${result.pending}, duplicate creates ${result.duplicates}, false successes ${result.falseSuccess}, token leaks ${result.leakedToken}; ${result.injected} faults injected, ${result.reported} callback failures reported`,
);
console.log(ok ? "PASS" : "FAIL");
console.log(JSON.stringify({ ...result, peakRssMiB, ok }));
process.exitCode = ok ? 0 : 1;
