#!/usr/bin/env node
// The Chromium the browser tests launch through Playwright (vitest.browser.config.ts), so that
// `npm test` brings its own browser. `npm run test:browser` runs this first: it finds one
//   1. at CHROMIUM_PATH, when that is set (and fails when it is not an executable),
//   2. in Playwright's own download folder (`playwright install chromium`, PLAYWRIGHT_BROWSERS_PATH),
//   3. where Debian, Ubuntu, Fedora, Chrome's packages or macOS put it,
// and when there is none, installs one: `playwright install chromium` where the network allows,
// else Debian's `chromium` with apt when running as root. When neither works it fails with one
// line saying what to run. The config calls `findChromium()` again to get the path.
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where system packages install Chromium or Chrome, in the order they are tried. */
export const SYSTEM_CHROMIUMS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/opt/google/chrome/chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/** The one line printed when there is no Chromium and none could be installed. */
export const NO_CHROMIUM =
  "No Chromium for the browser tests: run `npx playwright install chromium` (or, as root on Debian, " +
  "`apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium or Chrome executable.";

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Where `playwright install chromium` puts (or would put) its Chromium, then {@link SYSTEM_CHROMIUMS}. */
export function defaultCandidates() {
  const downloaded = createRequire(import.meta.url)("playwright").chromium.executablePath();
  return [
    { path: downloaded, source: "Playwright's download" },
    ...SYSTEM_CHROMIUMS.map((path) => ({ path, source: "system package" })),
  ];
}

/**
 * The first Chromium found, and where it was found, or `undefined`.
 * @throws Error when CHROMIUM_PATH is set but is not an executable file.
 */
export function findChromium({ env = process.env, candidates = defaultCandidates() } = {}) {
  if (env.CHROMIUM_PATH) {
    if (isExecutableFile(env.CHROMIUM_PATH)) return { path: env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
    throw new Error(`CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which is not an executable file`);
  }
  return candidates.find((candidate) => isExecutableFile(candidate.path));
}

/** Runs a command with its output hidden; on failure prints the first line of its stderr. */
function runQuietly(command, args, env = process.env) {
  console.error(`find-chromium: ${command} ${args.join(" ")}`);
  const options = { stdio: ["ignore", "ignore", "pipe"], timeout: 10 * 60_000, encoding: "utf8", env };
  const result = spawnSync(command, args, options);
  const reason = result.error?.message ?? (result.stderr ?? "").trim().split("\n")[0];
  if (result.status !== 0) console.error(`find-chromium: that failed (${reason || `exit ${result.status}`})`);
  return result.status === 0;
}

/** Tries Playwright's download, then Debian's package (root only); true when one worked. */
function installChromium() {
  // The package's bin (its exports map does not expose cli.js as a subpath).
  const playwrightCli = join(dirname(createRequire(import.meta.url).resolve("playwright/package.json")), "cli.js");
  if (runQuietly(process.execPath, [playwrightCli, "install", "chromium"])) return true;
  const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!canApt) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  return (
    runQuietly("apt-get", ["update", "-qq"], env) && runQuietly("apt-get", ["install", "-y", "-qq", "chromium"], env)
  );
}

/**
 * A Chromium, found or else installed.
 * @throws Error({@link NO_CHROMIUM}) when there is none and none could be installed.
 */
export function ensureChromium({ env = process.env, candidates = defaultCandidates, install = installChromium } = {}) {
  const found = findChromium({ env, candidates: candidates() });
  if (found !== undefined) return found;
  const installed = install() ? findChromium({ env, candidates: candidates() }) : undefined;
  if (installed === undefined) throw new Error(NO_CHROMIUM);
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const found = ensureChromium();
    console.log(`find-chromium: ${found.path} (${found.source})`);
  } catch (error) {
    console.error(error.message === NO_CHROMIUM ? NO_CHROMIUM : `find-chromium: ${error.message}`);
    process.exit(1);
  }
}
