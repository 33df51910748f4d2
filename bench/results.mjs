// `npm run bench:results`: the results decoder's figures as markdown tables. Decoding
// throughput against avsc on the same file (bench/avro-throughput.mjs), peak memory at 100k
// against 1M records (bench/avro-memory.mjs), and avsc's fit in each runtime with the bundle
// bytes of both (bench/avro-runtimes.mjs). Measurements, not tests: nothing here asserts.
import { cpus, loadavg } from "node:os";
import { runAvroMemory } from "./avro-memory.mjs";
import { runAvroRuntimes } from "./avro-runtimes.mjs";
import { runAvroThroughput } from "./avro-throughput.mjs";

const step = (name) => process.stderr.write(`bench:results: ${name}\n`);
const n = (x) => Math.round(x).toLocaleString("en-US");
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const load0 = loadavg()[0];
step("throughput");
const throughput = await runAvroThroughput();
step("memory (writes the 1M-record file once, about 20 s)");
const memory = [
  ...(await runAvroMemory("zlib")),
  ...(await runAvroMemory("universal")),
  ...(await runAvroMemory("avsc")),
];
step("runtimes");
const runtimes = await runAvroRuntimes();

const lines = [
  `Machine: ${cpus()[0]?.model ?? "?"} x${cpus().length}, Node ${process.version}, load ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
  "",
  "| codec | bodies | records | ours (rec/s) | avsc (rec/s) | ours / avsc | with DecompressionStream |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...throughput.map(
    (r) =>
      `| ${r.codec} | ${r.body} | ${n(r.records)} | ${n(r.oursRate)} | ${n(r.avscRate)} | ${r.ratio.toFixed(2)}x | ${r.universalRatio.toFixed(2)}x |`,
  ),
  "",
  "| reader | records | peak RSS | peak heap | retained after GC | RSS per 100k records (MiB) |",
  "|---|---:|---:|---:|---:|---|",
  ...memory.map(
    (r) =>
      `| ${r.mode} | ${n(r.count)} | ${mib(r.peakRss)} | ${mib(r.peakHeap)} | ${mib(r.retained)} | ${r.trajectory.join(" ")} |`,
  ),
  "",
  "| bundle or run | result |",
  "|---|---|",
  ...Object.entries(runtimes).map(
    ([name, r]) =>
      `| ${name} | ${r.error ? `fails: ${r.error}` : r.recordsPerSecond ? `${n(r.recordsPerSecond)} records/s` : r.records !== undefined ? `${r.records} records` : `${kb(r.minBytes)} min, ${kb(r.gzipBytes)} min+gzip`} |`,
  ),
];
console.log(lines.join("\n"));
