// Bun consumers of the packed tarball: one fresh project installs it with npm, and Bun runs the
// ESM consumer (`import`) and the CommonJS one (`require`) with the scripted session against
// `startFakeCohereServer` from the installed `cohere-batches/testing` on 127.0.0.1. The export
// map has no `bun` key: Bun takes the `node` condition, so it loads the Node build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bunBin, type Consumer, createConsumer, runOk } from "./support/package.js";
import { expectServerSession } from "./support/server-session.js";
import { useFaultControl } from "./support/fault-control.js";
import { expectFaults, parseFaults } from "./support/faults.js";

const faults = useFaultControl();

let consumer: Consumer;
beforeAll(async () => {
  consumer = await createConsumer({
    name: "bun",
    type: "module",
    files: {
      "node/main.mjs": "main.mjs",
      "node/main.cjs": "main.cjs",
      "session.mjs": "session.mjs",
      "faults.mjs": "faults.mjs",
      "node/faults.mjs": "faults-main.mjs",
    },
  });
}, 120_000);
afterAll(() => consumer?.remove());

/** Runs a file of the consumer with Bun, without telemetry or an update check. */
const bun = (file: string, args: string[] = []) =>
  runOk(bunBin, [file, ...args], {
    cwd: consumer.dir,
    timeoutMs: 30_000,
    env: { ...process.env, DO_NOT_TRACK: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
  });

describe("Bun, from the installed tarball", () => {
  it("imports the SDK (ESM) and runs the session against the fake HTTP server", async () => {
    expectServerSession(await bun("main.mjs"), { dir: consumer.dir, ext: "mjs", runtime: /^bun 1\.4\.4$/ });
  }, 60_000);

  it("requires the SDK (CommonJS) and runs the session; NotFoundError.is recognises the ESM build's error", async () => {
    const host = expectServerSession(await bun("main.cjs"), {
      dir: consumer.dir,
      ext: "cjs",
      runtime: /^bun 1\.4\.4$/,
    });
    expect(host.crossBuild).toEqual({ sameClass: false, instanceOf: false, is: true });
  }, 60_000);

  it("ends every server-side fault as Node does (but for its fetch's own resend of a dropped GET), nothing unhandled", async () => {
    expectFaults(parseFaults(await bun("faults-main.mjs", [faults.baseUrl, faults.controlUrl])), "bun");
  }, 90_000);
});
