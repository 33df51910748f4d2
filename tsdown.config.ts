import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "tsdown";

// tsdown drops the entry's @packageDocumentation comment; api-extractor wants it in the d.ts.
const packageDocumentation = `/**
 * A small, strict TypeScript SDK for Cohere's \`v2/batches\` API that runs unchanged in Node,
 * browsers, Cloudflare Workers and edge runtimes.
 *
 * @packageDocumentation
 */`;

/**
 * One build per runtime. They differ in one module, `#platform`: only the node build reads
 * `process.env` and sends a User-Agent; the browser build always guards the API key; the
 * default build (workers, edge) uses feature detection only.
 */
function sdkBuild(name: "node" | "browser" | "default", platformModule: string): UserConfig {
  return {
    name,
    entry: { index: "src/index.ts" },
    outDir: `dist/${name}`,
    format: ["esm", "cjs"],
    platform: "neutral",
    target: "es2022",
    fixedExtension: true,
    dts: true,
    clean: true,
    sourcemap: false,
    alias: { "#platform": fileURLToPath(new URL(platformModule, import.meta.url)) },
    banner: ({ fileName }) => (fileName.startsWith("index.d.") ? { dts: packageDocumentation } : undefined),
  };
}

export default defineConfig([
  sdkBuild("node", "./src/platform/node.ts"),
  sdkBuild("browser", "./src/platform/browser.ts"),
  sdkBuild("default", "./src/platform/edge.ts"),
  {
    name: "testing",
    // The fake service: a universal build (fetch only) and a Node build with the HTTP server.
    entry: { index: "src/testing/index.ts", "index.node": "src/testing/index.node.ts" },
    outDir: "dist/testing",
    format: ["esm", "cjs"],
    platform: "neutral",
    target: "es2022",
    fixedExtension: true,
    dts: true,
    clean: true,
    sourcemap: false,
  },
]);
