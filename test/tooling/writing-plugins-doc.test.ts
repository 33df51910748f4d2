import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const page = readFileSync(new URL("docs/writing-plugins.md", root), "utf8");
const pluginDir = new URL("examples/plugins/", root);
const plugins = readdirSync(pluginDir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));

describe("docs/writing-plugins.md shows exactly the tested plugins", () => {
  it("has the six plugins", () => {
    expect(plugins.sort()).toEqual([
      "circuit-breaker.ts",
      "hmac-signer.ts",
      "list-mock.ts",
      "metrics.ts",
      "opentelemetry.ts",
      "terminal-batch-cache.ts",
    ]);
  });

  it.each(plugins)("shows examples/plugins/%s as it is tested", (file) => {
    const code = readFileSync(new URL(file, pluginDir), "utf8").trim();
    expect(page).toContain(`\`\`\`ts\n${code}\n\`\`\``);
  });

  it("compares with each anchor", () => {
    for (const anchor of ["ky", "openapi-fetch", "Azure core-rest-pipeline", "Smithy / AWS SDK v3", "Stainless"])
      expect(page).toContain(anchor);
  });
});
