// Node consumers of the packed tarball: a fresh ESM project (`import`) and a fresh CommonJS
// project (`require`), each installing the tarball with npm and running the scripted session
// against `startFakeCohereServer` from `cohere-batches/testing` on 127.0.0.1. Each entry is a
// plain main.js, so the project's "type" decides how Node loads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumer, runOk } from "./support/package.js";
import { expectServerSession } from "./support/server-session.js";
import { useFaultControl } from "./support/fault-control.js";
import { expectFaults, parseFaults } from "./support/faults.js";

const kinds = [
  { label: "ESM", type: "module", fixture: "node/main.mjs", ext: "mjs" },
  { label: "CommonJS", type: "commonjs", fixture: "node/main.cjs", ext: "cjs" },
] as const;

// The fake the fault scenarios meet (the server-side runtimes' baseline), with its control service.
const faults = useFaultControl();

for (const { label, type, fixture, ext } of kinds)
  describe(`a fresh ${label} project that installed the tarball`, () => {
    let consumer: Consumer;
    beforeAll(async () => {
      consumer = await createConsumer({
        name: `node-${ext}`,
        type,
        files: {
          [fixture]: "main.js",
          "session.mjs": "session.mjs",
          ...(type === "module" ? { "faults.mjs": "faults.mjs", "node/faults.mjs": "faults-main.mjs" } : {}),
        },
      });
    }, 120_000);
    afterAll(() => consumer?.remove());

    it("runs the session against the fake HTTP server: every operation, a typed error, listAll", async () => {
      const stdout = await runOk(process.execPath, ["main.js"], { cwd: consumer.dir, timeoutMs: 30_000 });
      const host = expectServerSession(stdout, { dir: consumer.dir, ext, runtime: /^node \d+\./ });
      if (type === "commonjs") expect(host.crossBuild).toEqual({ sameClass: false, instanceOf: false, is: true });
    }, 60_000);

    if (type === "module")
      it("ends every server-side fault as the baseline says: typed, within its timeouts, retried as it may be, nothing unhandled", async () => {
        const stdout = await runOk(process.execPath, ["faults-main.mjs", faults.baseUrl, faults.controlUrl], {
          cwd: consumer.dir,
          timeoutMs: 60_000,
        });
        expectFaults(parseFaults(stdout), "node");
      }, 90_000);
  });
