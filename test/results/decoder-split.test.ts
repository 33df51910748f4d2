// The Avro decoder is reached by a dynamic import only: a bundle of the loader keeps the
// decoder in a chunk of its own, loaded when results are read, and the decoder brings nothing
// of Node with it.
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

async function bundle(entry: string, splitting: boolean) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    splitting,
    outdir: "out",
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    metafile: true,
    logLevel: "silent",
    // As every build resolves it (tsdown.config.ts): the default build's platform module.
    alias: { "#platform": "./src/platform/edge.ts" },
  });
  return result;
}

describe("the decoder's split", () => {
  it("puts the decoder in a chunk of its own, behind the loader's dynamic import", async () => {
    const result = await bundle("src/internal/decoders/load-avro.ts", true);
    const [entry, ...chunks] = result.outputFiles;
    // The loader (with the typed, bounded load every lazy chunk gets, see load-chunk.ts) reaches
    // the decoder by the dynamic import alone; the code both use sits in a shared chunk.
    const decoders = chunks.filter((chunk) => chunk.text.includes("sync marker mismatch"));
    expect(decoders).toHaveLength(1);
    expect(decoders[0]?.path).toMatch(/\/avro-[A-Z0-9]+\.js$/);
    expect(entry?.text).toMatch(/import\("\.\/avro-[A-Z0-9]+\.js"\)/);
    expect(entry?.text).not.toMatch(/from\s*"\.\/avro-/);
    expect(entry?.text).not.toContain("sync marker mismatch");
  });

  it("is a small, universal module: no Node built-ins, no Buffer, no eval", async () => {
    const result = await bundle("src/internal/decoders/avro.ts", true);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.includes("node_modules") || input.startsWith("node:"))).toEqual([]);
    for (const output of result.outputFiles)
      expect(output.text).not.toMatch(/\bBuffer\b|\brequire\(|new Function|\beval\(/);
    // The JavaScript inflater (runtimes without DecompressionStream) is a chunk of its own,
    // behind a dynamic import: the decoder is its entry and the code they share.
    const [decoder, ...chunks] = result.outputFiles;
    const inflater = chunks.filter((chunk) => /\/inflate-raw-[A-Z0-9]+\.js$/.test(chunk.path));
    expect(inflater).toHaveLength(1);
    expect(decoder?.text).toMatch(/import\("\.\/inflate-raw-[A-Z0-9]+\.js"\)/);
    const shared = chunks.filter((chunk) => !inflater.includes(chunk));
    const code = [decoder, ...shared].map((chunk) => chunk?.text ?? "").join("");
    // min+gzip; the figure is in bench/avro-runtimes.mjs's report. 6,071 B on 2026-12-02, after
    // longs past 2^53 were read exactly as bigints (they were rounded): the limit was 6,000.
    // 6,136 B on 2026-12-02 (eleventh session), with the shared code the decoder imports: a
    // chunk that fails to load named by its call, and each error class's `is` usable unbound.
    // 6,212 B on 2026-12-02 (sixteenth session), with the bound on blocks without records in a
    // row (a body of nothing else kept a reader busy for ever): the limit was 6,200.
    // 6,307 B on 2026-12-03 (eighteenth session), with the check that a part read again is the
    // file read before (its sync marker): the limit was 6,300.
    expect(gzipSync(code, { level: 9 }).length).toBeLessThan(6_400);
    expect(gzipSync(inflater[0]?.text ?? "", { level: 9 }).length).toBeLessThan(2_500);
  });
});
