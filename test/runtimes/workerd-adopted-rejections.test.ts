// Three places that handed on a promise already rejected from a `then` callback or an async
// function's `return`, run in Cloudflare workerd: its unhandled-rejection check runs before such a
// promise is adopted (Node's runs after the microtasks, so only workerd tells). Each caller below
// handles its rejection; workerd must report none. A worker bundled by esbuild from the sources
// (these are internals and a layer used alone, which no public call reaches with the timing).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, run, workerdBin } from "./support/package.js";

const WORKER = `import { decodeAvroContainer } from "./src/internal/decoders/avro.ts";
import { lazyAsyncIterable } from "./src/lib/lazy-iterable.ts";
import { authMiddleware } from "./src/middleware/auth.ts";
import { rateLimitMiddleware } from "./src/middleware/rate-limit.ts";
import { tracingMiddleware } from "./src/middleware/tracing.ts";
import { writeAvroContainer } from "./src/testing/avro-writer.ts";

const settled = async (promises) =>
  (await Promise.allSettled(promises)).map((o) => (o.status === "fulfilled" ? o.value : "rejected: " + o.reason?.message));

export default {
  async test() {
    const unhandled = [];
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault?.();
      unhandled.push(String(event.reason?.message ?? event.reason));
    });
    const report = {};

    // An Avro file whose block says 2 records and holds 3: the second record read leaves a byte
    // over. Two next() at once: the second waits for the block's load, then fails at once.
    const file = await writeAvroContainer(
      { type: "record", name: "R", fields: [{ name: "n", type: "long" }] },
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      { codec: "null", sync: new Uint8Array(16).fill(7) },
    );
    const countAt = file.length - 16 - 1 - 3 - 1; // the count, before the size, the 3 bytes and the marker
    report.countByte = file[countAt];
    const patched = file.slice();
    patched[countAt] = 4; // zigzag 2
    const records = decodeAvroContainer(new Response(patched).body, { part: "p" });
    report.avro = await settled([records.next(), records.next()]);

    // An iterable opened lazily whose iterator refuses its first next() at once (as the records
    // reader does when the caller's signal fired as it opened): one next(), then two queued.
    const refusing = () =>
      lazyAsyncIterable(async () => ({ next: () => Promise.reject(new Error("refused at once")) }));
    report.lazyOne = await settled([refusing()[Symbol.asyncIterator]().next()]);
    const twice = refusing()[Symbol.asyncIterator]();
    report.lazyTwo = await settled([twice.next(), twice.next()]);

    // Layers used alone (each exported to be), given a next() that refuses at once: the auth
    // layer with an async token function, and the rate-limit and tracing plugins' handlers.
    const refusingNext = () => Promise.reject(new Error("next refused"));
    const alone = (handle, operation = "batches.list") =>
      settled([handle(new Request("http://127.0.0.1/"), refusingNext, { operation, attempt: 1, options: {}, state: {} })]);
    report.auth = await alone(authMiddleware(async () => "test-token"));
    report.rateLimit = await alone(rateLimitMiddleware().handle);
    report.tracing = await alone(tracingMiddleware().handle);
    report.rateLimitDownload = await alone(rateLimitMiddleware().handle, "datasets.download");
    report.tracingDownload = await alone(tracingMiddleware().handle, "datasets.download");

    await new Promise((resolve) => setTimeout(resolve, 50));
    report.unhandled = unhandled;
    report.userAgent = navigator.userAgent;
    console.log("REPORT " + JSON.stringify(report));
  },
};`;

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [(name = "main", worker = .w)] );
const w :Workerd.Worker = ( modules = [(name = "worker.mjs", esModule = embed "bundle.mjs")], compatibilityDate = "2025-01-01" );`;

const dir = mkdtempSync(join(tmpdir(), "workerd-adopted-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("promises already rejected, handed on (workerd)", () => {
  it("reach their callers handled: workerd reports no unhandled rejection", async () => {
    const bundle = await build({
      stdin: { contents: WORKER, resolveDir: repoRoot, sourcefile: "worker.mjs", loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      logLevel: "silent",
    });
    writeFileSync(join(dir, "bundle.mjs"), bundle.outputFiles[0]?.text ?? "");
    writeFileSync(join(dir, "config.capnp"), CONFIG);

    const result = await run(workerdBin, ["test", "config.capnp"], { cwd: dir, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    const line = output.split("\n").find((l) => l.startsWith("REPORT "));
    expect(line, output).toBeDefined();
    const report = JSON.parse(line?.slice(7) ?? "{}");
    expect(report.userAgent).toBe("Cloudflare-Workers");
    // The premise: the file's one block counted its 3 records (zigzag 6) before the patch.
    expect(report.countByte).toBe(6);
    expect(report.avro).toEqual([
      { done: false, value: { n: 1 } },
      expect.stringMatching(/^rejected: .*p: block 0: 1 bytes left after the block's last record$/),
    ]);
    expect(report.lazyOne).toEqual(["rejected: refused at once"]);
    // Both queued behind the opening go to the opened iterator, which refuses each.
    expect(report.lazyTwo).toEqual(["rejected: refused at once", "rejected: refused at once"]);
    for (const layer of ["auth", "rateLimit", "tracing", "rateLimitDownload", "tracingDownload"])
      expect(report[layer], layer).toEqual(["rejected: next refused"]);
    expect(report.unhandled).toEqual([]);
  }, 60_000);
});
