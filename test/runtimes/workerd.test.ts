// Cloudflare's workerd: a worker bundled by esbuild from the installed tarball with the
// `workerd` and `worker` conditions runs the scripted session in `workerd test`, against the
// fake served over real HTTP on 127.0.0.1 (the worker's outbound network allows loopback).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCohere, type FakeCohereServer, startFakeCohereServer } from "../../src/testing/index.node.js";
import { bundleEntry } from "./support/bundle.js";
import { type Consumer, createConsumer, fixturesDir, run, workerdBin } from "./support/package.js";
import { EXPECTED_SESSION, SESSION_REQUESTS, parseReport } from "./support/session.js";

let consumer: Consumer;
let server: FakeCohereServer;
const fake = new FakeCohere();

beforeAll(async () => {
  [consumer, server] = await Promise.all([
    createConsumer({ name: "workerd", type: "module", files: { "session.mjs": "session.mjs", "workerd/worker.mjs": "worker.mjs" } }),
    startFakeCohereServer(fake),
  ]);
}, 120_000);
afterAll(async () => {
  await server?.close();
  consumer?.remove();
});

describe("Cloudflare workerd", () => {
  it("runs the session with the default build, over loopback HTTP", async () => {
    const bundle = await bundleEntry(consumer.dir, "worker.mjs", { conditions: ["workerd", "worker"], format: "esm" });
    // The default build, and nothing of the node or browser builds or of the fake.
    expect(bundle.packageFiles).toEqual(["dist/default/index.mjs"]);
    expect(bundle.code).not.toMatch(/\bprocess\.env\b/);
    writeFileSync(join(consumer.dir, "bundle.mjs"), bundle.code);
    const config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8").replace(`"__FAKE_URL__"`, JSON.stringify(server.url));
    writeFileSync(join(consumer.dir, "config.capnp"), config);

    const result = await run(workerdBin, ["test", "config.capnp"], { cwd: consumer.dir, timeoutMs: 60_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(output).toMatch(/\[ PASS \] main/);
    const { runtime, ...session } = parseReport(result.stdout, "SESSION ");
    expect(session).toEqual(EXPECTED_SESSION);
    expect(runtime).toEqual({ process: "undefined", require: "undefined", userAgent: "Cloudflare-Workers", constructs: true });

    // Every request reached the fake over HTTP, and the default build sent no User-Agent.
    expect(fake.count()).toBe(SESSION_REQUESTS);
    expect(fake.requests.map((r) => r.headers["user-agent"])).toEqual(Array(SESSION_REQUESTS).fill(undefined));
  }, 60_000);
});
