// `npm run bench:allocations`: bytes allocated per call, the SDK against the fetch floor, and
// where the SDK's bytes are allocated. A steadier measure than CPU on a shared machine: the
// same build gives the same figure within about 1%, where CPU per call moves by 10% or more.
//
// `globalThis.fetch` is replaced by a stub that does what fetch does with its arguments
// (`new Request(url, init)`) and answers at once with a prebuilt body, so the figures are the
// clients' own allocations, without the network. V8's sampling heap profiler (every 64 bytes,
// objects collected by either GC included) counts them over the measured calls.
//
// With `--real`, the clients call Node's own fetch against the loopback server (bench/server.mjs)
// instead: what undici allocates for each client then counts too.
//
//   node bench/allocations.mjs [--op retrieve|list] [--calls 5000] [--sdk /abs/path/to/index.mjs] [--top 20] [--real]
import { Session } from "node:inspector/promises";
import { BATCH_ID, LIST_PAGE_SIZE, cliArg as arg, makeClients, startServerProcess } from "./lib.mjs";
import { batchJson } from "./server.mjs";

const OP = arg("op", "retrieve");
const CALLS = Number(arg("calls", 5000));
const TOP = Number(arg("top", 20));
// `loadSdk` (bench/lib.mjs) reads it: the SDK build measured.
if (arg("sdk", undefined) !== undefined) process.env.BENCH_SDK = arg("sdk");

// The bodies the loopback server sends (bench/server.mjs), prebuilt.
const body = new TextEncoder().encode(
  OP === "list"
    ? `{"batches":[${Array.from({ length: LIST_PAGE_SIZE }, (_, i) => batchJson(`b-${i}`, i)).join(",")}],"next_page_token":"t"}`
    : `{"batch":${batchJson(BATCH_ID)}}`,
);
const headers = { "content-type": "application/json", "content-length": String(body.byteLength) };
const REAL = process.argv.includes("--real");
const server = REAL ? await startServerProcess() : undefined;
if (!REAL)
  globalThis.fetch = async (input, init) => {
    new Request(input, init);
    return new Response(body, { status: 200, headers });
  };

// The benchmarks' own fetch floor and SDK client (bench/lib.mjs), over the stub or the server.
const [floorClient, sdkClient] = await makeClients(server?.baseUrl ?? "http://127.0.0.1:9", {
  include: ["fetch-floor", "cohere-batches"],
});
const floor = () => floorClient[OP](BATCH_ID);
const sdk = () => sdkClient[OP](BATCH_ID);

const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");

/** Bytes allocated per call by `run`, and the profile's nodes. */
async function measure(run) {
  for (let i = 0; i < 2000; i++) await run(); // warm: compiled, caches filled
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < CALLS; i++) await run();
  const { profile } = await session.post("HeapProfiler.stopSampling");
  const bySite = new Map();
  let total = 0;
  const walk = (node) => {
    const { functionName, url: file, lineNumber } = node.callFrame;
    const site = `${functionName || "(anonymous)"} ${file.split("/").pop()}:${lineNumber + 1}`;
    total += node.selfSize;
    if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return { perCall: total / CALLS, bySite };
}

const floorBytes = await measure(floor);
const sdkBytes = await measure(sdk);
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
server?.stop();
console.log(
  `${OP}: bytes allocated per call (${REAL ? "Node's fetch, loopback server" : "stubbed fetch"}, ${CALLS} calls, sampled every 64 B)`,
);
console.log(`  fetch floor     ${kB(floorBytes.perCall)}`);
console.log(`  cohere-batches  ${kB(sdkBytes.perCall)} (+${kB(sdkBytes.perCall - floorBytes.perCall)})`);
console.log(`\nwhere the SDK's calls allocate (bytes per call, top ${TOP} sites):`);
for (const [site, bytes] of [...sdkBytes.bySite].sort((a, b) => b[1] - a[1]).slice(0, TOP))
  console.log(`  ${String(Math.round(bytes / CALLS)).padStart(6)}  ${site}`);
