// The license texts that go with the package: its own LICENSE, and THIRD_PARTY_NOTICES.md for
// the packages whose code the node build carries. Both must be in the tarball users install,
// and the notices must name exactly the packages dist/node holds code from.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_IN_NODE_BUILD, renderNotices } from "../../scripts/write-notices.mjs";
import { packedTarball, repoRoot, runOk } from "../runtimes/support/package.js";

describe("license notices", () => {
  it("THIRD_PARTY_NOTICES.md is current (node scripts/write-notices.mjs)", () => {
    expect(readFileSync(join(repoRoot, "THIRD_PARTY_NOTICES.md"), "utf8")).toBe(renderNotices());
  });

  it("names exactly the packages whose code dist/node carries", () => {
    // A build's code is its entry (which only re-exports) and its chunks: read them all. A region's
    // path is relative to the repository, `../main/node_modules/...` where node_modules is a link.
    const code = (build: string, format: string) => {
      const dir = join(repoRoot, "dist", build);
      return readdirSync(dir)
        .filter((name) => name.endsWith(`.${format}`))
        .map((name) => readFileSync(join(dir, name), "utf8"))
        .join("\n");
    };
    for (const format of ["mjs", "cjs"]) {
      const carried = new Set(
        [...code("node", format).matchAll(/^\/\/#region (?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map(
          (match) => match[1],
        ),
      );
      expect([...carried].sort(), `dist/node/*.${format}`).toEqual([...BUNDLED_IN_NODE_BUILD].sort());
    }
    for (const build of ["browser", "default"]) {
      expect(code(build, "mjs"), `dist/${build}/*.mjs`).not.toMatch(/^\/\/#region (?:.*\/)?node_modules\//m);
    }
  });

  it("the packed tarball ships LICENSE and THIRD_PARTY_NOTICES.md", async () => {
    const listing = await runOk("tar", ["-tzf", await packedTarball()]);
    expect(listing.split("\n")).toEqual(expect.arrayContaining(["package/LICENSE", "package/THIRD_PARTY_NOTICES.md"]));
  }, 120_000);
});
