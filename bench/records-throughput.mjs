// End-to-end results throughput (records/s): `client.datasets.records(id)` (retrieve, the
// download pipeline, the streamed body, the decoder with zlib, `toBatchResult` parsing each
// JSON `body`) against our decoder alone and avsc alone, and against avsc giving the same output
// (its records with `body` and `error` parsed from JSON, which records() does), on the same
// deflate file of chat-like records fed as the same 64 KiB chunks. The fastest of several runs
// each, alternated.
//
// `npm run build && node bench/records-throughput.mjs`
import { inflateRawSync } from "node:zlib";
import avro from "avsc";
import { AVSC_CODECS, avscCount, avscFile, chunksOf, loadOurDecoder } from "./avro-lib.mjs";
import { benchClient, streamOf } from "./records-lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export async function runRecordsThroughput(records = 100_000) {
  const { decodeAvroContainer } = await loadOurDecoder();
  const chunks = chunksOf(await avscFile(records, { codec: "deflate" }));
  const client = benchClient(() => streamOf(chunks));
  const ways = {
    "records()": async () => {
      let n = 0;
      for await (const _ of client.datasets.records("out-1")) n++;
      return n;
    },
    "our decoder alone": async () => {
      let n = 0;
      for await (const _ of decodeAvroContainer(streamOf(chunks), { part: "bench", inflateRaw: inflateRawSync })) n++;
      return n;
    },
    "avsc alone": () => avscCount(chunks),
    "avsc + JSON.parse": () => avscParsedCount(chunks),
  };
  const best = Object.fromEntries(Object.keys(ways).map((name) => [name, Infinity]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, way] of Object.entries(ways)) {
      const started = performance.now();
      const count = await way();
      if (count !== records) throw new Error(`${name} read ${count} of ${records} records`);
      best[name] = Math.min(best[name], performance.now() - started);
    }
  }
  return Object.entries(best).map(([way, ms]) => ({ way, records, recordsPerSecond: records / (ms / 1000) }));
}

/** avsc, with each record's JSON `body` and `error` parsed: the output records() gives. */
function avscParsedCount(chunks) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const decoder = new avro.streams.BlockDecoder({ codecs: AVSC_CODECS });
    decoder
      .on("data", (record) => {
        if (typeof record.body === "string") record.body = JSON.parse(record.body);
        if (typeof record.error === "string") record.error = JSON.parse(record.error);
        count++;
      })
      .on("end", () => resolve(count))
      .on("error", reject);
    for (const chunk of chunks) decoder.write(chunk);
    decoder.end();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runRecordsThroughput();
  const avsc = rows.find((r) => r.way === "avsc alone").recordsPerSecond;
  for (const r of rows)
    console.log(
      `${r.way.padEnd(18)} ${Math.round(r.recordsPerSecond).toLocaleString("en-US").padStart(10)} rec/s  ${(r.recordsPerSecond / avsc).toFixed(2)}x avsc`,
    );
}
