// `npm run bench:profile`: where the SDK's per-request time goes.
//
// One `node --cpu-prof` process (50 µs sampling) makes 20,000 sequential `retrieve`s with the
// SDK and 20,000 with plain fetch against the loopback server, in alternating blocks of 500
// (after 2,000 warm-up calls each). Every block's start and end are recorded on the profiler's
// clock, so each sample is charged to the client whose block was running: both clients see
// the same machine, even when something else loads it. The .cpuprofile is then aggregated:
//   - µs per call by bucket (SDK code in dist, openapi-fetch, valibot, undici = Node's fetch,
//     streams, AbortController/EventTarget, GC, ...), SDK vs fetch: the difference is the overhead;
//   - the Node / undici functions whose inclusive time grows most (a `new Response`, a
//     `new Request`, a ReadableStream...);
//   - the top functions by self time in the SDK's blocks;
//   - "owner" time: each sample charged to the nearest SDK / openapi-fetch / valibot frame on
//     its stack, so undici work done on the SDK's behalf lands on the SDK function that asked.
//
//   node bench/profile.mjs [--op retrieve|list] [--calls 20000] [--sdk /abs/path/to/index.mjs] [--keep]
//   BENCH_PROFILE_MIX=1   openapi-fetch, openai, cohere-ai and ky run a fifth of a block each between
//                         blocks, in the same process, as they do in the per-request benchmark
//   BENCH_PROFILE_GC=1    a forced full GC (`gc()`) before each block: shows what it costs the next block
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BATCH_ID, cliArg as arg, makeClients, startServerProcess } from "./lib.mjs";

const CALLS = Number(arg("calls", 20_000));
const BLOCK = 500;
const OP = arg("op", "retrieve");
// `--base fetch-floor`: compare with the floor (timeout, headers, body read) instead of plain fetch.
const BASE = arg("base", "fetch");

const nowUs = () => Number(process.hrtime.bigint() / 1000n); // CLOCK_MONOTONIC, like V8's profile clock

if (process.argv[2] === "--child") {
  const baseUrl = process.argv[3];
  // BENCH_PROFILE_MIX=1: the peers of `npm run bench` share the process (their blocks run between
  // the two measured clients' and are not analysed), as they do in the per-request benchmark.
  const peers = process.env.BENCH_PROFILE_MIX === "1" ? ["openapi-fetch", "openai", "cohere-ai", "ky"] : [];
  const all = await makeClients(baseUrl, { include: [BASE, "cohere-batches", ...peers] });
  for (const client of all) if (client.name === "fetch floor") client.name = "fetch";
  const clients = all.filter((c) => c.name === "fetch" || c.name === "cohere-batches");
  const others = all.filter((c) => !clients.includes(c));
  for (const client of all) for (let i = 0; i < 2000; i++) await client[OP](BATCH_ID);
  const blocks = [];
  for (let b = 0; b < (2 * CALLS) / BLOCK; b++) {
    const client = clients[b % 2];
    for (const other of others) for (let i = 0; i < BLOCK / 5; i++) await other[OP](BATCH_ID);
    // BENCH_PROFILE_GC=1: a forced full GC before each block, as the per-request benchmark did
    // before it took a scavenge instead (see `minorGc` in lib.mjs).
    if (process.env.BENCH_PROFILE_GC === "1") globalThis.gc();
    const start = nowUs();
    for (let i = 0; i < BLOCK; i++) await client[OP](BATCH_ID);
    blocks.push({ name: client.name, start, end: nowUs(), calls: BLOCK });
  }
  process.stdout.write(JSON.stringify({ blocks }));
  process.exit(0);
}

/** Which bucket a frame's code belongs to. */
function bucket(frame, sdkUrl) {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return functionName;
  // The entry only re-exports: the SDK's code is its chunks, next to it.
  if ((sdkUrl !== "" && url.startsWith(sdkUrl.slice(0, sdkUrl.lastIndexOf("/") + 1))) || url.includes("/dist/node/"))
    return "cohere-batches (dist/node)";
  if (url.includes("/openapi-fetch/")) return "openapi-fetch";
  if (url.includes("/valibot/")) return "valibot";
  if (url.includes("/bench/")) return "bench harness";
  if (url.includes("internal/deps/undici")) return "undici (fetch, Request, Response, Headers)";
  if (url.startsWith("node:internal/webstreams") || url.startsWith("node:internal/streams"))
    return "node streams / web streams";
  if (
    url.startsWith("node:internal/abort_controller") ||
    url.startsWith("node:internal/event_target") ||
    url.startsWith("node:internal/worker/js_transferable")
  )
    return "AbortController / EventTarget";
  if (url.startsWith("node:internal/timers") || url === "node:timers") return "timers";
  if (url.startsWith("node:")) return "other node internals";
  if (url === "") return "native / builtins (socket writes, JSON, Promise, ...)";
  return "other";
}

const sources = new Map();
/** `name file:line  <the source line>`, to tell the dist's anonymous arrow functions apart. */
function label(frame, sdkUrl) {
  const file = bucket(frame, sdkUrl).split(" ")[0];
  let text = "";
  if (frame.url.startsWith("file://")) {
    if (!sources.has(frame.url)) sources.set(frame.url, readFileSync(fileURLToPath(frame.url), "utf8").split("\n"));
    text = (sources.get(frame.url)[frame.lineNumber] ?? "").trim().slice(0, 70);
  }
  return `${frame.functionName || "(anonymous)"}  ${file}:${frame.lineNumber + 1}  ${text}`;
}

const shortUrl = (url) =>
  url
    .replace(/^.*node_modules\//, "")
    .replace(/^file:\/\/.*\/dist\//, "dist/")
    .replace(/^file:\/\/.*\/bench\//, "bench/")
    .replace(/^node:internal\/deps\//, "");
const fnKey = (frame) => `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
const isOwner = (frame, sdkUrl) => /^(cohere-batches|openapi-fetch|valibot)/.test(bucket(frame, sdkUrl));

/** Aggregates the samples that fall in `blocks` (one client's), per call. */
function analyse(profile, blocks, sdkUrl) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const calls = blocks.reduce((a, b) => a + b.calls, 0);
  const maps = { buckets: new Map(), functions: new Map(), owners: new Map(), inclusive: new Map() };
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  let busy = 0;
  let wall = 0;
  for (const block of blocks) wall += block.end - block.start;
  let t = profile.startTime;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const us = profile.timeDeltas[i + 1] ?? 0; // how long sample i was current
    while (at < blocks.length && blocks[at].end < t) at++;
    if (at >= blocks.length) break;
    if (t < blocks[at].start) continue;
    const id = profile.samples[i];
    const frame = byId.get(id).callFrame;
    const b = bucket(frame, sdkUrl);
    if (b === "(idle)") continue;
    busy += us;
    add(maps.buckets, b, us);
    add(maps.functions, fnKey(frame), us);
    let owner = "(no SDK frame: fetch internals, event loop)";
    const seen = new Set();
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const f = byId.get(node).callFrame;
      const key = fnKey(f);
      if (!seen.has(key)) {
        seen.add(key);
        add(maps.inclusive, key, us);
      }
      if (owner.startsWith("(no SDK") && isOwner(f, sdkUrl)) owner = label(f, sdkUrl);
    }
    add(maps.owners, owner, us);
  }
  const perCall = (map) => new Map([...map].map(([k, us]) => [k, us / calls]).sort((a, b) => b[1] - a[1]));
  return {
    calls,
    wallPerCall: wall / calls,
    busyPerCall: busy / calls,
    buckets: perCall(maps.buckets),
    functions: perCall(maps.functions),
    owners: perCall(maps.owners),
    inclusive: perCall(maps.inclusive),
  };
}

export async function runProfile({ sdkPath } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cohere-batches-prof-"));
  const server = await startServerProcess();
  try {
    const { blocks } = await new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--expose-gc",
          "--cpu-prof",
          "--cpu-prof-dir",
          dir,
          "--cpu-prof-interval",
          "50",
          fileURLToPath(import.meta.url),
          "--child",
          server.baseUrl,
          "--calls",
          String(CALLS),
          // The child reads its own argv: what to call and against what must be passed on.
          "--op",
          OP,
          "--base",
          BASE,
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
          env: sdkPath ? { ...process.env, BENCH_SDK: sdkPath } : process.env,
        },
      );
      let text = "";
      child.stdout.on("data", (chunk) => (text += chunk));
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`profile child exited ${code}`)),
      );
    });
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const sdkUrl = sdkPath ? `file://${sdkPath}` : "";
    return {
      fetch: analyse(
        profile,
        blocks.filter((b) => b.name === "fetch"),
        sdkUrl,
      ),
      sdk: analyse(
        profile,
        blocks.filter((b) => b.name === "cohere-batches"),
        sdkUrl,
      ),
      file: join(dir, file),
    };
  } finally {
    server.stop();
    if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (us) => us.toFixed(1).padStart(6);
const pct = (us, total) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fetch: f, sdk: s, file } = await runProfile({ sdkPath: arg("sdk", undefined) });
  if (process.argv.includes("--keep")) console.log(`profile kept: ${file}`);
  console.log(
    `${CALLS} sequential ${OP} calls per client, alternating blocks of ${BLOCK}, under --cpu-prof (50 µs sampling)`,
  );
  if (BASE !== "fetch") console.log(`base: ${BASE}, shown as "fetch" below`);
  console.log(
    `wall µs/call (profiler on): fetch ${f.wallPerCall.toFixed(1)}, cohere-batches ${s.wallPerCall.toFixed(1)} (${(s.wallPerCall / f.wallPerCall).toFixed(2)}x)`,
  );
  console.log(
    `busy (non-idle) main-thread µs/call: fetch ${f.busyPerCall.toFixed(1)}, cohere-batches ${s.busyPerCall.toFixed(1)}; overhead ${(s.busyPerCall - f.busyPerCall).toFixed(1)} µs/call\n`,
  );

  console.log("| bucket (self time) | fetch µs/call | cohere-batches µs/call | difference | share of overhead |");
  console.log("|---|---:|---:|---:|---:|");
  const overhead = s.busyPerCall - f.busyPerCall;
  const keys = [...new Set([...s.buckets.keys(), ...f.buckets.keys()])];
  const diff = (key) => (s.buckets.get(key) ?? 0) - (f.buckets.get(key) ?? 0);
  for (const key of keys.sort((a, b) => diff(b) - diff(a))) {
    console.log(
      `| ${key} | ${fmt(f.buckets.get(key) ?? 0)} | ${fmt(s.buckets.get(key) ?? 0)} | ${diff(key) >= 0 ? "+" : ""}${diff(key).toFixed(1)} | ${pct(diff(key), overhead)} |`,
    );
  }

  console.log("\nNode / undici functions whose inclusive time (synchronous stacks) grows most, µs/call:");
  console.log("| function | fetch | cohere-batches | difference |");
  console.log("|---|---:|---:|---:|");
  const nodeSide = (key) =>
    !/ (dist\/|openapi-fetch\/|valibot\/|bench\/)/.test(key) &&
    !/^\((root|program|idle|garbage collector)\)/.test(key) &&
    !/^(runMicrotasks|processTicksAndRejections|listOnTimeout|processTimers) {2}/.test(key);
  const grown = [...new Set([...s.inclusive.keys(), ...f.inclusive.keys()])]
    .filter(nodeSide)
    .map((key) => [key, f.inclusive.get(key) ?? 0, s.inclusive.get(key) ?? 0])
    .sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  for (const [key, a, b] of grown.slice(0, 20))
    console.log(`| ${key} | ${fmt(a)} | ${fmt(b)} | +${(b - a).toFixed(1)} |`);

  console.log(
    `\nTop functions by self time in the SDK's blocks (% of its busy ${s.busyPerCall.toFixed(1)} µs/call), with the same function in fetch's blocks:`,
  );
  let i = 0;
  for (const [key, us] of s.functions) {
    console.log(`  ${pct(us, s.busyPerCall)}  ${fmt(us)} µs  (fetch ${fmt(f.functions.get(key) ?? 0)})  ${key}`);
    if (++i >= 25) break;
  }
  console.log("\nOwner time (each sample charged to the nearest SDK / openapi-fetch / valibot frame), SDK blocks:");
  i = 0;
  for (const [key, us] of s.owners) {
    console.log(`  ${pct(us, s.busyPerCall)}  ${fmt(us)} µs  ${key}`);
    if (++i >= 20) break;
  }
}
