// The license texts that go with the package: its own LICENSE, and THIRD_PARTY_NOTICES.md for
// the packages whose code the node build carries. Both must be in the tarball users install,
// and the notices must name exactly the packages dist/node holds code from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_IN_NODE_BUILD, renderNotices } from "../../scripts/write-notices.mjs";
import { packedTarball, repoRoot, runOk } from "../runtimes/support/package.js";

describe("license notices", () => {
  it("THIRD_PARTY_NOTICES.md is current (node scripts/write-notices.mjs)", () => {
    expect(readFileSync(join(repoRoot, "THIRD_PARTY_NOTICES.md"), "utf8")).toBe(renderNotices());
  });

  it("names exactly the packages whose code dist/node carries", () => {
    for (const file of ["dist/node/index.mjs", "dist/node/index.cjs"]) {
      const code = readFileSync(join(repoRoot, file), "utf8");
      const carried = new Set(
        [...code.matchAll(/^\/\/#region node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]),
      );
      expect([...carried].sort(), file).toEqual([...BUNDLED_IN_NODE_BUILD].sort());
    }
    for (const file of ["dist/browser/index.mjs", "dist/default/index.mjs"]) {
      expect(readFileSync(join(repoRoot, file), "utf8"), file).not.toMatch(/^\/\/#region node_modules\//m);
    }
  });

  it("the packed tarball ships LICENSE and THIRD_PARTY_NOTICES.md", async () => {
    const listing = await runOk("tar", ["-tzf", await packedTarball()]);
    expect(listing.split("\n")).toEqual(expect.arrayContaining(["package/LICENSE", "package/THIRD_PARTY_NOTICES.md"]));
  }, 120_000);
});
