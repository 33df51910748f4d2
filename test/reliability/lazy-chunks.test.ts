import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { useResultsFake } from "../helpers/results-fake.js";

// The SDK loads parts of itself on first use (the datasets operations, the waiter, the results
// reader, run, the builder of ApiErrors, the guard of users' middleware, the follower of a
// POST's redirects). In a browser those chunks come over the network and can fail to load or
// stall. These tests break the real build's chunks on disk (a copy of dist/node) and run it in
// a child process against the fake service.

const dist = fileURLToPath(new URL("../../dist/node/", import.meta.url));
const nodeModules = fileURLToPath(new URL("../../node_modules", import.meta.url));
const copies: string[] = [];

/** The chunks the entry loads only by a dynamic import (not those it or they import statically). */
function lazyChunks(): string[] {
  const files = readdirSync(dist).filter((name) => name.endsWith(".mjs"));
  const staticImports = (file: string) =>
    [...readFileSync(join(dist, file), "utf8").matchAll(/^import .* from "\.\/([^"]+\.mjs)";$/gm)].map((m) => m[1]!);
  const loadedWithEntry = new Set(["index.mjs"]);
  for (const file of loadedWithEntry) for (const next of staticImports(file)) loadedWithEntry.add(next);
  return files.filter((file) => !loadedWithEntry.has(file));
}

/**
 * A copy of the Node build with each lazy chunk replaced by what `broken` returns for it (its
 * source to keep it, `undefined` to leave it out); returns the URL of the copy's entry.
 */
function brokenBuild(broken: (file: string, source: string) => string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "cohere-batches-chunks-"));
  copies.push(dir);
  symlinkSync(nodeModules, join(dir, "node_modules"));
  const lazy = new Set(lazyChunks());
  for (const file of readdirSync(dist).filter((name) => name.endsWith(".mjs"))) {
    const original = readFileSync(join(dist, file), "utf8");
    const source = lazy.has(file) ? broken(file, original) : original;
    if (source !== undefined) writeFileSync(join(dir, file), source);
  }
  return pathToFileURL(join(dir, "index.mjs")).href;
}

// Each call the script makes, with the part of the SDK it has to load first.
const script = `
  const [entry, baseUrl, only, outputDatasetId, waitMs] = process.argv.slice(1);
  const { CohereClient, CohereError } = await import(entry);
  const unhandled = [];
  // A page stays open; this process would otherwise end with the stalled imports pending
  // (the caller's AbortSignal.timeout does not keep it alive).
  setInterval(() => {}, 1_000);
  process.on("unhandledRejection", (error) => unhandled.push(String(error)));
  const options = { token: "test-token", baseUrl, maxRetries: 0, timeoutInSeconds: Number(waitMs) / 1000 };
  const client = new CohereClient(options);
  const withPlugin = new CohereClient({ ...options, middleware: [(request, next) => next(request)] });
  const abortSignal = () => AbortSignal.timeout(Number(waitMs));
  const calls = {
    "retrieve (a 404)": () => client.batches.retrieve("missing"),
    "datasets.list": () => client.datasets.list(undefined, { abortSignal: abortSignal() }),
    "waitUntilDone": () => client.batches.waitUntilDone("missing", { abortSignal: abortSignal() }),
    "results": async () => {
      for await (const _ of client.batches.results("missing", { abortSignal: abortSignal() }));
    },
    "run": () =>
      client.batches.run(
        { name: "n", model: "m", type: "batch-embed-v2-input", requests: [{ custom_id: "1", body: {} }] },
        { abortSignal: abortSignal() },
      ),
    "list through a plugin": () => withPlugin.batches.list(),
    "listAll": async () => {
      for await (const _ of client.batches.listAll({}, { abortSignal: abortSignal() }));
    },
    // A POST's 307 (a server of its own: the fake does not redirect), followed by the SDK. Its
    // body never ends: the SDK must let it go whatever becomes of the follower's code.
    "cancel (a 307)": async () => {
      const { createServer } = await import("node:http");
      let open = 0;
      const server = createServer((request, response) => {
        open++;
        response.on("close", () => open--);
        response.writeHead(307, { location: "/v2/again", "content-length": "1000000" }).write("x".repeat(1000));
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        await new CohereClient({ ...options, baseUrl: "http://127.0.0.1:" + server.address().port }).batches.cancel("b-1");
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (open > 0) throw new Error(open + " redirect body left open");
        throw error;
      } finally {
        server.closeAllConnections();
        server.close();
      }
    },
    "three logged calls": async () => {
      const logged = new CohereClient({ ...options, logLevel: "debug", logger: { debug() {}, info() {}, warn() {}, error() {} } });
      const settled = await Promise.allSettled([logged.batches.list(), logged.batches.retrieve("b-1"), logged.batches.cancel("b-2")]);
      throw new CohereError(settled.map((outcome) => outcome.reason?.message).join("\\n"));
    },
    "datasets.create": () => client.datasets.create({ name: "n", type: "embed-input", data: [{ custom_id: "1" }] }),
    "datasets.records": async () => {
      for await (const _ of client.datasets.records(outputDatasetId, { timeoutInSeconds: 5 }));
    },
  };
  const outcomes = {};
  for (const [name, call] of Object.entries(calls).filter(([name]) => only.split(",").includes(name))) {
    const started = Date.now();
    try {
      await call();
      outcomes[name] = { ok: true };
    } catch (error) {
      outcomes[name] = { name: error?.name, typed: CohereError.is(error), message: String(error?.message), ms: Date.now() - started };
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(JSON.stringify({ outcomes, unhandled }));
  process.exit(0);
`;

interface Outcome {
  readonly ok?: true;
  readonly name?: string;
  readonly typed?: boolean;
  readonly message?: string;
  readonly ms?: number;
}

const results = useResultsFake();
const firstCalls = [
  "retrieve (a 404)",
  "datasets.list",
  "waitUntilDone",
  "results",
  "run",
  "list through a plugin",
  "listAll",
  "cancel (a 307)",
];

/**
 * Runs the calls named `only` with the build at `entry` in a child process. `waitMs` is each
 * attempt's timeout and each caller's abort: short where a stalled chunk must end with them, and
 * otherwise long enough that a cold child on a loaded machine (another test file beside it) does
 * not reach them before the failure under test (300 ms did, once, for a 404's first request).
 */
async function runWith(entry: string, only = firstCalls, outputDatasetId = "", waitMs = 5_000) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script, entry, results.server.url, only.join(","), outputDatasetId, String(waitMs)],
    // Below the tests' own timeout: a child that hangs (a regression) is killed, not left behind.
    { timeout: 15_000, killSignal: "SIGKILL" },
  );
  return JSON.parse(stdout) as { outcomes: Record<string, Outcome>; unhandled: string[] };
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe("a part of the SDK that cannot be loaded", () => {
  it("finds lazy chunks to break in the build (the premise of the tests below)", () => {
    const lazy = lazyChunks();
    for (const part of [
      "operations",
      "waiter",
      "batch-results",
      "run",
      "api-error-from-response",
      "user-middleware",
      "batch-pages",
      "redirect-follower",
    ])
      expect(lazy.some((file) => file.startsWith(`${part}-`))).toBe(true);
  });

  it("is a CohereError naming that part, for every call that needs one, and nothing is left unhandled", async () => {
    const { outcomes, unhandled } = await runWith(brokenBuild(() => undefined));
    const expected: Record<string, RegExp> = {
      // Named by the call, or by the method called when it loads before any call.
      "retrieve (a 404)":
        /^batches\.retrieve \(GET \/v2\/batches\/\{id\}\): cohere-batches could not load the code that builds the error of a 404 response/,
      "datasets.list": /^datasets\.list \(GET \/v1\/datasets\): cohere-batches could not load the datasets operations/,
      waitUntilDone: /^waitUntilDone: cohere-batches could not load (the waiter|the checks of wait options)/,
      results: /^results: cohere-batches could not load the results reader/,
      run: /^run: cohere-batches could not load run/,
      "list through a plugin":
        /^batches\.list \(GET \/v2\/batches\): cohere-batches could not load the guard of users' middleware/,
      listAll: /^listAll: cohere-batches could not load the page walk/,
      "cancel (a 307)":
        /^batches\.cancel \(POST \/v2\/batches\/\{id\}:cancel\): cohere-batches could not load the redirect follower/,
    };
    for (const [call, message] of Object.entries(expected)) {
      expect(outcomes[call], call).toMatchObject({ name: "CohereError", typed: true });
      expect(outcomes[call]?.message, call).toMatch(message);
    }
    expect(unhandled).toEqual([]);
  });

  it("shared by calls in flight (the logging code) fails each call with an error of its own, named by it", async () => {
    const { outcomes } = await runWith(
      brokenBuild((file, source) => (file.startsWith("logging-plugin-") ? undefined : source)),
      ["three logged calls"],
    );
    const messages = outcomes["three logged calls"]?.message?.split("\n") ?? [];
    expect(messages.map((message) => message.replace(/ the logging code: .*/, ""))).toEqual([
      "batches.list (GET /v2/batches): cohere-batches could not load",
      "batches.retrieve (GET /v2/batches/{id}): cohere-batches could not load",
      "batches.cancel (POST /v2/batches/{id}:cancel): cohere-batches could not load",
    ]);
  });

  it("that throws as it loads is a CohereError too (its message kept as the cause's)", async () => {
    const { outcomes } = await runWith(brokenBuild(() => 'throw new Error("chunk exploded");'));
    expect(Object.keys(outcomes)).toEqual(firstCalls);
    for (const [call, outcome] of Object.entries(outcomes)) {
      expect(outcome, call).toMatchObject({ name: "CohereError", typed: true });
      expect(outcome.message, call).toMatch(/could not load .*chunk exploded/);
    }
  });

  it("is a CohereError when the code of an upload, a download or the Avro decoder is missing", async () => {
    const { output_dataset_id: output } = await results.completedBatch();
    const only = ["datasets.create", "datasets.records"];
    const without = (part: RegExp) => brokenBuild((file, source) => (part.test(file) ? undefined : source));
    const noDecoder = await runWith(without(/^(avro|create-upload)-/), only, output);
    expect(noDecoder.outcomes["datasets.create"]?.message).toMatch(/could not load the upload code/);
    expect(noDecoder.outcomes["datasets.records"]?.message).toMatch(/could not load the Avro decoder/);
    const noDownloads = await runWith(without(/^download-/), ["datasets.records"], output);
    expect(noDownloads.outcomes["datasets.records"]?.message).toMatch(/could not load the download (code|pipeline)/);
    for (const outcome of [...Object.values(noDecoder.outcomes), ...Object.values(noDownloads.outcomes)])
      expect(outcome).toMatchObject({ name: "CohereError", typed: true });
  });
});

describe("a part of the SDK that stalls as it loads", () => {
  it("ends with the attempt's timeout or the caller's abort, promptly", async () => {
    // A module whose evaluation never ends: its dynamic import never settles.
    const { outcomes, unhandled } = await runWith(
      brokenBuild(() => "await new Promise(() => {});"),
      firstCalls,
      "",
      300,
    );
    // Inside an attempt (the builder of a 404's error, the guard of a plugin): the attempt's
    // timeout. Before any attempt (an operation's own code): the caller's abort.
    expect(outcomes["retrieve (a 404)"]).toMatchObject({ name: "CohereTimeoutError", typed: true });
    expect(outcomes["list through a plugin"]).toMatchObject({ name: "CohereTimeoutError", typed: true });
    expect(outcomes["cancel (a 307)"]).toMatchObject({ name: "CohereTimeoutError", typed: true });
    for (const call of ["datasets.list", "waitUntilDone", "results", "run"])
      expect(outcomes[call], call).toMatchObject({ name: "CohereAbortError", typed: true });
    for (const [call, outcome] of Object.entries(outcomes)) expect(outcome.ms, call).toBeLessThan(2_000);
    expect(unhandled).toEqual([]);
  });
});
