// `npm pack` from a fresh clone (the README's install steps): dist/ is not committed, and a
// tarball packed without it (or with a partial or stale one) installs a package that does not
// work. The prepack step builds dist/ before every pack. (The runtime tests pack the build they
// test with --ignore-scripts: see test/runtimes/support/package.ts.)
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../runtimes/support/package.js";

const dir = mkdtempSync(join(tmpdir(), "prepack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root`, as paths relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
}

describe("npm pack", () => {
  it("builds dist/ first: a clone's partial, stale dist/ is packed whole and fresh", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(manifest.scripts.prepack).toBe("tsdown --log-level error");
    const clone = join(dir, "clone");
    for (const path of ["src", "scripts", "package.json", "tsdown.config.ts", "tsconfig.json", "LICENSE", "README.md"])
      cpSync(join(repoRoot, path), join(clone, path), { recursive: true });
    for (const path of ["testing/package.json", "otel/package.json", "THIRD_PARTY_NOTICES.md"])
      cpSync(join(repoRoot, path), join(clone, path));
    symlinkSync(join(repoRoot, "node_modules"), join(clone, "node_modules"));
    // A dist/ of one stale entry file, its chunks missing.
    cpSync(join(repoRoot, "dist/node/index.mjs"), join(clone, "dist/node/index.mjs"));
    writeFileSync(join(clone, "dist/node/index.mjs"), "export const stale = true;\n");
    const out = execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: clone, encoding: "utf8", stdio: "pipe" });
    const [{ files }] = JSON.parse(out) as [{ files: { path: string }[] }];
    const packed = files.map((file) => file.path).filter((path) => path.startsWith("dist/"));
    // As many files as the repository's own build, the entry rebuilt.
    expect(packed.length).toBe(filesUnder(join(repoRoot, "dist")).length);
    expect(packed).toContain("dist/testing/index.node.mjs");
    expect(readFileSync(join(clone, "dist/node/index.mjs"), "utf8")).toContain("CohereClient");
  }, 120_000);
});
