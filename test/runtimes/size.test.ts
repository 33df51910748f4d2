// The size budget: a typical browser use of the packed tarball (a client that lists batches),
// bundled by esbuild for the browser and gzipped, must stay within BUDGET_GZIP_BYTES (a
// regression guard, datasets included, set and explained in measure-size.mjs; the 6 kB that issue 5 asked for is not met).
// `node scripts/measure-size.mjs` prints the same figure next to cohere-ai's and openapi-fetch's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUDGET_GZIP_BYTES, DEPENDENCY_FLOOR, USES, measure } from "../../scripts/measure-size.mjs";
import { type Consumer, createConsumer, repoRoot } from "./support/package.js";

let consumer: Consumer;
beforeAll(async () => {
  consumer = await createConsumer({ name: "size", type: "module" });
}, 120_000);
afterAll(() => consumer?.remove());

describe("bundle size", () => {
  it(`a typical browser use is at most ${BUDGET_GZIP_BYTES} bytes minified and gzipped`, async () => {
    const size = await measure(USES["cohere-batches"], consumer.dir);
    // The browser build (its entry and the chunks the entry imports), and none of the others (nor the fake).
    const packageFiles = Object.keys(size.inputs).filter((input) => input.includes("node_modules/cohere-batches/"));
    // The entry only re-exports (no bytes of its own in the output): the code is the internal
    // chunk the entry re-exports and the lazy chunks import.
    expect(
      packageFiles.some((file) => /^node_modules\/cohere-batches\/dist\/browser\/sdk-[\w-]+\.mjs$/.test(file)),
    ).toBe(true);
    for (const file of packageFiles) expect(file).toMatch(/^node_modules\/cohere-batches\/dist\/browser\/[\w-]+\.mjs$/);
    // The Avro decoder is never in it: reading results loads it.
    expect(packageFiles.some((file) => /avro/.test(file))).toBe(false);
    // The datasets operations and the upload code are chunks of their own, loaded on first use.
    expect(size.lazyGzipBytes).toBeGreaterThan(1000);
    const breakdown = Object.entries(size.inputs)
      .map(([input, bytes]) => `${bytes} B min  ${input}`)
      .join("\n");
    expect(
      size.gzipBytes,
      `${size.gzipBytes} B min+gzip (${size.minBytes} B min), by input:\n${breakdown}`,
    ).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  }, 60_000);

  it("the dependency floor the README quotes names exactly the valibot and openapi-fetch functions src/ calls", () => {
    const sources = readdirSync(join(repoRoot, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.startsWith("testing") && !file.startsWith("generated"))
      .map((file) => readFileSync(join(repoRoot, "src", file), "utf8"));
    const valibotCalls = new Set(
      sources.flatMap((source) => [...source.matchAll(/\bv\.([a-z]\w*)(?:<[^(]*>)?\(/g)].map((match) => match[1]!)),
    );
    const openapiFetchValues = new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/import \{([^}]*)\} from "openapi-fetch"/g)].flatMap((match) =>
          match[1]!
            .split(",")
            .map((name) => name.trim())
            .filter((name) => name !== "" && !name.startsWith("type ")),
        ),
      ),
    );
    const floorValibot = new Set([...DEPENDENCY_FLOOR.matchAll(/\bv\.(\w+)/g)].map((match) => match[1]!));
    const floorOpenapiFetch = new Set(
      /import \{([^}]*)\} from "openapi-fetch"/
        .exec(DEPENDENCY_FLOOR)![1]!
        .split(",")
        .map((name) => name.trim()),
    );
    expect([...floorValibot].sort()).toEqual([...valibotCalls].sort());
    expect([...floorOpenapiFetch].sort()).toEqual([...openapiFetchValues].sort());
  });
});
