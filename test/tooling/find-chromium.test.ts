// `npm run test:browser` finds a Chromium (scripts/find-chromium.mjs) before it launches one,
// and installs one when there is none. These tests give it made-up executables and installers.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NO_CHROMIUM, defaultCandidates, ensureChromium, findChromium } from "../../scripts/find-chromium.mjs";

const dir = mkdtempSync(join(tmpdir(), "find-chromium-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, executable: boolean): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}
const executable = file("chrome", true);
const notExecutable = file("not-executable", false);
const missing = join(dir, "missing");

describe("finding a Chromium", () => {
  it("takes CHROMIUM_PATH first, and refuses one that is not an executable file", () => {
    const candidates = [{ path: executable, source: "system package" }];
    const other = file("other-chrome", true);
    expect(findChromium({ env: { CHROMIUM_PATH: other }, candidates })).toEqual({
      path: other,
      source: "CHROMIUM_PATH",
    });
    expect(() => findChromium({ env: { CHROMIUM_PATH: notExecutable }, candidates })).toThrow(
      `CHROMIUM_PATH is set to ${notExecutable}, which is not an executable file`,
    );
    expect(() => findChromium({ env: { CHROMIUM_PATH: dir }, candidates })).toThrow(/not an executable file/);
  });

  it("takes the first candidate that is an executable file", () => {
    const candidates = [
      { path: missing, source: "Playwright's download" },
      { path: notExecutable, source: "system package" },
      { path: executable, source: "system package" },
    ];
    expect(findChromium({ env: {}, candidates })).toEqual({ path: executable, source: "system package" });
    expect(findChromium({ env: {}, candidates: candidates.slice(0, 2) })).toBeUndefined();
  });

  it("looks in Playwright's download folder before the system's packages", () => {
    const [first, ...rest] = defaultCandidates();
    expect(first?.source).toBe("Playwright's download");
    expect(first?.path).toMatch(/ms-playwright|chromium-\d+/);
    expect(rest.map((candidate) => candidate.path)).toContain("/usr/bin/chromium");
  });
});

describe("when there is no Chromium", () => {
  it("installs one, then uses it", () => {
    let installed = false;
    const found = ensureChromium({
      env: {},
      candidates: () => (installed ? [{ path: executable, source: "Playwright's download" }] : []),
      install: () => {
        installed = true;
        return true;
      },
    });
    expect(found).toEqual({ path: executable, source: "Playwright's download" });
  });

  it("fails with one line saying what to run when nothing could be installed", () => {
    let attempts = 0;
    const install = () => {
      attempts += 1;
      return false;
    };
    expect(() => ensureChromium({ env: {}, candidates: () => [], install })).toThrow(NO_CHROMIUM);
    expect(attempts).toBe(1);
    expect(NO_CHROMIUM).not.toContain("\n");
    expect(NO_CHROMIUM).toContain("npx playwright install chromium");
    expect(NO_CHROMIUM).toContain("CHROMIUM_PATH");
  });

  it("does not install when one is found", () => {
    const install = () => {
      throw new Error("installed anyway");
    };
    expect(ensureChromium({ env: {}, candidates: () => [{ path: executable, source: "x" }], install }).path).toBe(
      executable,
    );
  });
});
