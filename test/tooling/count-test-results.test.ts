// .ci/run's last line (scripts/count-test-results.mjs) counts every failure vitest reports,
// including the ones outside a test: a file that fails to load and a hook that throws. The
// reports here come from real vitest runs of small sample files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, run } from "../runtimes/support/package.js";

const dir = mkdtempSync(join(tmpdir(), "count-test-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLES = {
  "load.test.ts": `import { it } from "vitest";\nthrow new Error("cannot load");\nit("never runs", () => {});\n`,
  "before-all.test.ts": `import { beforeAll, it } from "vitest";\nbeforeAll(() => { throw new Error("hook"); });\nit("a", () => {});\nit("b", () => {});\n`,
  "after-all.test.ts": `import { afterAll, it } from "vitest";\nafterAll(() => { throw new Error("hook"); });\nit("passes", () => {});\n`,
  "mixed.test.ts": `import { describe, expect, it } from "vitest";\ndescribe("d", () => {\n  it("passes", () => {});\n  it("fails", () => { expect(1).toBe(2); });\n});\n`,
  "green.test.ts": `import { it } from "vitest";\nit("passes", () => {});\n`,
} as const;

/** Runs vitest on some of the samples; returns the path of its JSON report. */
async function vitestReport(name: string, files: readonly (keyof typeof SAMPLES)[]): Promise<string> {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "vitest.config.mjs"), "export default {};\n");
  for (const file of files) writeFileSync(join(root, file), SAMPLES[file]);
  const report = join(root, "report.json");
  const vitest = join(repoRoot, "node_modules/vitest/vitest.mjs");
  await run(process.execPath, [vitest, "run", "--root", root, "--reporter=json", `--outputFile=${report}`], {
    cwd: root,
    timeoutMs: 60_000,
  });
  return report;
}

const countScript = join(repoRoot, "scripts/count-test-results.mjs");
const count = (...reports: string[]) => run(process.execPath, [countScript, ...reports], { cwd: dir });

let failing: string;
let green: string;
beforeAll(async () => {
  [failing, green] = await Promise.all([
    vitestReport("failing", ["load.test.ts", "before-all.test.ts", "after-all.test.ts", "mixed.test.ts"]),
    vitestReport("green", ["green.test.ts"]),
  ]);
}, 90_000);

describe(".ci/run's last line", () => {
  it("counts a file that fails to load and a failed hook as failures, and exits 1", async () => {
    const result = await count(failing, green);
    // 2 passing tests in the failing run + 1 in the green one; 1 failed test + 3 files that
    // failed outside a test; the 2 tests under the failed beforeAll are skipped.
    expect(result.stdout).toMatch(/^3 passed, 4 failed, 2 skipped \(failed outside a test \(load or hook\): /);
    for (const file of ["load.test.ts", "before-all.test.ts", "after-all.test.ts"]) {
      expect(result.stdout).toContain(file);
    }
    expect(result.stdout).not.toContain("mixed.test.ts");
    expect(result.code).toBe(1);
  });

  it("says 0 failed and exits 0 when every report is green", async () => {
    const result = await count(green);
    expect(result.stdout.trim()).toBe("1 passed, 0 failed, 0 skipped");
    expect(result.code).toBe(0);
  });

  it("exits 1 when a report is missing (a run that did not finish is not a pass)", async () => {
    const result = await count(green, join(dir, "missing.json"));
    expect(result.stdout).toContain("no report: missing.json");
    expect(result.code).toBe(1);
  });
});
