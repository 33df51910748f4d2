// Cloudflare's workerd: a worker bundled by esbuild from the installed tarball with the
// `workerd` and `worker` conditions runs the scripted session in `workerd test`, against the
// fake served over real HTTP on 127.0.0.1 (the worker's outbound network allows loopback).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { fixturesDir, run, workerdBin } from "./support/package.js";
import { EXPECTED_SESSION, SESSION_REQUESTS, parseReport } from "./support/session.js";
import { EXPECTED_RESULTS } from "./fixtures/results.mjs";
import { useRealClockFake } from "./support/real-clock-fake.js";
import { EXPECTED_UPLOAD_FAILURES, UPLOAD_BYTES, expectedUploads } from "./fixtures/uploads.mjs";
import { useFaultControl } from "./support/fault-control.js";
import { expectFaults, parseFaults } from "./support/faults.js";

const setup = useConsumerWithFake(
  "workerd",
  {
    "session.mjs": "session.mjs",
    "uploads.mjs": "uploads.mjs",
    "workerd/worker.mjs": "worker.mjs",
    "workerd/uploads-worker.mjs": "uploads-worker.mjs",
    "workerd/upload-failures-worker.mjs": "upload-failures-worker.mjs",
    "results.mjs": "results.mjs",
    "workerd/results-worker.mjs": "results-worker.mjs",
    "faults.mjs": "faults.mjs",
    "workerd/faults-worker.mjs": "faults-worker.mjs",
  },
  // Validation completes at once: the worker cannot move the fake's clock.
  { datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } },
);

// batches.run needs a fake whose clock moves by itself: the worker cannot move it.
const resultsFake = useRealClockFake();

// The fake of the fault scenarios, with the control service the worker injects faults through.
const faults = useFaultControl();

/** Bundles `entry` for workerd and runs it in `workerd test` against the fake; resolves with its output. */
async function runWorker(entry: string, fakeUrl = setup.server.url, controlUrl = ""): Promise<string> {
  const bundle = await bundleEntry(setup.consumer.dir, entry, { conditions: ["workerd", "worker"], format: "esm" });
  writeFileSync(join(setup.consumer.dir, "bundle.mjs"), bundle.code);
  const config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8")
    .replace(`"__FAKE_URL__"`, JSON.stringify(fakeUrl))
    .replace(`"__CONTROL_URL__"`, JSON.stringify(controlUrl));
  writeFileSync(join(setup.consumer.dir, "config.capnp"), config);
  const result = await run(workerdBin, ["test", "config.capnp"], { cwd: setup.consumer.dir, timeoutMs: 60_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.code, output).toBe(0);
  expect(output).toMatch(/\[ PASS \] main/);
  return output;
}

describe("Cloudflare workerd", () => {
  it("runs the session with the default build, over loopback HTTP", async () => {
    const bundle = await bundleEntry(setup.consumer.dir, "worker.mjs", {
      conditions: ["workerd", "worker"],
      format: "esm",
    });
    // The default build, and nothing of the node or browser builds or of the fake.
    // The default build (its entry and the chunks it loads on first use), nothing else.
    expect(bundle.packageFiles).toContain("dist/default/index.mjs");
    expect(bundle.packageFiles.every((file) => /^dist\/default\/[\w-]+\.mjs$/.test(file))).toBe(true);
    expect(bundle.code).not.toMatch(/\bprocess\.env\b/);
    writeFileSync(join(setup.consumer.dir, "bundle.mjs"), bundle.code);
    const config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8").replace(
      `"__FAKE_URL__"`,
      JSON.stringify(setup.server.url),
    );
    writeFileSync(join(setup.consumer.dir, "config.capnp"), config);

    const result = await run(workerdBin, ["test", "config.capnp"], { cwd: setup.consumer.dir, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(output).toMatch(/\[ PASS \] main/);
    const { runtime, ...session } = parseReport(result.stdout, "SESSION ");
    expect(session).toEqual(EXPECTED_SESSION);
    expect(runtime).toEqual({
      process: "undefined",
      require: "undefined",
      userAgent: "Cloudflare-Workers",
      constructs: true,
    });

    // Every request reached the fake over HTTP, and the default build sent no User-Agent.
    expect(setup.fake.count()).toBe(SESSION_REQUESTS);
    expect(setup.fake.requests.map((r) => r.headers["user-agent"])).toEqual(Array(SESSION_REQUESTS).fill(undefined));
  }, 60_000);

  it("uploads every kind of data with its bytes and filename, streams as streams", async () => {
    setup.fake.reset({ batches: true });
    const stdout = await runWorker("uploads-worker.mjs");
    expect(parseReport(stdout, "UPLOADS ")).toEqual(expectedUploads());
    const uploads = setup.fake.requests.filter((r) => r.operation === "datasets.create");
    expect(uploads).toHaveLength(Object.keys(expectedUploads()).length);
    for (const upload of uploads) {
      const data = upload.form?.get("data") as File;
      expect(data.size).toBe(UPLOAD_BYTES);
      expect(JSON.parse((await data.text()).split("\n")[0] ?? "")).toMatchObject({ custom_id: "1" });
    }
    // A stream goes out chunked, a Blob with its length.
    const byName = (name: string) => uploads.find((r) => new URL(r.url).searchParams.get("name") === name);
    expect(byName("up-stream")?.headers["transfer-encoding"]).toBe("chunked");
    expect(byName("up-blob")?.headers["content-length"]).toBeDefined();
  }, 60_000);

  it("ends uploads whose own data fails with the SDK's typed error, sends nothing, and leaves nothing uncaught", async () => {
    // workerd logged an uncaught exception for each (the SDK errored the body it was sending),
    // failed the test, and sent the body cut short to the server when the source threw.
    setup.fake.reset({ batches: true });
    const output = await runWorker("upload-failures-worker.mjs");
    expect(parseReport(output, "UPLOAD_FAILURES ")).toMatchObject(EXPECTED_UPLOAD_FAILURES);
    expect(output).not.toMatch(/uncaught|hung/i);
    expect(setup.fake.count("datasets.create")).toBe(0);
  }, 60_000);

  it("runs batches.run and reads its results from the Avro parts on the download origin, with no token sent there", async () => {
    // The fourth download (after the run's three parts) is cut short mid-block.
    resultsFake.fake.inject("datasets.download", { type: "truncate" }, { skip: 3 });
    const stdout = await runWorker("results-worker.mjs", resultsFake.server.url);
    expect(parseReport(stdout, "RESULTS ")).toEqual(EXPECTED_RESULTS);
    expect(resultsFake.fake.count("datasets.download")).toBe(4);
    expect(resultsFake.fake.downloadAuthorizations).toEqual([]);
  }, 60_000);

  it("ends every server-side fault as Node does, and no promise of the SDK's goes unhandled", async () => {
    // The records reader ended a failed read by returning a rejected promise from a then
    // callback: workerd, which checks for a handler before the adopting job runs, reported every
    // failed records() call's error as an unhandled rejection. Its fetch sends a dropped GET again.
    const output = await runWorker("faults-worker.mjs", faults.baseUrl, faults.controlUrl);
    expectFaults(parseFaults(output), "workerd");
  }, 90_000);
});
