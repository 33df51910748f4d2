import { expect, it } from "vitest";
import { runSoak } from "../../bench/soak-run.mjs";

// The small soak: 1,000 calls at concurrency 64 with 10% seeded faults, against the built
// package over HTTP. The full one (20,000 calls) is `npm run bench:soak`.
it("ends every call in data or a typed error, with nothing unhandled and no heap growth", async () => {
  const result = await runSoak({ calls: 1_000, concurrency: 64, faultRate: 0.1, seed: 7 });
  expect(result.ended).toBe(1_000);
  expect(result.untyped).toBe(0);
  expect(result.unhandled).toBe(0);
  expect(result.injected).toBeGreaterThan(50);
  expect(result.outcomes.ok).toBeGreaterThan(800);
  expect(result.heapGrowthBytes).toBeLessThan(10 * 1024 * 1024);
}, 60_000);
