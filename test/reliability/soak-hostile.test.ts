import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// The small hostile-user soak: 700 calls (50 of each operation) against the built package,
// in a process of its own, so that "the process exits by itself" is checked too. The full one
// (20,000 calls) is `npm run bench:soak-hostile`.
it("hostile users and servers: every call settles typed, nothing unhandled or pending, no create twice, clean exit", async () => {
  const script = fileURLToPath(new URL("../../bench/soak-hostile.mjs", import.meta.url));
  const child = spawn(process.execPath, [script], { env: { ...process.env, SOAK_CALLS: "700", SOAK_SEED: "7" } });
  // The result is the last line of stdout. The reports of users' failing callbacks go to
  // stderr, a pipe of its own whose chunks may arrive after stdout's last line.
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.resume();
  const { code, lingeredMs } = await new Promise<{ code: number | null; lingeredMs: number }>((resolve) => {
    let printedAt = 0;
    child.stdout.on("data", () => {
      if (output.includes('"ok":')) printedAt ||= performance.now();
    });
    // The run has a watchdog per call; a process that outlives its last line by 5 s did not exit by itself.
    const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("exit", (exitCode) => {
      clearTimeout(killer);
      resolve({ code: exitCode, lingeredMs: printedAt === 0 ? -1 : performance.now() - printedAt });
    });
  });
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
  expect(result).toMatchObject({
    calls: 700,
    unhandled: 0,
    untyped: 0,
    pending: 0,
    duplicates: 0,
    falseSuccess: 0,
    leakedToken: 0,
  });
  expect(result.injected).toBeGreaterThan(50);
  expect(code).toBe(0);
  expect(lingeredMs).toBeGreaterThanOrEqual(0);
  expect(lingeredMs).toBeLessThan(5_000);
}, 120_000);
