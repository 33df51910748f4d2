// esbuild bundles of a consumer's entry, resolved against the consumer's installed tarball.
import { join, relative } from "node:path";
import { build } from "esbuild";

export interface Bundle {
  code: string;
  /** The installed package's files in the bundle, relative to node_modules/cohere-batches. */
  packageFiles: string[];
}

/**
 * Bundles `entry` (a file of the consumer project `dir`) with exactly the given export
 * conditions, as a worker or edge bundler would: platform neutral, so esbuild adds no
 * `browser` or `node` condition of its own.
 */
export async function bundleEntry(
  dir: string,
  entry: string,
  options: { conditions: string[]; format: "esm" | "iife"; platform?: "neutral" | "browser"; mainFields?: string[] },
): Promise<Bundle> {
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [join(dir, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: options.format,
    platform: options.platform ?? "neutral",
    conditions: options.conditions,
    mainFields: options.mainFields ?? ["module", "main"],
    target: "es2022",
    logLevel: "silent",
  });
  const prefix = "node_modules/cohere-batches/";
  return {
    code: result.outputFiles[0]?.text ?? "",
    packageFiles: Object.keys(result.metafile.inputs)
      .map((input) => relative(dir, join(dir, input)))
      .filter((input) => input.startsWith(prefix))
      .map((input) => input.slice(prefix.length))
      .sort(),
  };
}
