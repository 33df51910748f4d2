// The universal entry must run without Node: checked statically (no Node imports or globals in
// its sources) and by running it in Vercel's edge runtime and in Cloudflare's workerd.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeRuntime } from "edge-runtime";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const srcDir = join(repo, "src/testing");
const NODE_ONLY = new Set(["index.node.ts", "http-server.ts"]);

// A scenario run inside each runtime; it reports what it saw as plain JSON.
const SCENARIO = `
import { FakeCohere, ManualClock, startFakeCohereServer } from "./index.ts";
export async function scenario() {
  const out = { hasProcess: typeof process !== "undefined", hasBuffer: typeof Buffer !== "undefined" };
  // Declared by every build, so that one set of types serves them all: here it says what to use.
  try { await startFakeCohereServer(new FakeCohere()); out.server = "started"; } catch (e) { out.server = e.name + ": " + e.message; }
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock });
  const H = { authorization: "Bearer test-token" };
  const URL_ = "https://api.cohere.com/v2/batches";
  const created = await fake.fetch(URL_, { method: "POST", headers: H, body: JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }) });
  const { batch } = await created.json();
  out.created = batch.status;
  out.createdAt = batch.created_at;
  out.requestId = /^[0-9a-f]{32}$/.test(created.headers.get("x-request-id"));
  clock.advance(20000);
  out.done = (await (await fake.fetch(URL_ + "/" + batch.id, { headers: H })).json()).batch.status;
  out.cancel = (await fake.fetch(URL_ + "/" + batch.id + ":cancel", { method: "POST", headers: H })).status;
  fake.addBatches(120);
  let token, pages = 0, listed = 0;
  do {
    const page = await (await fake.fetch(URL_ + "?page_size=50" + (token ? "&page_token=" + token : ""), { headers: H })).json();
    listed += page.batches.length;
    token = page.next_page_token;
    pages++;
  } while (token && pages < 10);
  out.listed = listed;
  fake.inject("list", { type: "drop" });
  try { await fake.fetch(URL_, { headers: H }); out.drop = "no error"; } catch (e) { out.drop = e.name; }
  fake.inject("list", { type: "reset-mid-body", afterAction: true });
  try { await (await fake.fetch(URL_, { headers: H })).text(); out.reset = "no error"; } catch (e) { out.reset = e.name; }
  fake.inject("list", { type: "stall-body" });
  const controller = new AbortController();
  const stalled = await fake.fetch(URL_, { headers: H, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  try { await stalled.text(); out.stall = "no error"; } catch (e) { out.stall = e.name; }
  fake.inject("list", { type: "delay", ms: 10 });
  out.delay = (await fake.fetch(URL_, { headers: H })).status;
  return out;
}
`;

const EXPECTED = {
  hasProcess: false,
  hasBuffer: false,
  server:
    "TypeError: startFakeCohereServer needs Node's HTTP server, and this runtime loaded the build of cohere-batches/testing without it: give the client `fetch: fake.fetch` instead",
  created: "BATCH_STATUS_QUEUED",
  createdAt: "2026-01-01T00:00:00Z",
  requestId: true,
  done: "BATCH_STATUS_COMPLETED",
  cancel: 400,
  listed: 121,
  drop: "TypeError",
  reset: "TypeError",
  stall: "AbortError",
  delay: 200,
};

async function bundle(format: "esm" | "iife", footer: string): Promise<string> {
  const result = await build({
    stdin: { contents: `${SCENARIO}\n${footer}`, resolveDir: srcDir, loader: "ts", sourcefile: "scenario.ts" },
    bundle: true,
    write: false,
    format,
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe("universal entry", () => {
  it("its sources use no Node module or Node-only global", () => {
    const files = readdirSync(srcDir).filter((f) => f.endsWith(".ts") && !NODE_ONLY.has(f));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      // Comments may mention Node; code may not.
      const code = readFileSync(join(srcDir, file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      expect(code, file).not.toMatch(
        /from\s+["']node:|require\(|\bprocess\.|\bBuffer\b|from\s+["'](fs|http|net|path|os|crypto)["']/,
      );
      for (const nodeOnly of NODE_ONLY) expect(code, file).not.toContain(nodeOnly.replace(".ts", ".js"));
    }
  });

  it("runs in Vercel's edge runtime", async () => {
    const code = await bundle("iife", "globalThis.__scenario = scenario;");
    const runtime = new EdgeRuntime({ initialCode: code });
    const result = (await runtime.evaluate("__scenario()")) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(result))).toEqual(EXPECTED);
  });

  const workerd = join(repo, "node_modules/workerd/bin/workerd");
  it.skipIf(!existsSync(workerd))(
    "runs in Cloudflare's workerd",
    async () => {
      const worker = await bundle(
        "esm",
        `export default { async test() {
        const result = await scenario();
        console.log("SCENARIO_RESULT " + JSON.stringify(result));
      } };`,
      );
      const dir = mkdtempSync(join(tmpdir(), "fake-cohere-workerd-"));
      try {
        writeFileSync(join(dir, "worker.mjs"), worker);
        writeFileSync(
          join(dir, "config.capnp"),
          `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .mainWorker)]);
const mainWorker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "2025-01-01",
);
`,
        );
        const output = await new Promise<string>((resolvePromise, reject) => {
          execFile(workerd, ["test", join(dir, "config.capnp")], { timeout: 60_000 }, (error, stdout, stderr) => {
            const text = `${stdout}\n${stderr}`;
            if (error) reject(new Error(`workerd failed: ${error.message}\n${text}`));
            else resolvePromise(text);
          });
        });
        const line = /SCENARIO_RESULT (.*)/.exec(output)?.[1];
        expect(line, output).toBeDefined();
        expect(JSON.parse(line ?? "{}")).toEqual(EXPECTED);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
