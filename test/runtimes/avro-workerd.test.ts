// The Avro decoder in Cloudflare workerd (where avsc cannot run: it compiles its readers with
// `new Function`, which workerd refuses): a worker bundled by esbuild from the decoder's
// source, with the committed fixtures embedded, decodes a deflate file with workerd's own
// DecompressionStream and a snappy file, from Response body streams, and reports what it read.
import { describe, expect, it } from "vitest";
import { fixtureRecords } from "../fixtures/avro/records.mjs";
import { useSourceWorkers } from "./support/source-worker.js";

const WORKER = `import { decodeAvroContainer } from "./src/internal/decoders/avro.ts";
import { toBatchResult } from "./src/internal/decoders/batch-result.ts";
import deflate from "./test/fixtures/avro/output-deflate.avro";
import snappy from "./test/fixtures/avro/output-snappy.avro";

async function decode(bytes, part) {
  const records = [];
  for await (const record of decodeAvroContainer(new Response(bytes).body, { part })) records.push(record);
  return records;
}

export default {
  async test() {
    const report = { deflate: await decode(deflate, "deflate"), snappy: await decode(snappy, "snappy") };
    report.firstBody = toBatchResult({ ...report.deflate[0] }, "deflate").body; // (it updates in place)
    report.truncated = await decode(deflate.subarray(0, deflate.length - 50), "part 2 of ds-w").then(
      () => "no error",
      (error) => error.name + ": " + error.issues[0],
    );
    report.runtime = { process: typeof globalThis.process, userAgent: navigator.userAgent };
    console.log("AVRO " + JSON.stringify(report));
  },
};`;

const runWorker = useSourceWorkers("avro-workerd-", { ".avro": "binary" });

describe("the Avro decoder in Cloudflare workerd", () => {
  it("decodes a deflate and a snappy file from Response body streams", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the worker's JSON report
    const report: any = await runWorker(WORKER, "AVRO");
    expect(report.runtime).toEqual({ process: "undefined", userAgent: "Cloudflare-Workers" });
    expect(report.deflate).toEqual(fixtureRecords());
    expect(report.snappy).toEqual(fixtureRecords());
    expect(report.firstBody).toEqual(JSON.parse(fixtureRecords()[0]?.body as string));
    expect(report.truncated).toMatch(/^CohereParseError: part 2 of ds-w: block \d+: file ends inside a block$/);
  }, 60_000);
});
