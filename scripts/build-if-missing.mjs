// `npm pack`'s prepack step: builds dist/ when a file the package's exports name is missing (a
// fresh clone: dist/ is not committed), so a tarball is never packed without its code. A dist/
// that is there is packed as it is: `npm test` packs the build it tests, and rebuilding here
// would rewrite files under tests that are reading them.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The files under `dir` that its package.json's `main`, `module`, `types` and `exports` name and that do not exist. */
export function missingEntryFiles(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const named = new Set();
  const visit = (value) => {
    if (typeof value === "string") {
      if (value.startsWith("./") && !value.includes("*")) named.add(value);
    } else if (value !== null && typeof value === "object") for (const inner of Object.values(value)) visit(inner);
  };
  visit([manifest.main, manifest.module, manifest.types, manifest.exports]);
  return [...named].filter((file) => !file.endsWith("/package.json") && !existsSync(join(dir, file)));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  if (missingEntryFiles(root).length > 0) {
    console.error("prepack: dist/ is missing files the package exports; building it first (npm run build)");
    // npm runs this script with node_modules/.bin on the PATH.
    execFileSync("tsdown", ["--log-level", "error"], {
      cwd: root,
      stdio: "inherit",
      shell: process.platform === "win32",
    });
    const still = missingEntryFiles(root);
    if (still.length > 0) {
      console.error(`prepack: the build did not write ${still.join(", ")}`);
      process.exit(1);
    }
  }
}
