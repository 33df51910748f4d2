// Deno consumers of the packed tarball: one fresh project installs it with npm (Deno uses the
// project's node_modules when there is a package.json), Deno runs the ESM consumer and the
// CommonJS one with the scripted session against `startFakeCohereServer` from the installed
// `cohere-batches/testing` on 127.0.0.1, and `deno check` type-checks a TypeScript consumer
// (fixtures/types/usage.ts, whose `@ts-expect-error` lines must each be needed) and refuses a
// wrong one. The export map has no `deno` key: Deno takes the `node` condition (and its types).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Consumer, createConsumer, denoBin, repoRoot, run, runOk } from "./support/package.js";
import { expectServerSession } from "./support/server-session.js";
import { useFaultControl } from "./support/fault-control.js";
import { expectFaults, parseFaults } from "./support/faults.js";

const faults = useFaultControl();

let consumer: Consumer;
beforeAll(async () => {
  consumer = await createConsumer({
    name: "deno",
    type: "module",
    files: {
      "node/main.mjs": "main.mjs",
      "node/main.cjs": "main.cjs",
      "node/no-env.mjs": "no-env.mjs",
      "session.mjs": "session.mjs",
      "faults.mjs": "faults.mjs",
      "node/faults.mjs": "faults-main.mjs",
      "types/usage.ts": "usage.ts",
      "types/wrong.ts": "wrong.ts",
    },
  });
}, 120_000);
afterAll(() => consumer?.remove());

/** Deno's caches stay in the repository's node_modules, kept between runs; no update check, no colours. */
const denoEnv = {
  ...process.env,
  DENO_DIR: join(repoRoot, "node_modules/.cache/cohere-batches-deno"),
  DENO_NO_UPDATE_CHECK: "1",
  NO_COLOR: "1",
};
const deno = (args: string[]) => run(denoBin, args, { cwd: consumer.dir, timeoutMs: 60_000, env: denoEnv });

describe("Deno, from the installed tarball", () => {
  it("imports the SDK (ESM) and runs the session against the fake HTTP server", async () => {
    const stdout = await runOk(denoBin, ["run", "-A", "main.mjs"], { cwd: consumer.dir, env: denoEnv });
    expectServerSession(stdout, { dir: consumer.dir, ext: "mjs", runtime: /^deno 2\.9\.6$/ });
  }, 60_000);

  it("requires the SDK (CommonJS) and runs the session", async () => {
    const stdout = await runOk(denoBin, ["run", "-A", "main.cjs"], { cwd: consumer.dir, env: denoEnv });
    const host = expectServerSession(stdout, { dir: consumer.dir, ext: "cjs", runtime: /^deno 2\.9\.6$/ });
    expect(host.crossBuild?.is).toBe(true);
  }, 60_000);

  it("type-checks a TypeScript consumer with `deno check`, and refuses a wrong call", async () => {
    const usage = await deno(["check", "usage.ts"]);
    expect(usage.code, usage.stderr).toBe(0);
    // The types it checked against: the `node` condition's.
    const info = JSON.parse(await runOk(denoBin, ["info", "--json", "usage.ts"], { cwd: consumer.dir, env: denoEnv }));
    const files = (info as { modules: { specifier: string }[] }).modules.map((module) =>
      module.specifier.replace(`file://${consumer.dir}/node_modules/cohere-batches/`, ""),
    );
    expect(files).toEqual(expect.arrayContaining(["dist/node/index.d.mts", "dist/testing/index.node.d.mts"]));
    const wrong = await deno(["check", "wrong.ts"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.match(/TS\d+ \[ERROR\]/g)).toEqual(["TS2345 [ERROR]"]);
    expect(wrong.stderr).toContain("missing the following properties from type 'CreateBatchRequest'");
  }, 120_000);

  it("constructs a client without --allow-env when the options say everything; without a token it is a CohereError", async () => {
    // CO_API_KEY set, as a user who exported it has it: Deno still may not read it.
    const stdout = await runOk(denoBin, ["run", "--no-prompt", "--allow-read", "no-env.mjs"], {
      cwd: consumer.dir,
      env: { ...denoEnv, CO_API_KEY: "test-token" },
    });
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      withOptions: "constructed",
      withoutToken: { cohere: true, namesVariable: true, namesPermission: true },
    });
  }, 60_000);

  it("ends every server-side fault as Node does (but for its fetch's own resend of a dropped GET), nothing unhandled", async () => {
    const stdout = await runOk(denoBin, ["run", "-A", "faults-main.mjs", faults.baseUrl, faults.controlUrl], {
      cwd: consumer.dir,
      env: denoEnv,
    });
    expectFaults(parseFaults(stdout), "deno");
  }, 90_000);
});
