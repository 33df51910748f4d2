// Plugins in Cloudflare's workerd: cohere-batches/otel and the six plugins of docs/writing-plugins.md,
// bundled from the installed tarball (with the OpenTelemetry SDK's in-memory exporter), against the fake over loopback.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { fixturesDir, repoRoot, run, workerdBin } from "./support/package.js";
import { parseReport } from "./support/session.js";

const setup = useConsumerWithFake("workerd-plugins", {
  "workerd/otel-worker.mjs": "worker.mjs",
  "workerd/plugins-worker.mjs": "plugins-worker.mjs",
});

/** The OpenTelemetry packages the workers import, from this repo's dev dependencies. */
function linkOpenTelemetry(): void {
  const target = join(setup.consumer.dir, "node_modules/@opentelemetry");
  if (existsSync(target)) return;
  mkdirSync(target, { recursive: true });
  for (const name of ["api", "sdk-trace-base", "core", "resources", "semantic-conventions"])
    symlinkSync(join(repoRoot, "node_modules/@opentelemetry", name), join(target, name));
}

/**
 * Bundles `entry` as wrangler bundles a worker (platform browser, conditions workerd, worker,
 * browser: the OpenTelemetry packages pick their platform code by the "browser" field map, their
 * node code imports node:os; cohere-batches' exports map lists workerd first), runs it in
 * `workerd test` against the fake, and resolves with stdout.
 */
async function runWorker(entry: string, bindings: Record<string, string> = {}): Promise<string> {
  const bundle = await bundleEntry(setup.consumer.dir, entry, {
    conditions: ["workerd", "worker", "browser"],
    platform: "browser",
    mainFields: ["browser", "module", "main"],
    format: "esm",
  });
  writeFileSync(join(setup.consumer.dir, "bundle.mjs"), bundle.code);
  let config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8").replace(
    `"__FAKE_URL__"`,
    JSON.stringify(setup.server.url),
  );
  for (const [name, value] of Object.entries(bindings))
    config = config.replace("bindings = [", `bindings = [(name = "${name}", text = ${JSON.stringify(value)}), `);
  writeFileSync(join(setup.consumer.dir, "config.capnp"), config);
  const result = await run(workerdBin, ["test", "config.capnp"], { cwd: setup.consumer.dir, timeoutMs: 60_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.code, output).toBe(0);
  expect(bundle.packageFiles.every((file) => file.startsWith("dist/default/") || file.startsWith("dist/otel/"))).toBe(
    true,
  );
  return result.stdout;
}

interface ReportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

describe("plugins in workerd", () => {
  it("makes a call span and attempt spans with the HTTP attributes, and sends traceparent", async () => {
    linkOpenTelemetry();
    setup.fake.addBatches(3);
    setup.fake.inject("list", { type: "status", status: 503, retryAfterMs: 1 });
    const stdout = await runWorker("worker.mjs");
    const { spans } = parseReport(stdout, "OTEL ") as unknown as { spans: ReportedSpan[] };
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

  it("runs the six plugins of docs/writing-plugins.md", async () => {
    linkOpenTelemetry();
    cpSync(join(repoRoot, "examples/plugins"), join(setup.consumer.dir, "plugins"), { recursive: true });
    setup.fake.reset({ batches: true });
    const [done] = setup.fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    setup.fake.inject("list", { type: "status", status: 503 }, { times: 2 });
    const stdout = await runWorker("plugins-worker.mjs", { DONE_ID: done!.id });
    expect(parseReport(stdout, "PLUGINS ")).toEqual({
      metrics: [
        { operation: "batches.retrieve", via: "direct", outcome: "ok", attempts: 1 },
        { operation: "batches.retrieve", via: "direct", outcome: "ok", attempts: 0 },
      ],
      ids: ["a", "b"],
      unknownPage: true,
      breakerErrors: ["ServiceUnavailableError", "ServiceUnavailableError", "CohereError"],
      spans: ["GET /v2/batches", "GET /v2/batches"],
    });
    // The cache answered the second retrieve; the signer signed the one that was sent.
    const retrieves = setup.fake.requests.filter((request) => request.url.includes(done!.id!));
    expect(retrieves).toHaveLength(1);
    expect(retrieves[0]!.headers["x-signature"]).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);
});
