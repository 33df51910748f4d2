// Peak memory while reading a results file: 100,000 against 1,000,000 records, each read in a
// fresh Node process from a file on disk (deflate, chat-like bodies), streamed through our
// decoder (and through avsc, for reference). Flat means the peak does not grow with the count:
// the decoder holds one block. The heap stays flat; RSS also carries the ArrayBuffers of spent
// chunks (the file stream's, zlib's) until V8's next major GC, and glibc keeps freed pages:
// avsc's RSS climbs the same way. "Retained after GC" (heap + ArrayBuffers once collected) shows
// that nothing is held as the count grows.
//
// `node bench/avro-memory.mjs` prints the table; the files are written once by avsc into
// node_modules/.cache/cohere-batches-bench (about 30 MB for 1M records).
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import avro from "avsc";
import { AVSC_CODECS, avscEncoder, CACHE_DIR, loadOurDecoder, outputRecord } from "./avro-lib.mjs";

const COUNTS = [100_000, 1_000_000];

/** The cached file of `count` records, written by avsc if missing. */
async function outputFile(count) {
  const file = `${CACHE_DIR}/output-${count}.avro`;
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  const encoder = avscEncoder("deflate");
  const done = new Promise((resolve, reject) =>
    encoder
      .pipe(createWriteStream(`${file}.tmp`))
      .on("finish", resolve)
      .on("error", reject),
  );
  for (let i = 0; i < count; i++) {
    // Respect backpressure: the whole file must never sit in this process's memory either.
    if (!encoder.write(outputRecord(i))) await new Promise((resolve) => encoder.once("drain", resolve));
  }
  encoder.end();
  await done;
  renameSync(`${file}.tmp`, file);
  return file;
}

/** The records of `file` as our decoder (or avsc, `mode === "avsc"`) streams them. */
async function* recordsOf(file, mode) {
  if (mode === "records") {
    // The SDK's whole path: client.datasets.records() over the file as the part's download body.
    const { benchClient } = await import("./records-lib.mjs");
    const { Readable } = await import("node:stream");
    const client = benchClient(() => Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })));
    yield* client.datasets.records("out-1");
    return;
  }
  if (mode === "avsc") {
    yield* createReadStream(file).pipe(new avro.streams.BlockDecoder({ codecs: AVSC_CODECS }));
    return;
  }
  const { decodeAvroContainer } = await loadOurDecoder();
  const options = mode === "universal" ? { part: file } : { part: file, inflateRaw: inflateRawSync };
  yield* decodeAvroContainer(createReadStream(file, { highWaterMark: 64 * 1024 }), options);
}

/** In the child: decode `file`, sampling memory every 10,000 records; prints one JSON line. */
async function measure(file, mode) {
  await loadOurDecoder();
  globalThis.gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let count = 0;
  /** RSS at every 100,000 records: a plateau, not a slope. */
  const trajectory = [];
  const started = performance.now();
  for await (const _ of recordsOf(file, mode)) {
    if (++count % 10_000 === 0) {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
      if (count % 100_000 === 0) trajectory.push(Math.round(now.rss / 2 ** 20));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // What is still held at the end once collected: nothing grows with the count.
  globalThis.gc();
  const end = process.memoryUsage();
  const retained = end.heapUsed + end.arrayBuffers;
  console.log(JSON.stringify({ count, baselineRss: baseline.rss, peakRss, peakHeap, retained, seconds, trajectory }));
}

/**
 * `mode`: "records" (`client.datasets.records()` of the built Node package, end to end), "zlib"
 * (our decoder, as the Node build runs it), "universal" (ours, DecompressionStream) or "avsc".
 */
export async function runAvroMemory(mode = "zlib") {
  const rows = [];
  for (const count of COUNTS) {
    const file = await outputFile(count);
    const out = execFileSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", file, mode], {
      encoding: "utf8",
    });
    rows.push({ mode, ...JSON.parse(out.trim().split("\n").at(-1)) });
  }
  return rows;
}

if (process.argv[2] === "--child") {
  await measure(process.argv[3], process.argv[4]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  for (const mode of process.argv[2] ? [process.argv[2]] : ["records", "zlib", "universal", "avsc"]) {
    for (const row of await runAvroMemory(mode)) {
      console.log(
        `${mode.padEnd(9)}  ${row.count.toLocaleString("en-US").padStart(9)} records  peak RSS ${mb(row.peakRss)} (baseline ${mb(row.baselineRss)})  peak heap ${mb(row.peakHeap)}  retained after GC ${mb(row.retained)}  ${Math.round(row.count / row.seconds).toLocaleString("en-US")} rec/s  RSS MiB per 100k: ${row.trajectory.join(" ")}`,
      );
    }
  }
}
