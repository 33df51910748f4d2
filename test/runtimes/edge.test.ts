// Vercel's edge runtime: the session, bundled by esbuild from the installed tarball with the
// `edge-light` and `worker` conditions, evaluated in `new EdgeRuntime()` (no `process`, no
// `require`), against the fake served over real HTTP on 127.0.0.1.
import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { EXPECTED_SESSION, SESSION_REQUESTS } from "./support/session.js";

const setup = useConsumerWithFake("edge", { "session.mjs": "session.mjs", "edge/entry.mjs": "entry.mjs" });

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
});
