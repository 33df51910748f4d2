// A worker bundled by esbuild from the repository's sources (not the packed tarball: for tests of
// internals), run by `workerd test`: its `test()` handler prints one line, `<tag> <JSON>`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Loader } from "esbuild";
import { afterAll, expect } from "vitest";
import { repoRoot, run, workerdBin } from "./package.js";

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [(name = "main", worker = .w)] );
const w :Workerd.Worker = ( modules = [(name = "worker.mjs", esModule = embed "bundle.mjs")], compatibilityDate = "2025-01-01" );`;

/**
 * A runner of source workers for one test file, with a folder of its own (removed after the
 * file): `run(worker, tag)` bundles `worker` (ESM source importing `./src/...`, with the default
 * build's `#platform`), runs it, expects exit code 0 and a line starting with `tag `, and returns
 * that line's JSON.
 */
export function useSourceWorkers(folderPrefix: string, loader: Record<string, Loader> = {}) {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return async (worker: string, tag: string): Promise<unknown> => {
    const bundle = await build({
      stdin: { contents: worker, resolveDir: repoRoot, sourcefile: "worker.mjs", loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      loader,
      alias: { "#platform": join(repoRoot, "src/platform/edge.ts") },
      logLevel: "silent",
    });
    writeFileSync(join(dir, "bundle.mjs"), bundle.outputFiles[0]?.text ?? "");
    writeFileSync(join(dir, "config.capnp"), CONFIG);
    const result = await run(workerdBin, ["test", "config.capnp"], { cwd: dir, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    const line = output.split("\n").find((l) => l.startsWith(`${tag} `));
    expect(line, output).toBeDefined();
    return JSON.parse(line?.slice(tag.length + 1) ?? "{}");
  };
}
