// Raw-inflate throughput (MB/s of output) on a realistic Avro block: 64 KiB of JSON-ish result
// records, deflated by zlib at its default level as Avro writers do. The SDK's own JavaScript
// inflater (src/internal/decoders/inflate-raw.ts, used where DecompressionStream is missing,
// as in Vercel's Edge Runtime) against zlib's inflateRawSync (the Node build) and
// DecompressionStream("deflate-raw") (browsers, workerd, Deno, Bun). The fastest of several runs.
//
//   node bench/inflate-throughput.mjs
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { importFromSrc } from "./avro-lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function loadJsInflater() {
  return importFromSrc("src/internal/decoders/inflate-raw.ts", "inflate");
}

/** About 64 KiB of result records as a batch writes them (ids, JSON bodies, numbers). */
export function jsonBlock(bytes = 64 * 1024) {
  const lines = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = JSON.stringify({
      custom_id: `request-${i}`,
      body: {
        id: `c0ffee${(i * 2654435761) % 1e9}`,
        embeddings: { float: Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j).toFixed(6)) },
        texts: [`the text of request ${i}, about topic ${i % 17}`],
        meta: { api_version: { version: "2" }, billed_units: { input_tokens: 10 + (i % 50) } },
      },
    });
    lines.push(line);
    length += line.length + 1;
  }
  return new TextEncoder().encode(lines.join("\n")).subarray(0, bytes);
}

async function decompressionStream(block) {
  const stream = new Blob([block]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function mbPerSecond(inflate, compressed, outBytes) {
  let best = Number.POSITIVE_INFINITY;
  const rounds = 200;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (let i = 0; i < rounds; i++) await inflate(compressed);
    best = Math.min(best, performance.now() - start);
  }
  return (outBytes * rounds) / 1e6 / (best / 1000);
}

const { inflateRawSync: jsInflate } = await loadJsInflater();
const block = jsonBlock();
const compressed = deflateRawSync(block);
const js = (data) => jsInflate(data, 64 * 1024 * 1024);
if (Buffer.compare(Buffer.from(js(compressed)), Buffer.from(block)) !== 0) throw new Error("the JS inflater is wrong");
console.log(`block: ${block.length} B, deflated to ${compressed.length} B (zlib level 6)`);
console.log(`| inflater | MB/s (output) |\n| --- | ---: |`);
for (const [name, inflate] of [
  ["zlib inflateRawSync (Node build)", (data) => inflateRawSync(data)],
  ["DecompressionStream (Node's)", decompressionStream],
  ["SDK's JavaScript inflater", js],
]) {
  console.log(`| ${name} | ${(await mbPerSecond(inflate, compressed, block.length)).toFixed(0)} |`);
}
