import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "tsdown";
import { BUNDLED_IN_NODE_BUILD } from "./scripts/write-notices.mjs";

// tsdown drops the entry's @packageDocumentation comment; api-extractor wants it in the d.ts.
const packageDocumentation = `/**
 * A small, strict TypeScript SDK for Cohere's \`v2/batches\` API that runs unchanged in Node,
 * browsers, Cloudflare Workers and edge runtimes.
 *
 * @packageDocumentation
 */`;
const testingPackageDocumentation = `/**
 * \`cohere-batches/testing\`: a fake of Cohere's batches and datasets service, for tests and demos.
 *
 * @packageDocumentation
 */`;
const otelPackageDocumentation = `/**
 * \`cohere-batches/otel\`: the official OpenTelemetry plugin.
 *
 * @packageDocumentation
 */`;

/**
 * One build per runtime. They differ in one module, `#platform`: only the node build reads
 * `process.env` and sends a User-Agent; the browser build always guards the API key; the
 * default build (workers, edge) uses feature detection only.
 */
function sdkBuild(name: "node" | "browser" | "default", platformModule: string, extra: UserConfig = {}): UserConfig {
  return {
    ...extra,
    name,
    entry: { index: "src/index.ts" },
    outDir: `dist/${name}`,
    format: ["esm", "cjs"],
    platform: "neutral",
    target: "es2022",
    fixedExtension: true,
    // `@internal` members (the resources' constructors, the call core) stay out of the public
    // types, and with them valibot's and openapi-fetch's types.
    dts: { compilerOptions: { stripInternal: true } },
    clean: true,
    sourcemap: false,
    alias: { "#platform": fileURLToPath(new URL(platformModule, import.meta.url)) },
    // The entry exports its public names and nothing else (`import * as sdk`, `require()`, an
    // editor's completion of the built JS): "strict" keeps rolldown from adding the code the lazy
    // chunks share with it to the entry as extra, mangled exports. The one group gathers every
    // module the entry loads statically (`$initial`) into one internal chunk, which the entry
    // re-exports and the lazy chunks import from: the entry and one chunk load with the page, the
    // lazy chunks still load on first use, and an app's bundler sees the same code as before
    // (without the group, "strict" alone split the shared code into a dozen small chunks and the
    // typical browser use grew by 1.4 kB min+gzip). The group leaves the type declarations alone
    // (`.d.ts` modules): a build's only d.ts files stay its entry's.
    inputOptions: { preserveEntrySignatures: "strict" },
    outputOptions: {
      // The TSDoc is in the d.ts files; in the JavaScript it was 47% of the node build's eager
      // chunk (225 kB of source to 123 kB), text every cold import reads and decodes. Legal
      // comments and `@__PURE__` annotations (for apps' bundlers) stay.
      comments: { legal: true, annotation: true, jsdoc: false },
      codeSplitting: { groups: [{ name: "sdk", tags: ["$initial"], test: (id: string) => !/\.d\.[cm]?ts$/.test(id) }] },
    },
    // The object form: tsdown 0.21.10 calls a function banner once per format and reuses its
    // answer for every chunk, so `({ fileName }) => ...` saw `index.mjs` first and no d.ts got the
    // comment. `dts` puts it on every d.ts file, and a build's only d.ts files are its entry's.
    banner: { dts: packageDocumentation },
  };
}

/** The options of the builds that are one for every runtime (the OpenTelemetry plugin, the fake). */
const universalBuild = {
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  fixedExtension: true,
  dts: true,
  clean: true,
  sourcemap: false,
  // As in the SDK's builds: the TSDoc stays in the d.ts files.
  outputOptions: { comments: { legal: true, annotation: true, jsdoc: false } },
} satisfies UserConfig;

export default defineConfig([
  // Node does not tree-shake at run time: importing valibot parses all 206 kB of it (about 19 ms
  // of a cold start), and openapi-fetch is one more package to resolve and parse. The node build
  // carries the few functions it uses of each (about 10 kB) instead. Bundlers tree-shake the
  // browser and default builds themselves, so there both stay dependencies an app can share.
  // Their licenses go with it in THIRD_PARTY_NOTICES.md.
  sdkBuild("node", "./src/platform/node.ts", {
    deps: { alwaysBundle: [...BUNDLED_IN_NODE_BUILD], onlyBundle: [...BUNDLED_IN_NODE_BUILD] },
  }),
  sdkBuild("browser", "./src/platform/browser.ts"),
  sdkBuild("default", "./src/platform/edge.ts"),
  {
    name: "otel",
    // The OpenTelemetry plugin: one build for every runtime (it uses only @opentelemetry/api,
    // an optional peer dependency, and the request the SDK hands it).
    entry: { index: "src/otel/index.ts" },
    outDir: "dist/otel",
    ...universalBuild,
    // Its types import the main entry's ("cohere-batches"), which stay an import of the package.
    deps: { neverBundle: ["@opentelemetry/api", "cohere-batches"] },
    banner: { dts: otelPackageDocumentation },
  },
  {
    name: "testing",
    // The fake service: a universal build (fetch only) and a Node build with the HTTP server.
    entry: { index: "src/testing/index.ts", "index.node": "src/testing/index.node.ts" },
    outDir: "dist/testing",
    ...universalBuild,
    // On every d.ts of the build, the chunk's too: harmless there, and api-extractor reads the entries'.
    banner: { dts: testingPackageDocumentation },
  },
]);
