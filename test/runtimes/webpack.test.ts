// webpack 5, the bundler of most Next.js and older React apps: a fresh consumer project that
// installed the tarball is built by webpack-cli (fixtures/webpack/webpack.config.cjs) three ways,
// in production mode, and each build runs the session, the uploads, `batches.run` and the same
// workflow call by call (each loading its lazy chunks) against the fake over loopback HTTP:
//   web   `target: "web"` (the browser build), its lazy chunks split: in headless Chromium,
//         the page served from 127.0.0.1 and loading each chunk by <script> on first use;
//   node  `target: "node"`, a CommonJS consumer (the node build): in Node;
//   edge  `target: "webworker"` with Next.js's edge conditions (the default build): in
//         `new EdgeRuntime()` (no `process`, no `require`), with an `importScripts` that
//         evaluates the chunk webpack asks for, as a worker's would.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { EdgeRuntime } from "edge-runtime";
import { type Browser, chromium } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/find-chromium.mjs";
import { EXPECTED_RESULTS, EXPECTED_STEPS } from "./fixtures/results.mjs";
import { expectedUploads } from "./fixtures/uploads.mjs";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { repoRoot, runOk } from "./support/package.js";
import { useRealClockFake } from "./support/real-clock-fake.js";
import { EXPECTED_SESSION, SESSION_REQUESTS } from "./support/session.js";

const webpackCli = join(repoRoot, "node_modules/webpack-cli/bin/cli.js");

const setup = useConsumerWithFake(
  "webpack",
  {
    "session.mjs": "session.mjs",
    "uploads.mjs": "uploads.mjs",
    "results.mjs": "results.mjs",
    "faults.mjs": "faults.mjs",
    "edge/entry.mjs": "edge-entry.mjs",
    "webpack/web-entry.mjs": "web-entry.mjs",
    "webpack/node-entry.cjs": "node-entry.cjs",
    "webpack/webpack.config.cjs": "webpack.config.cjs",
  },
  // Validation completes at once: the bundles cannot move the fake's clock.
  { datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } },
);
// batches.run and waitUntilDone need a fake whose clock moves by itself.
const resultsFake = useRealClockFake();

/** The parts of webpack's stats (`--json`) read here. */
interface StatsModule {
  name: string;
  chunks: (number | string)[];
  modules?: StatsModule[];
}
interface Compilation {
  name: string;
  errors: { message: string }[];
  warnings: { message: string }[];
  chunks: { id: number | string; initial: boolean; files: string[] }[];
  modules: StatsModule[];
}

let compilations: Map<string, Compilation>;

beforeAll(async () => {
  await runOk(process.execPath, [webpackCli, "--config", "webpack.config.cjs", "--json", "stats.json"], {
    cwd: setup.consumer.dir,
    timeoutMs: 120_000,
  });
  const stats = JSON.parse(readFileSync(join(setup.consumer.dir, "stats.json"), "utf8")) as { children: Compilation[] };
  compilations = new Map(stats.children.map((compilation) => [compilation.name, compilation]));
}, 120_000);

function compilation(name: string): Compilation {
  const found = compilations.get(name);
  if (found === undefined) throw new Error(`no ${name} compilation in webpack's stats`);
  return found;
}

/** Every module of a compilation (those concatenated into one by scope hoisting, one by one), with its chunks. */
function modulesOf(name: string): { name: string; chunks: (number | string)[] }[] {
  return compilation(name).modules.flatMap((module) =>
    (module.modules ?? [module]).map((inner) => ({ name: inner.name, chunks: module.chunks })),
  );
}

/** The installed package's files in a compilation, relative to node_modules/cohere-batches. */
function packageFiles(name: string): string[] {
  const prefix = "./node_modules/cohere-batches/";
  return [
    ...new Set(
      modulesOf(name)
        .map((module) => module.name)
        .filter((module) => module.startsWith(prefix))
        .map((module) => module.slice(prefix.length)),
    ),
  ].sort();
}

/** The output files of the chunks holding the package's module `stem` (e.g. "create-upload"). */
function chunkFilesOf(name: string, stem: string): { files: string[]; initial: boolean } {
  // tsdown names a chunk <module>-<8-character hash>.
  const pattern = new RegExp(`/cohere-batches/dist/\\w+/${stem}-[\\w-]{8}\\.[cm]js$`);
  const ids = new Set(modulesOf(name).flatMap((module) => (pattern.test(module.name) ? module.chunks : [])));
  const chunks = compilation(name).chunks.filter((chunk) => ids.has(chunk.id));
  if (chunks.length === 0) throw new Error(`no chunk of ${name} holds ${stem}`);
  return { files: chunks.flatMap((chunk) => chunk.files), initial: chunks.some((chunk) => chunk.initial) };
}

/** The lazy parts of the SDK the workflow loads: each must be a chunk loaded on first use. */
const LAZY = ["create-upload", "operations", "waiter", "wait-options", "batch-results", "avro", "run"];

/** Resets both fakes and arms the cut-short part `runResults` reads after the run's three. */
function resetFakes(): void {
  setup.fake.reset({ batches: true });
  resultsFake.fake.reset({ batches: true });
  resultsFake.fake.inject("datasets.download", { type: "truncate" }, { skip: 3 });
}

/** The fixtures' own modules and those of the package and its two dependencies: nothing else. */
const OWN_MODULE =
  /^(\.\/[\w-]+\.[cm]js|\.\/node_modules\/(cohere-batches|valibot|openapi-fetch)\/.+|webpack\/runtime\/.+)$/;

describe("webpack 5", () => {
  it("builds each target without an error or a warning, from the build of its conditions, the lazy parts split", () => {
    for (const name of ["web", "node", "edge"]) {
      const { errors, warnings } = compilation(name);
      expect({ name, errors: errors.map((e) => e.message), warnings: warnings.map((w) => w.message) }).toEqual({
        name,
        errors: [],
        warnings: [],
      });
      // Nothing else: no `#platform` left unresolved, no polyfill, no Node built-in but the node
      // build's own (it imports node:buffer, node:events and node:util).
      const others = modulesOf(name).filter((module) => !OWN_MODULE.test(module.name));
      expect({ name, others: others.map((module) => module.name) }).toEqual({
        name,
        others: name === "node" ? ['external "node:buffer"', 'external "node:events"', 'external "node:util"'] : [],
      });
    }
    const web = packageFiles("web");
    expect(web).toContain("dist/browser/index.mjs");
    expect(web.filter((file) => !/^dist\/browser\/[\w-]+\.mjs$/.test(file))).toEqual([]);
    const edge = packageFiles("edge");
    expect(edge).toContain("dist/default/index.mjs");
    expect(edge.filter((file) => !/^dist\/default\/[\w-]+\.mjs$/.test(file))).toEqual([]);
    const node = packageFiles("node");
    expect(node).toContain("dist/node/index.cjs");
    expect(node.filter((file) => !/^dist\/node\/[\w-]+\.cjs$/.test(file))).toEqual([]);
    // In the page and the worker, none of the SDK's lazy parts is in the entry's chunk: each loads on first use.
    for (const name of ["web", "edge"])
      for (const stem of LAZY)
        expect({ name, stem, initial: chunkFilesOf(name, stem).initial }).toEqual({ name, stem, initial: false });
  });

  describe("web, in headless Chromium", () => {
    let browser: Browser;
    let server: Server;
    let origin: string;
    /** The paths the page fetched, in order. */
    const served: string[] = [];

    beforeAll(async () => {
      const dir = join(setup.consumer.dir, "dist-webpack/web");
      server = createServer((request, response) => {
        const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
        served.push(path);
        if (path === "/") {
          response.setHeader("content-type", "text/html; charset=utf-8");
          response.end('<!doctype html><link rel="icon" href="data:,"><script src="/main.js"></script>');
          return;
        }
        try {
          const body = /^\/[\w.-]+\.js$/.test(path) ? readFileSync(join(dir, path)) : undefined;
          if (body === undefined) throw new Error("not a script");
          response.setHeader("content-type", "text/javascript; charset=utf-8");
          response.end(body);
        } catch {
          response.statusCode = 404;
          response.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // `npm run test:browser` would install one when there is none; so does this.
      browser = await chromium.launch({
        executablePath: ensureChromium().path,
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
      });
    }, 600_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    it("runs the session, the uploads, batches.run and the workflow call by call, loading each lazy chunk on first use", async () => {
      resetFakes();
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      await page.goto(`${origin}/`);
      // The page loads the entry alone: every chunk of the SDK comes later, when a call needs it.
      expect(served).toEqual(["/", "/main.js"]);

      // An expression: Playwright awaits the promise it gives.
      const run = async (fn: string, url: string) =>
        JSON.parse(await page.evaluate<string>(`${fn}(${JSON.stringify(url)})`)) as Record<string, unknown>;

      expect(await run("runWebSession", setup.server.url)).toEqual(EXPECTED_SESSION);
      expect(setup.fake.count()).toBe(SESSION_REQUESTS);
      for (const request of setup.fake.requests)
        expect(request.headers["user-agent"] ?? "").not.toMatch(/cohere-batches/);
      expect(served).not.toContain(`/${chunkFilesOf("web", "create-upload").files[0]}`);

      setup.fake.reset({ batches: true });
      expect(await run("runWebUploads", setup.server.url)).toEqual(expectedUploads());
      expect(await run("runWebResults", resultsFake.server.url)).toEqual(EXPECTED_RESULTS);
      expect(await run("runWebSteps", resultsFake.server.url)).toEqual(EXPECTED_STEPS);

      // Each lazy part came in a chunk of its own, fetched when a call needed it.
      for (const stem of LAZY)
        expect({ stem, fetched: chunkFilesOf("web", stem).files.some((file) => served.includes(`/${file}`)) }).toEqual({
          stem,
          fetched: true,
        });
      expect(pageErrors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  it("node: a CommonJS consumer runs the session, the uploads, batches.run and the workflow call by call", async () => {
    resetFakes();
    const stdout = await runOk(
      process.execPath,
      ["dist-webpack/node/main.cjs", setup.server.url, resultsFake.server.url],
      { cwd: setup.consumer.dir, timeoutMs: 30_000 },
    );
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toEqual({
      session: EXPECTED_SESSION,
      uploads: expectedUploads(),
      results: EXPECTED_RESULTS,
      steps: EXPECTED_STEPS,
    });
    // The node build: it sends the SDK's User-Agent.
    expect(new Set(setup.fake.requests.map((r) => r.headers["user-agent"]?.split(" ")[0]))).toEqual(
      new Set([expect.stringMatching(/^cohere-batches\/\d+\.\d+\.\d+/)]),
    );
  }, 60_000);

  it("edge: the worker build runs the session, the uploads, batches.run and the workflow call by call in EdgeRuntime", async () => {
    resetFakes();
    const dir = join(setup.consumer.dir, "dist-webpack/edge");
    const loaded: string[] = [];
    const runtime: EdgeRuntime = new EdgeRuntime({
      extend: (context) =>
        Object.assign(context, {
          importScripts: (...urls: string[]) => {
            for (const url of urls) {
              loaded.push(url);
              runtime.evaluate(readFileSync(join(dir, url), "utf8"));
            }
          },
        }),
    });
    runtime.evaluate(readFileSync(join(dir, "main.js"), "utf8"));
    const run = async (fn: string, url: string) =>
      JSON.parse((await runtime.evaluate(`${fn}(${JSON.stringify(url)})`)) as string) as Record<string, unknown>;

    const { runtime: seen, ...session } = await run("runEdgeSession", setup.server.url);
    expect(session).toEqual(EXPECTED_SESSION);
    expect(seen).toEqual({ process: "undefined", require: "undefined", edgeRuntime: "string", constructs: true });
    expect(setup.fake.count()).toBe(SESSION_REQUESTS);
    for (const request of setup.fake.requests)
      expect(request.headers["user-agent"] ?? "").not.toMatch(/cohere-batches/);

    setup.fake.reset({ batches: true });
    expect(await run("runEdgeUploads", setup.server.url)).toEqual(expectedUploads());
    expect(await run("runEdgeResults", resultsFake.server.url)).toEqual(EXPECTED_RESULTS);
    expect(await run("runEdgeSteps", resultsFake.server.url)).toEqual(EXPECTED_STEPS);
    for (const stem of LAZY)
      expect({ stem, loaded: chunkFilesOf("edge", stem).files.some((file) => loaded.includes(file)) }).toEqual({
        stem,
        loaded: true,
      });
  }, 60_000);
});
