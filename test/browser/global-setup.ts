// Global setup of the browser run (vitest.browser.config.ts), in Node: installs the packed
// tarball into the consumer project the page resolves "cohere-batches" from, serves a fresh
// fake Cohere service (the tarball's own `cohere-batches/testing`) on 127.0.0.1 with CORS,
// and hands its URL to the page. Teardown closes the server and removes the project.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { TestProject } from "vitest/node";
import { startFaultControl } from "../runtimes/support/fault-control.js";
import { browserConsumerDir, createConsumer } from "../runtimes/support/package.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The fake Cohere service's base URL, e.g. http://127.0.0.1:40123. */
    fakeCohereUrl: string;
    /** A second fake, on a sped-up real clock, for batches.run and its results. */
    fakeResultsUrl: string;
    /** The fake of the fault scenarios (test/runtimes/fixtures/faults.mjs), and its control service. */
    faultsBaseUrl: string;
    faultsControlUrl: string;
  }
}

type Testing = typeof import("../../src/testing/index.node.js");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // index.mjs is the file the page's "cohere-batches" is resolved from (it must exist for Vite
  // to resolve from its folder): the consumer's own `export * from "cohere-batches"`.
  const consumer = await createConsumer({
    name: "browser",
    type: "module",
    dir: browserConsumerDir,
    files: { "sdk.mjs": "index.mjs" },
  });
  try {
    const testingEntry = join(consumer.dir, "node_modules/cohere-batches/dist/testing/index.node.mjs");
    const { FakeCohere, RealClock, startFakeCohereServer } = (await import(
      pathToFileURL(testingEntry).href
    )) as Testing;
    // Dataset validation completes at once: the page cannot move the fake's clock.
    const fake = new FakeCohere({ datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } });
    const server = await startFakeCohereServer(fake);
    project.provide("fakeCohereUrl", server.url);
    // The page cannot move a manual clock: batches.run needs one that moves by itself.
    const resultsFake = new FakeCohere({
      clock: new RealClock({ speed: 20 }),
      datasetLifecycle: { queuedForMs: 0, processingForMs: 0 },
      lifecycle: { queuedForMs: 200, recordsPerSecond: 600, failEveryNthRecord: 10 },
    });
    // The fourth download (after the run's three parts) is cut short mid-block.
    resultsFake.inject("datasets.download", { type: "truncate" }, { skip: 3 });
    const resultsServer = await startFakeCohereServer(resultsFake);
    project.provide("fakeResultsUrl", resultsServer.url);
    // The server-side faults, as the runtime tests play them (a fake of their own, on a manual clock).
    const faults = await startFaultControl();
    project.provide("faultsBaseUrl", faults.baseUrl);
    project.provide("faultsControlUrl", faults.controlUrl);
    return async () => {
      await faults.close();
      await resultsServer.close();
      await server.close();
      consumer.remove();
    };
  } catch (error) {
    consumer.remove();
    throw error;
  }
}
