// Vercel's edge runtime: the session, bundled by esbuild from the installed tarball with the
// `edge-light` and `worker` conditions, evaluated in `new EdgeRuntime()` (no `process`, no
// `require`), against the fake served over real HTTP on 127.0.0.1.
import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { EXPECTED_SESSION, SESSION_REQUESTS } from "./support/session.js";
import { EXPECTED_RESULTS } from "./fixtures/results.mjs";
import { EXPECTED_UPLOAD_FAILURES, expectedUploads } from "./fixtures/uploads.mjs";
import { useRealClockFake } from "./support/real-clock-fake.js";
import { useFaultControl } from "./support/fault-control.js";
import { expectFaults } from "./support/faults.js";

const setup = useConsumerWithFake(
  "edge",
  {
    "session.mjs": "session.mjs",
    "uploads.mjs": "uploads.mjs",
    "results.mjs": "results.mjs",
    "faults.mjs": "faults.mjs",
    "edge/entry.mjs": "entry.mjs",
  },
  // Validation completes at once: the edge code cannot move the fake's clock.
  { datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } },
);

// batches.run needs a fake whose clock moves by itself: the edge code cannot move it.
const resultsFake = useRealClockFake();

// The fake of the fault scenarios, with the control service the edge code injects faults through.
const faults = useFaultControl();

/** The edge entry, bundled from the installed tarball, in a fresh `EdgeRuntime`. */
async function edgeRuntime(): Promise<EdgeRuntime> {
  const bundle = await bundleEntry(setup.consumer.dir, "entry.mjs", {
    conditions: ["edge-light", "worker"],
    format: "iife",
  });
  return new EdgeRuntime({ initialCode: bundle.code });
}

describe("Vercel edge-runtime", () => {
  it("runs the session with the default build, over loopback HTTP", async () => {
    const bundle = await bundleEntry(setup.consumer.dir, "entry.mjs", {
      conditions: ["edge-light", "worker"],
      format: "iife",
    });
    // The default build (its entry and the chunks it loads on first use), nothing else.
    expect(bundle.packageFiles).toContain("dist/default/index.mjs");
    expect(bundle.packageFiles.every((file) => /^dist\/default\/[\w-]+\.mjs$/.test(file))).toBe(true);

    const runtime = new EdgeRuntime({ initialCode: bundle.code });
    const json = (await runtime.evaluate(`runEdgeSession(${JSON.stringify(setup.server.url)})`)) as string;
    const { runtime: seen, ...session } = JSON.parse(json) as Record<string, unknown>;
    expect(session).toEqual(EXPECTED_SESSION);
    expect(seen).toEqual({ process: "undefined", require: "undefined", edgeRuntime: "string", constructs: true });

    expect(setup.fake.count()).toBe(SESSION_REQUESTS);
    for (const request of setup.fake.requests)
      expect(request.headers["user-agent"] ?? "").not.toMatch(/cohere-batches/);
  }, 60_000);

  it("uploads every kind of data with its bytes and filename, streams as streams", async () => {
    setup.fake.reset({ batches: true });
    const runtime = await edgeRuntime();
    const json = (await runtime.evaluate(`runEdgeUploads(${JSON.stringify(setup.server.url)})`)) as string;
    expect(JSON.parse(json)).toEqual(expectedUploads());
    const uploads = setup.fake.requests.filter((r) => r.operation === "datasets.create");
    const byName = (name: string) => uploads.find((r) => new URL(r.url).searchParams.get("name") === name);
    expect(byName("up-stream")?.headers["transfer-encoding"]).toBe("chunked");
  }, 60_000);

  it("ends uploads whose own data fails with the SDK's typed error and sends nothing", async () => {
    // edge-runtime's fetch rebuilt the SDK's error from its message: a source that threw was a
    // CohereConnectionError (which run reads as "may have reached the server").
    setup.fake.reset({ batches: true });
    const runtime = await edgeRuntime();
    const json = (await runtime.evaluate(`runEdgeUploadFailures(${JSON.stringify(setup.server.url)})`)) as string;
    expect(JSON.parse(json)).toMatchObject(EXPECTED_UPLOAD_FAILURES);
    expect(setup.fake.count("datasets.create")).toBe(0);
  }, 60_000);

  it("runs batches.run and reads its deflate results with no DecompressionStream, with no token sent there", async () => {
    // edge-runtime has no DecompressionStream (nor has Vercel's Edge Runtime): every deflate part
    // was a ReferenceError. The fourth download (after the run's three parts) is cut short.
    resultsFake.fake.inject("datasets.download", { type: "truncate" }, { skip: 3 });
    const runtime = await edgeRuntime();
    expect(await runtime.evaluate("typeof DecompressionStream")).toBe("undefined");
    const json = (await runtime.evaluate(`runEdgeResults(${JSON.stringify(resultsFake.server.url)})`)) as string;
    expect(JSON.parse(json)).toEqual(EXPECTED_RESULTS);
    expect(resultsFake.fake.count("datasets.download")).toBe(4);
    expect(resultsFake.fake.downloadAuthorizations).toEqual([]);
  }, 60_000);

  it("ends every server-side fault as Node does, nothing unhandled", async () => {
    const runtime = await edgeRuntime();
    const json = (await runtime.evaluate(
      `runEdgeFaults(${JSON.stringify(faults.baseUrl)}, ${JSON.stringify(faults.controlUrl)})`,
    )) as string;
    expectFaults(JSON.parse(json), "edge");
  }, 90_000);
});
