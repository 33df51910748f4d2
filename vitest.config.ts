import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run in Node: the SDK's `#platform` is the Node build's (see tsdown.config.ts).
    // `cohere-batches` by name (the OpenTelemetry entry imports the main one so) is the source too.
    alias: [
      { find: "#platform", replacement: fileURLToPath(new URL("./src/platform/node.ts", import.meta.url)) },
      { find: /^cohere-batches$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    // `.ci/run` prints its pass/fail line from the JSON report.
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
    // Two files at a time on the 2-core machines (vitest's default there is one): most files
    // wait on timers and loopback servers, not the CPU; 419 s became about 250 s.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
