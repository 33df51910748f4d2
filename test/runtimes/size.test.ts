// The size budget: a typical browser use of the packed tarball (a client that lists batches),
// bundled by esbuild for the browser and gzipped, must stay within BUDGET_GZIP_BYTES (a
// regression guard at 8.75 kB; the 6 kB that issue 5 asked for is not met, see measure-size.mjs).
// `node scripts/measure-size.mjs` prints the same figure next to cohere-ai's and openapi-fetch's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUDGET_GZIP_BYTES, USES, measure } from "../../scripts/measure-size.mjs";
import { type Consumer, createConsumer } from "./support/package.js";

let consumer: Consumer;
beforeAll(async () => {
  consumer = await createConsumer({ name: "size", type: "module" });
}, 120_000);
afterAll(() => consumer?.remove());

describe("bundle size", () => {
  it(`a typical browser use is at most ${BUDGET_GZIP_BYTES} bytes minified and gzipped`, async () => {
    const size = await measure(USES["cohere-batches"], consumer.dir);
    // The browser build, and none of the others (nor the fake).
    const packageFiles = Object.keys(size.inputs).filter((input) => input.includes("node_modules/cohere-batches/"));
    expect(packageFiles).toEqual(["node_modules/cohere-batches/dist/browser/index.mjs"]);
    const breakdown = Object.entries(size.inputs)
      .map(([input, bytes]) => `${bytes} B min  ${input}`)
      .join("\n");
    expect(size.gzipBytes, `${size.gzipBytes} B min+gzip (${size.minBytes} B min), by input:\n${breakdown}`).toBeLessThanOrEqual(
      BUDGET_GZIP_BYTES,
    );
  }, 60_000);
});
