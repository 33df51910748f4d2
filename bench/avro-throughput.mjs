// Decoding throughput (records/s): our decoder against avsc alone, on the same file, fed as the
// same 64 KiB chunks. avsc is driven as its users drive it (a Node stream, a `data` event per
// record); ours as the SDK will (`for await` over the iterator). Deflate files are decoded by
// ours twice: with zlib's inflateRawSync (what the Node build passes) and with the universal
// DecompressionStream default. The fastest of several runs each (the machine is shared: the
// minimum is the run least disturbed), alternated so drifting load hits both alike.
import { inflateRawSync } from "node:zlib";
import { avscCount, avscFile, chunksOf, loadOurDecoder } from "./avro-lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function ourCount(decode, chunks, inflateRaw) {
  let count = 0;
  for await (const _ of decode(
    (async function* () {
      yield* chunks;
    })(),
    inflateRaw ? { part: "bench", inflateRaw } : { part: "bench" },
  ))
    count++;
  return count;
}

async function timeIt(fn) {
  const start = performance.now();
  const count = await fn();
  return { ms: performance.now() - start, count };
}

export async function runAvroThroughput({ records = 100_000, cases } = {}) {
  const { decodeAvroContainer } = await loadOurDecoder();
  const rows = [];
  for (const { codec, dims } of cases ?? [
    { codec: "null", dims: 0 },
    { codec: "deflate", dims: 0 },
    { codec: "snappy", dims: 0 },
    { codec: "deflate", dims: 256 },
  ]) {
    const n = dims > 0 ? records / 10 : records;
    const chunks = chunksOf(await avscFile(n, { codec, dims }));
    const ours = [];
    const universal = [];
    const theirs = [];
    for (let run = 0; run < RUNS; run++) {
      const a = await timeIt(() => ourCount(decodeAvroContainer, chunks, inflateRawSync));
      const b = await timeIt(() => avscCount(chunks));
      const c = codec === "deflate" ? await timeIt(() => ourCount(decodeAvroContainer, chunks)) : a;
      if (a.count !== n || b.count !== n || c.count !== n)
        throw new Error(`decoded ${a.count}, ${c.count} / ${b.count} of ${n}`);
      ours.push(a.ms);
      theirs.push(b.ms);
      universal.push(c.ms);
    }
    const rate = (times) => (n / Math.min(...times)) * 1000;
    const [oursRate, avscRate, universalRate] = [rate(ours), rate(theirs), rate(universal)];
    rows.push({
      codec,
      body: dims > 0 ? `embed, ${dims} floats` : "chat",
      records: n,
      oursRate,
      avscRate,
      ratio: oursRate / avscRate,
      universalRatio: universalRate / avscRate,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await runAvroThroughput()) {
    console.log(
      `${row.codec.padEnd(8)} ${row.body.padEnd(18)} ours ${Math.round(row.oursRate).toLocaleString("en-US").padStart(10)} rec/s  avsc ${Math.round(row.avscRate).toLocaleString("en-US").padStart(10)} rec/s  ${row.ratio.toFixed(2)}x (DecompressionStream: ${row.universalRatio.toFixed(2)}x)`,
    );
  }
}
