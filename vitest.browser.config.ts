// The browser run (`npm run test:browser`): test/browser/*.test.ts in headless Chromium,
// through Playwright. scripts/find-chromium.mjs runs first and finds (or installs) a Chromium;
// this config launches the one it finds (CHROMIUM_PATH, Playwright's download, /usr/bin/chromium...).
//
// "cohere-batches" is resolved as the consumer project that installed the packed tarball
// (test/browser/global-setup.ts) would resolve it, with Vite's browser conditions: the test
// checks that this is dist/browser. The fake Cohere service runs in Node (global setup) on
// 127.0.0.1 and the page calls it over CORS.
import { join } from "node:path";
import { playwright } from "@vitest/browser-playwright";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { ensureChromium } from "./scripts/find-chromium.mjs";
import { browserConsumerDir } from "./test/runtimes/support/package.js";

/** A file of the consumer project (global-setup.ts writes it): imports "from" it resolve through its node_modules. */
const consumerImporter = join(browserConsumerDir, "index.mjs");

function resolveFromConsumer(): Plugin {
  const virtualId = "virtual:cohere-batches-resolution";
  return {
    name: "cohere-batches-from-consumer",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (source === virtualId) return `\0${virtualId}`;
      if (source !== "cohere-batches" || importer === consumerImporter) return null;
      return this.resolve(source, consumerImporter, { ...options, skipSelf: true });
    },
    // What "cohere-batches" resolved to, for the test to check.
    async load(id) {
      if (id !== `\0${virtualId}`) return null;
      const resolved = await this.resolve("cohere-batches", consumerImporter, { skipSelf: true });
      return `export default ${JSON.stringify(resolved?.id ?? null)};`;
    },
  };
}

export default defineConfig({
  plugins: [resolveFromConsumer()],
  server: { host: "127.0.0.1" },
  // Serve the modules as they are (no pre-bundling of the SDK or its dependencies), so the page
  // loads the package's own files and nothing is re-optimised mid-run.
  optimizeDeps: { noDiscovery: true },
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    // .ci/run adds this report's counts to the main run's.
    reporters: ["default", ["json", { outputFile: ".vitest-report.browser.json" }]],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      api: { host: "127.0.0.1" },
      provider: playwright({
        launchOptions: {
          // Found only: `npm run test:browser` has installed one already if it had to.
          executablePath: ensureChromium({ install: () => false }).path,
          // No sandbox as root; and no background traffic to a network this machine cannot reach.
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      }),
      instances: [{ browser: "chromium" }],
    },
  },
});
