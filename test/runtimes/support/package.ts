// The packed tarball, made once per build, and fresh consumer projects that install it.
//
// `packedTarball()` runs `npm pack` once for the current contents of the package (dist,
// package.json, testing/package.json, README.md) and caches the tarball under
// node_modules/.cache/cohere-batches-runtimes/<hash>/, so every runtime test file of a vitest
// run, and the browser run after it (vitest.browser.config.ts), share one tarball. A changed
// build gets a new hash, and older entries are pruned.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const fixturesDir = join(repoRoot, "test/runtimes/fixtures");
/** The repository's own tools: consumers use exactly these versions. */
export const tscBin = join(repoRoot, "node_modules/typescript/bin/tsc");
export const workerdBin = join(repoRoot, "node_modules/workerd/bin/workerd");
/** Bun and Deno from npm (`@oven/bun-linux-x64`, `@deno/linux-x64-glibc`): binaries, no install script. */
export const bunBin = join(repoRoot, "node_modules/@oven/bun-linux-x64/bin/bun");
export const denoBin = join(repoRoot, "node_modules/@deno/linux-x64-glibc/deno");

/** The version in package.json. */
export const packageVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;

const cacheRoot = join(repoRoot, "node_modules/.cache/cohere-batches-runtimes");
/**
 * The browser run's consumer project (vitest.browser.config.ts): inside the repository, where
 * Vite serves files from, at a fixed path its config can name before the project exists.
 */
export const browserConsumerDir = join(repoRoot, "node_modules/.cache/cohere-batches-browser-consumer");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; resolves with its exit code and output (never rejects on exit codes). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        env: options.env ?? process.env,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new Error(`${command} ${args.join(" ")} did not run: ${error.message}\n${stdout}\n${stderr}`));
          return;
        }
        resolvePromise({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Like {@link run}, but rejects unless the command exits 0. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: Parameters<typeof run>[2] = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** A hash of everything that goes into the tarball. */
function packageHash(): string {
  const dist = join(repoRoot, "dist");
  if (!existsSync(join(dist, "node/index.mjs"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test builds before vitest runs)");
  }
  const files = [
    ...listFiles(dist),
    join(repoRoot, "package.json"),
    join(repoRoot, "testing/package.json"),
    join(repoRoot, "README.md"),
    join(repoRoot, "LICENSE"),
    join(repoRoot, "THIRD_PARTY_NOTICES.md"),
  ]
    .filter((file) => existsSync(file))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(relative(repoRoot, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The environment for the npm commands run here: without the npm_* variables of an npm script
 * that may be running the tests (such as npm_config_local_prefix), which are not a user's.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
}

let packing: Promise<string> | undefined;

/**
 * The absolute path of `cohere-batches-<version>.tgz`, packed from the current build.
 * Safe to call from several processes at once: each packs into its own folder and renames the
 * tarball into place (an atomic replace by identical bytes).
 */
export function packedTarball(): Promise<string> {
  packing ??= (async () => {
    const hash = packageHash();
    const dir = join(cacheRoot, hash);
    const tarball = join(dir, "cohere-batches.tgz");
    if (existsSync(tarball)) return tarball;
    mkdirSync(dir, { recursive: true });
    const scratch = mkdtempSync(join(dir, "pack-"));
    try {
      // Without the prepack build: this packs the build the test run is testing, which other
      // test files are reading (a rebuild would rewrite it under them).
      const out = await runOk("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], {
        cwd: repoRoot,
        env: npmEnv(),
      });
      const [{ filename }] = JSON.parse(out) as [{ filename: string }];
      renameSync(join(scratch, filename), tarball);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    pruneOldTarballs(hash);
    return tarball;
  })();
  return packing;
}

function pruneOldTarballs(keep: string): void {
  const hourAgo = Date.now() - 60 * 60 * 1000;
  for (const entry of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, entry);
    if (entry !== keep && statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

export interface Consumer {
  /** The project folder. */
  readonly dir: string;
  /** Removes the project. */
  remove(): void;
}

/**
 * A fresh npm project in a temp dir (or exactly at `dir`, emptied first), with the packed
 * tarball installed from its file (its dependencies, openapi-fetch and valibot, come from the
 * registry or npm's cache) and the fixture files copied in: `files` maps a fixture path (under
 * test/runtimes/fixtures) to its name in the project.
 */
export async function createConsumer(options: {
  name: string;
  type: "module" | "commonjs";
  files?: Readonly<Record<string, string>>;
  dir?: string;
}): Promise<Consumer> {
  const tarball = await packedTarball();
  let dir: string;
  if (options.dir === undefined) {
    // The real path: Node reports resolved modules by it.
    dir = realpathSync(mkdtempSync(join(tmpdir(), `cohere-batches-${options.name}-`)));
  } else {
    dir = options.dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: `consumer-${options.name}`, version: "1.0.0", private: true, type: options.type }, null, 2)}\n`,
    );
    await runOk(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock", "--loglevel=error", tarball],
      {
        cwd: dir,
        timeoutMs: 120_000,
        env: npmEnv(),
      },
    );
    for (const [from, to] of Object.entries(options.files ?? {})) {
      const target = join(dir, to);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(fixturesDir, from), target);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
}
