// The waits, `batches.run`, cancel, create (keyed or not), datasets.delete and calls through
// users' plugins under server faults, the caller's abort and deadlines
// (fixtures/workflow-faults.mjs), in Node, Bun, Deno, workerd and edge-runtime side by side, from
// the installed tarball, against fakes the test serves on 127.0.0.1 (a lane of the fault control
// for each operation). workerd is the strict one: it reports a rejected promise that gets its
// handler even a microtask late, which the others let pass.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import { bundleEntry } from "./support/bundle.js";
import { useConsumerWithFake } from "./support/consumer-with-fake.js";
import { useFaultControl } from "./support/fault-control.js";
import { expectWorkflowFaults, type FaultRuntime } from "./support/faults.js";
import { bunBin, denoBin, fixturesDir, repoRoot, run, runOk, workerdBin } from "./support/package.js";
import { parseReport } from "./support/session.js";

const setup = useConsumerWithFake("workflow-faults", {
  "workflow-faults.mjs": "workflow-faults.mjs",
  "faults.mjs": "faults.mjs",
  "workflow-faults/main.mjs": "workflow-faults-main.mjs",
  "workflow-faults/worker.mjs": "workflow-faults-worker.mjs",
  "workflow-faults/edge.mjs": "workflow-faults-edge.mjs",
});

// One fault control per runtime: each runtime's lanes are fakes of their own.
const controls = {
  node: useFaultControl(),
  bun: useFaultControl(),
  deno: useFaultControl(),
  workerd: useFaultControl(),
  edge: useFaultControl(),
};

/** Lanes to run (`WORKFLOW_FAULT_LANES=runWait,plugins`), all by default: for probing one by hand. */
const lanes = process.env.WORKFLOW_FAULT_LANES;

const MARKER = "WORKFLOW_FAULTS ";

async function inWorkerd(controlUrl: string): Promise<Record<string, unknown>> {
  const dir = join(setup.consumer.dir, "workerd");
  const bundle = await bundleEntry(setup.consumer.dir, "workflow-faults-worker.mjs", {
    conditions: ["workerd", "worker"],
    format: "esm",
  });
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "bundle.mjs"), bundle.code);
  let config = readFileSync(join(fixturesDir, "workerd/config.capnp"), "utf8")
    .replace(`"__FAKE_URL__"`, JSON.stringify(""))
    .replace(`"__CONTROL_URL__"`, JSON.stringify(controlUrl));
  if (lanes) config = config.replace("bindings = [", `bindings = [(name = "LANES", text = ${JSON.stringify(lanes)}), `);
  writeFileSync(join(dir, "config.capnp"), config);
  const result = await run(workerdBin, ["test", "config.capnp"], { cwd: dir, timeoutMs: 60_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.code, output).toBe(0);
  return parseReport(output, MARKER);
}

async function inEdge(controlUrl: string): Promise<Record<string, unknown>> {
  const bundle = await bundleEntry(setup.consumer.dir, "workflow-faults-edge.mjs", {
    conditions: ["edge-light", "worker"],
    format: "iife",
  });
  const runtime = new EdgeRuntime({ initialCode: bundle.code });
  const json = await runtime.evaluate(
    `runEdgeWorkflowFaults(${JSON.stringify(controlUrl)}, ${JSON.stringify(lanes?.split(","))})`,
  );
  return JSON.parse(json as string);
}

const denoEnv = {
  ...process.env,
  DENO_DIR: join(repoRoot, "node_modules/.cache/cohere-batches-deno"),
  DENO_NO_UPDATE_CHECK: "1",
  NO_COLOR: "1",
};

/** The runtimes this file runs the fixture in (the browser run has its own, test/browser/faults.test.ts). */
type ServerRuntime = Exclude<FaultRuntime, "browser">;

/** Runs the fixture in `runtime`; resolves with its report. */
async function inRuntime(runtime: ServerRuntime, controlUrl: string): Promise<Record<string, unknown>> {
  const args = ["workflow-faults-main.mjs", controlUrl, ...(lanes ? [lanes] : [])];
  const options = { cwd: setup.consumer.dir, timeoutMs: 60_000 };
  switch (runtime) {
    case "workerd":
      return inWorkerd(controlUrl);
    case "edge":
      return inEdge(controlUrl);
    case "node":
      return parseReport(await runOk(process.execPath, args, options), MARKER);
    case "bun":
      return parseReport(
        await runOk(bunBin, args, {
          ...options,
          env: { ...process.env, DO_NOT_TRACK: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" },
        }),
        MARKER,
      );
    case "deno":
      return parseReport(await runOk(denoBin, ["run", "-A", ...args], { ...options, env: denoEnv }), MARKER);
  }
}

describe.concurrent("the workflows under faults, aborts and deadlines, in every server-side runtime", () => {
  for (const runtime of Object.keys(controls) as ServerRuntime[])
    it(`${runtime}: each call ends as Node's does, typed, within its bound, nothing unhandled`, async () => {
      const report = await inRuntime(runtime, controls[runtime].controlUrl);
      const print = process.env.WORKFLOW_FAULTS_PRINT;
      if (print) writeFileSync(`${print}-${runtime}.json`, JSON.stringify(report, null, 1));
      expectWorkflowFaults(report, runtime, lanes?.split(","));
    }, 90_000);
});
