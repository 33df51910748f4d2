// `npm pack` from a fresh clone (the README's install steps): dist/ is not committed, and a
// tarball packed without it installs a package with no code. The prepack step builds it when a
// file the exports name is missing, and leaves a built dist/ alone (npm test packs the build
// it tests, while other test files read it).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { missingEntryFiles } from "../../scripts/build-if-missing.mjs";
import { repoRoot } from "../runtimes/support/package.js";

const dir = mkdtempSync(join(tmpdir(), "prepack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prepack", () => {
  it("is the package's prepack script", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(manifest.scripts.prepack).toBe("node scripts/build-if-missing.mjs");
    expect(missingEntryFiles(repoRoot)).toEqual([]);
  });

  it("names the files of main, types and exports that are missing", () => {
    const pkg = join(dir, "names");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(join(pkg, "dist/a.mjs"), "");
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({
        main: "./dist/a.mjs",
        types: "./dist/a.d.mts",
        exports: { ".": { import: "./dist/a.mjs", require: "./dist/b.cjs" }, "./package.json": "./package.json" },
      }),
    );
    expect(missingEntryFiles(pkg)).toEqual(["./dist/a.d.mts", "./dist/b.cjs"]);
  });

  it("builds a clone's missing dist/ before packing, and packs a built one as it is", () => {
    const clone = join(dir, "clone");
    for (const path of ["src", "scripts", "package.json", "tsdown.config.ts", "tsconfig.json", "LICENSE"])
      cpSync(join(repoRoot, path), join(clone, path), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules"), join(clone, "node_modules"));
    const env = { ...process.env, PATH: `${join(repoRoot, "node_modules/.bin")}:${process.env.PATH}` };
    const prepack = () =>
      execFileSync(process.execPath, ["scripts/build-if-missing.mjs"], {
        cwd: clone,
        env,
        encoding: "utf8",
        stdio: "pipe",
      });
    expect(existsSync(join(clone, "dist"))).toBe(false);
    prepack();
    expect(missingEntryFiles(clone)).toEqual([]);
    const built = readFileSync(join(clone, "dist/node/index.mjs"), "utf8");
    expect(built).toContain("CohereClient");
    // Built already: left as it is (a marker written into it survives).
    writeFileSync(join(clone, "dist/node/index.mjs"), `${built}\n// marker`);
    prepack();
    expect(readFileSync(join(clone, "dist/node/index.mjs"), "utf8")).toContain("// marker");
  }, 120_000);
});
