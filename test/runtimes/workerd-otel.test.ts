// cohere-batches/otel in Cloudflare's workerd: a worker bundled from the installed tarball (and
// the OpenTelemetry SDK's in-memory exporter) traces calls to the fake over loopback HTTP.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { fixturesDir, repoRoot, run, workerdBin } from "./support/package.js";
import { parseReport } from "./support/session.js";

const setup = useConsumerWithFake("workerd-otel", { "workerd/otel-worker.mjs": "worker.mjs" });

interface ReportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

describe("cohere-batches/otel in workerd", () => {
  it("makes a call span and attempt spans with the HTTP attributes, and sends traceparent", async () => {
    // The OpenTelemetry packages the worker imports, from this repo's dev dependencies.
    mkdirSync(join(setup.consumer.dir, "node_modules/@opentelemetry"), { recursive: true });
    for (const name of ["api", "sdk-trace-base", "core", "resources", "semantic-conventions"])
      symlinkSync(
        join(repoRoot, "node_modules/@opentelemetry", name),
        join(setup.consumer.dir, "node_modules/@opentelemetry", name),
      );
    setup.fake.addBatches(3);
    setup.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    // As wrangler bundles a worker (platform browser, conditions workerd, worker, browser): the
    // OpenTelemetry packages pick their platform code by the "browser" field map (their node code
    // imports node:os); cohere-batches' exports map lists workerd first.
    const bundle = await bundleEntry(setup.consumer.dir, "worker.mjs", {
      conditions: ["workerd", "worker", "browser"],
      platform: "browser",
      mainFields: ["browser", "module", "main"],
      format: "esm",
    });
    expect(bundle.packageFiles).toContain("dist/otel/index.mjs");
    writeFileSync(join(setup.consumer.dir, "bundle.mjs"), bundle.code);
    const config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8").replace(
      `"__FAKE_URL__"`,
      JSON.stringify(setup.server.url),
    );
    writeFileSync(join(setup.consumer.dir, "config.capnp"), config);
    const result = await run(workerdBin, ["test", "config.capnp"], { cwd: setup.consumer.dir, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);

    const { spans } = parseReport(result.stdout, "OTEL ") as unknown as { spans: ReportedSpan[] };
    const [first, second, listCall, missingAttempt, missingCall] = spans;
    expect(spans.map((span) => span.name)).toEqual([
      "GET /v2/batches",
      "GET /v2/batches",
      "GET /v2/batches",
      "GET /v2/batches/{id}",
      "GET /v2/batches/{id}",
    ]);
    expect([first!.parentSpanId, second!.parentSpanId]).toEqual([listCall!.spanId, listCall!.spanId]);
    expect(first!.attributes).toMatchObject({ "http.response.status_code": 503, "error.type": "503" });
    expect(second!.attributes).toMatchObject({
      "http.request.method": "GET",
      "url.full": `${setup.server.url}/v2/batches?page_size=2`,
      "server.address": "127.0.0.1",
      "http.response.status_code": 200,
      "http.request.resend_count": 1,
    });
    expect(missingAttempt!.parentSpanId).toBe(missingCall!.spanId);
    expect(missingCall!.attributes).toMatchObject({ "error.type": "404", "http.response.status_code": 404 });
    // Each attempt's span context went to the server as traceparent.
    const sent = setup.fake.requests.map((request) => request.headers.traceparent);
    expect(sent).toEqual([first, second, missingAttempt].map((span) => `00-${span!.traceId}-${span!.spanId}-01`));
  }, 120_000);
});
