// Can the SDK use avsc (the most used Avro library for JS) in every runtime it supports, and at
// what bundle cost? Measured: esbuild bundles (minified, gzip -9) of avsc alone, of avsc with the
// Node polyfills a browser needs, and of our decoder; then avsc's container decoder run in
// headless Chromium (with those polyfills) and in Cloudflare workerd (with `nodejs_compat`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { avscFile } from "./avro-lib.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKERD = `${ROOT}node_modules/workerd/bin/workerd`;

/** avsc's container decoder over a whole file, as a page or a worker would call it. */
const avscEntry = (specifier) => `import avro from "${specifier}";
export function countRecords(bytes) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const decoder = new avro.streams.BlockDecoder();
    decoder.on("data", () => count++).on("end", () => resolve(count)).on("error", reject);
    decoder.end(Buffer.from(bytes));
  });
}`;
/** avsc's browser entry (its package.json maps `./lib` to it, which esbuild does not apply to `./lib/index.js`). */
const AVSC_BROWSER = avscEntry("avsc/etc/browser/avsc.js");
const AVSC_NODE = avscEntry("avsc");

/** What avsc needs of Node's `util` (inherits, format, deprecate, debuglog), for the browser bundle. */
const UTIL_SHIM = `export function inherits(ctor, parent) { Object.setPrototypeOf(ctor.prototype, parent.prototype); Object.setPrototypeOf(ctor, parent); ctor.super_ = parent; }
export function format(f, ...args) { let i = 0; return String(f).replace(/%[sdj%]/g, (m) => m === "%%" ? "%" : m === "%j" ? JSON.stringify(args[i++]) : String(args[i++])); }
export const deprecate = (fn) => fn; export const debuglog = () => () => {}; export const inspect = (x) => String(x);
export default { inherits, format, deprecate, debuglog, inspect };`;

async function bundle(contents, options) {
  const dir = mkdtempSync(join(tmpdir(), "avsc-bench-"));
  try {
    writeFileSync(join(dir, "util-shim.mjs"), UTIL_SHIM);
    // zlib (deflate) and path (schema imports from files) have no browser polyfill here: an
    // empty module makes this a lower bound (a page would add a deflate codec of its own).
    writeFileSync(join(dir, "empty.mjs"), "export default {};");
    writeFileSync(join(dir, "buffer-global.mjs"), `export { Buffer } from "node:buffer";`);
    writeFileSync(
      join(dir, "globals.mjs"),
      `export { Buffer } from "buffer"; export { default as process } from "process";`,
    );
    const result = await build({
      stdin: { contents, resolveDir: ROOT, sourcefile: "entry.mjs", loader: "ts" },
      bundle: true,
      write: false,
      format: "esm",
      target: "es2022",
      minify: true,
      logLevel: "silent",
      nodePaths: [`${ROOT}node_modules`],
      ...options(dir),
    });
    const code = result.outputFiles[0].text;
    return { code, minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  } catch (error) {
    return { error: [...new Set(error.errors?.map((e) => e.text) ?? [error.message])].join("; ") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const sizes = {
  ours: () =>
    bundle(`export { decodeAvroContainer } from "./src/internal/decoders/avro.ts";`, () => ({ platform: "neutral" })),
  avscNoPolyfills: () => bundle(AVSC_BROWSER, () => ({ platform: "browser" })),
  avscOwnCode: () =>
    bundle(AVSC_BROWSER, () => ({
      platform: "browser",
      external: ["stream", "util", "buffer", "events", "zlib", "path"],
    })),
  avscWithPolyfills: () =>
    bundle(AVSC_BROWSER, (dir) => ({
      platform: "browser",
      alias: {
        stream: "readable-stream",
        util: join(dir, "util-shim.mjs"),
        zlib: join(dir, "empty.mjs"),
        path: join(dir, "empty.mjs"),
      },
      inject: [join(dir, "globals.mjs")],
    })),
  // Each Node built-in avsc requires, as an ESM module re-exporting workerd's own (nodejs_compat).
  avscForWorkerd: () =>
    bundle(AVSC_NODE, (dir) => {
      // fs (schema imports from files) is not in workerd's nodejs_compat at this date: empty.
      const alias = { fs: join(dir, "empty.mjs") };
      for (const name of ["stream", "util", "buffer", "events", "zlib", "crypto", "path"]) {
        writeFileSync(
          join(dir, `${name}.mjs`),
          `export * from "node:${name}"; import * as m from "node:${name}"; export default m;`,
        );
        alias[name] = join(dir, `${name}.mjs`);
      }
      return {
        platform: "neutral",
        mainFields: ["main"],
        alias,
        external: ["node:*"],
        inject: [join(dir, "buffer-global.mjs")],
      };
    }),
};

/** Runs `countRecords(file)` of an avsc bundle in workerd with nodejs_compat: the count, or the error. */
function inWorkerd(code, file) {
  const dir = mkdtempSync(join(tmpdir(), "avsc-workerd-"));
  try {
    writeFileSync(join(dir, "avsc.mjs"), code);
    writeFileSync(
      join(dir, "worker.mjs"),
      `import { countRecords } from "./avsc.mjs";
export default { async test() {
  try { console.log("RESULT " + JSON.stringify({ records: await countRecords(new Uint8Array([${file.join(",")}])) })); }
  catch (error) { console.log("RESULT " + JSON.stringify({ error: String(error.message) })); }
} };`,
    );
    writeFileSync(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [(name = "main", worker = .w)] );
const w :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs"), (name = "avsc.mjs", esModule = embed "avsc.mjs")],
  compatibilityDate = "2025-01-01", compatibilityFlags = ["nodejs_compat"] );`,
    );
    const run = spawnSync(WORKERD, ["test", "config.capnp"], { cwd: dir, encoding: "utf8" });
    const out = `${run.stdout}\n${run.stderr}`;
    if (process.env.DEBUG_WORKERD) console.error(out);
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    if (line) return JSON.parse(line.slice(7));
    // The worker did not even load: workerd's own message ("Uncaught EvalError: ...").
    return {
      error:
        out
          .split("\n")
          .find((l) => l.includes("Uncaught"))
          ?.trim() ?? out.trim().slice(-300),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `countRecords(file)` of a bundle in headless Chromium, `runs` times: the count and the
 * fastest run's milliseconds, or the error.
 */
async function inChromium(code, file, runs = 1) {
  const { chromium } = await import("playwright");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage();
    return await page.evaluate(
      async ([source, base64, times]) => {
        try {
          const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
          const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
          const { countRecords } = await import(url);
          let best = Number.POSITIVE_INFINITY;
          let records = 0;
          for (let run = 0; run < times; run++) {
            const started = performance.now();
            records = await countRecords(bytes);
            best = Math.min(best, performance.now() - started);
          }
          return { records, ms: best };
        } catch (error) {
          return { error: String(error.message) };
        }
      },
      [code, Buffer.from(file).toString("base64"), runs],
    );
  } finally {
    await browser.close();
  }
}

/** Our decoder over a whole file, as the Chromium throughput run calls it. */
const OURS_COUNT = `import { decodeAvroContainer } from "./src/internal/decoders/avro.ts";
export async function countRecords(bytes) {
  let count = 0;
  for await (const _ of decodeAvroContainer(new Blob([bytes]).stream(), { part: "bench" })) count++;
  return count;
}`;

/** Records/s in Chromium: ours (null, deflate with the page's DecompressionStream) and avsc (null). */
async function chromiumThroughput(avscCode) {
  const ours = (await bundle(OURS_COUNT, () => ({ platform: "neutral" }))).code;
  const rate = (r) => (r.error ? r : { records: r.records, recordsPerSecond: Math.round((r.records / r.ms) * 1000) });
  const out = {};
  for (const codec of ["null", "deflate"]) {
    const file = await avscFile(20_000, { codec });
    out[`oursInChromium_${codec}`] = rate(await inChromium(ours, file, 5));
    if (codec === "null") out.avscInChromium_null = rate(await inChromium(avscCode, file, 5));
  }
  return out;
}

export async function runAvroRuntimes() {
  const file = await avscFile(1000, { codec: "null" });
  const out = {};
  for (const [name, measure] of Object.entries(sizes)) out[name] = await measure();
  const { code: browserCode } = out.avscWithPolyfills;
  const { code: workerdCode } = out.avscForWorkerd;
  out.avscInChromium = browserCode ? await inChromium(browserCode, file) : { error: "no bundle" };
  if (browserCode) Object.assign(out, await chromiumThroughput(browserCode));
  out.avscInWorkerd = workerdCode ? inWorkerd(workerdCode, file) : { error: "no bundle" };
  for (const value of Object.values(out)) delete value.code;
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, value] of Object.entries(await runAvroRuntimes()))
    console.log(name.padEnd(18), JSON.stringify(value));
}
