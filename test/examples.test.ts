import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("..", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const docs = readdirSync(new URL("docs/", root))
  .filter((name) => name.endsWith(".md"))
  .map((name) => readFileSync(new URL(`docs/${name}`, root), "utf8"));

describe("the README's promises", () => {
  it("the demo runs against the fake over HTTP and exits 0 (built package, as `npm run demo` runs it)", async () => {
    const started = performance.now();
    const { stdout } = await run(process.execPath, ["examples/demo.mjs"], { cwd: root, timeout: 30_000 });
    expect(performance.now() - started).toBeLessThan(15_000);
    for (const line of [
      /wrote 200 requests to .*requests\.jsonl/,
      /^ {3}uploading/m,
      /^ {3}validating/m,
      /^ {3}done 200\/200 records/m,
      /doc-\d+ +"document \d+: \w+ and more" -> \[-?\d\.\d{3}, /,
      /195 results, 5 failed \(doc-\d+: request doc-\d+ was refused by the model\)/,
      /BATCH_STATUS_COMPLETED/,
      /BATCH_STATUS_FAILED/,
      /BATCH_STATUS_CANCELED/,
      /\d+ batches in \d+ pages/,
      /status 200, content-type application\/json, request id \w+/,
      /attempt 2: recovered/,
      /NotFoundError: status 404/,
      /^Done\.$/m,
    ]) {
      expect(stdout).toMatch(line);
    }
  });

  it("installs from the tarball `npm pack` writes for this version, since the package is not published", () => {
    const { name, version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
    expect(readme).toContain(`npm install ../cohere-batches/${name}-${version}.tgz`);
    expect(readme).not.toMatch(/npm install cohere-batches\b/);
  });

  it("gives the two commands a newcomer runs", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm test");
  });

  it.each([
    "examples/testing-with-the-fake.test.ts",
    "examples/writing-a-plugin.test.ts",
    "examples/feeding-a-batch.test.ts",
  ])("shows %s exactly as it is tested, in the README or docs/", (file) => {
    const example = readFileSync(new URL(file, root), "utf8").trim();
    expect([readme, ...docs].some((text) => text.includes(example))).toBe(true);
  });

  it("links every page of docs/ from the README, and each link resolves", () => {
    for (const name of readdirSync(new URL("docs/", root)).filter((file) => file.endsWith(".md"))) {
      expect(readme).toContain(`(docs/${name})`);
    }
    for (const [, target] of readme.matchAll(/\]\(((?:docs\/)?[\w.-]+\.md)(?:#[\w-]*)?\)/g)) {
      expect(() => readFileSync(new URL(target!, root))).not.toThrow();
    }
  });
});
