// TypeScript consumers of the packed tarball: `tsc --noEmit` with `skipLibCheck: false` (so
// the package's own .d.ts files, and the dependencies' they pull in, are checked too) under
// node16 (a .mts and a .cts file), bundler and node10 resolution, with the repository's tsc.
// The fixture (fixtures/types/usage.ts) uses the public types as a user would and holds
// `@ts-expect-error` lines on wrong calls, which tsc reports if the call ever type-checks;
// the bundler program also holds wrong.ts, whose single error must be reported.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumer, repoRoot, run, tscBin } from "./support/package.js";

let consumer: Consumer;
beforeAll(async () => {
  consumer = await createConsumer({
    name: "typescript",
    type: "module",
    files: {
      "types/usage.ts": "usage.mts",
      "types/require.cts": "require.cts",
      "types/wrong.ts": "wrong.ts",
      "types/tsconfig.base.json": "tsconfig.base.json",
      "types/tsconfig.node16.json": "tsconfig.node16.json",
      "types/tsconfig.bundler.json": "tsconfig.bundler.json",
      "types/tsconfig.node10.json": "tsconfig.node10.json",
      "types/es2020.ts": "es2020.ts",
      "types/tsconfig.es2020.json": "tsconfig.es2020.json",
    },
  });
  // The same source as a CommonJS file, as a bundler user's and as an old node10 user's.
  const usage = readFileSync(join(consumer.dir, "usage.mts"), "utf8");
  for (const copy of ["usage.cts", "bundler.ts", "node10.ts"]) writeFileSync(join(consumer.dir, copy), usage);
  const node16 = join(consumer.dir, "tsconfig.node16.json");
  writeFileSync(node16, readFileSync(node16, "utf8").replaceAll("__REPO__", repoRoot));
}, 120_000);
afterAll(() => consumer?.remove());

/** Runs the repository's tsc on one of the consumer's projects. */
async function tsc(project: string) {
  const { code, stdout, stderr } = await run(
    process.execPath,
    [tscBin, "-p", project, "--pretty", "false", "--listFiles"],
    {
      cwd: consumer.dir,
      timeoutMs: 120_000,
    },
  );
  const lines = `${stdout}\n${stderr}`.split("\n").filter((line) => line.trim() !== "");
  const prefix = `${consumer.dir}/node_modules/cohere-batches/`;
  return {
    code,
    // everything that is not a loaded file: the diagnostics
    diagnostics: lines.filter((line) => !line.startsWith("/")),
    // the files of the installed package that the program loaded
    packageFiles: lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length)),
  };
}

describe.concurrent("a TypeScript consumer, skipLibCheck false", () => {
  it("node16: a .mts file (import) and .cts files (import and import = require) type-check", async () => {
    const result = await tsc("tsconfig.node16.json");
    expect(result.diagnostics).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.packageFiles).toEqual(
      expect.arrayContaining([
        "dist/node/index.d.mts",
        "dist/node/index.d.cts",
        "dist/testing/index.node.d.mts",
        "dist/testing/index.node.d.cts",
      ]),
    );
  }, 120_000);

  it("bundler: type-checks, and a wrong call fails the check with the expected error", async () => {
    const result = await tsc("tsconfig.bundler.json");
    const errors = result.diagnostics.filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([expect.stringMatching(/^wrong\.ts\(5,\d+\): error TS2345: .*CreateBatchRequest/)]);
    expect(result.code).toBe(2);
    expect(result.packageFiles).toEqual(
      expect.arrayContaining(["dist/default/index.d.mts", "dist/testing/index.d.mts"]),
    );
  }, 120_000);

  it("node10 (moduleResolution node): type-checks through the top-level types and testing/package.json", async () => {
    const result = await tsc("tsconfig.node10.json");
    expect(result.diagnostics).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.packageFiles).toEqual(
      expect.arrayContaining(["dist/default/index.d.cts", "dist/testing/index.node.d.cts"]),
    );
  }, 120_000);

  it("lib ES2020 (before Error's cause): the declarations check, and errors show their cause", async () => {
    const result = await tsc("tsconfig.es2020.json");
    expect(result.diagnostics).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.packageFiles).toEqual(expect.arrayContaining(["dist/default/index.d.mts"]));
  }, 120_000);
});
