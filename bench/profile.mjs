// `npm run bench:profile`: where the SDK's per-request time goes.
//
// Runs 20,000 sequential `retrieve`s (after 2,000 warm-up calls) under `node --cpu-prof`, once
// with the SDK and once with plain fetch, against the loopback server, then aggregates the
// .cpuprofile files:
//   - µs per call by bucket (SDK code in dist, openapi-fetch, valibot, undici = Node's fetch,
//     other Node internals, GC, ...), SDK vs fetch: the difference is the SDK's overhead;
//   - the top functions by self time in the SDK run;
//   - "owner" time: each sample charged to the nearest SDK / openapi-fetch / valibot frame on
//     its stack, so that undici work done on the SDK's behalf (a `new Request`, a
//     `new Response`, `Headers.set`) lands on the SDK function that asked for it.
//
//   node bench/profile.mjs [--calls 20000] [--sdk /abs/path/to/index.mjs] [--keep]
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BATCH_ID, makeClients, startServerProcess } from "./lib.mjs";

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};
const CALLS = Number(arg("calls", 20_000));

if (process.argv[2] === "--child") {
  // The profiled process: one client, warm-up, then CALLS sequential retrieves.
  const [, , , which, baseUrl] = process.argv;
  const [client] = await makeClients(baseUrl, { include: [which] });
  for (let i = 0; i < 2000; i++) await client.retrieve(BATCH_ID);
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await client.retrieve(BATCH_ID);
  process.stdout.write(JSON.stringify({ usPerCall: ((performance.now() - t0) * 1000) / CALLS }));
  process.exit(0);
}

/** Which bucket a frame's code belongs to. */
function bucket(frame, sdkUrl) {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return functionName;
  if ((sdkUrl !== "" && url === sdkUrl) || url.endsWith("/dist/node/index.mjs")) return "cohere-batches (dist/node/index.mjs)";
  if (url.includes("/openapi-fetch/")) return "openapi-fetch";
  if (url.includes("/valibot/")) return "valibot";
  if (url.includes("/bench/")) return "bench harness";
  if (url.includes("internal/deps/undici")) return "undici (fetch, Request, Response, Headers)";
  if (url.startsWith("node:internal/webstreams") || url.startsWith("node:internal/streams")) return "node streams / web streams";
  if (url.startsWith("node:internal/abort_controller") || url.startsWith("node:internal/event_target")) return "AbortController / EventTarget";
  if (url.startsWith("node:internal/timers") || url === "node:timers") return "timers";
  if (url.startsWith("node:")) return "other node internals";
  if (url === "") return functionName === "" ? "(native, unnamed)" : "native / builtins (JSON, Promise, ...)";
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

function analyse(profile, sdkUrl, calls) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map(); // node id -> µs
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0; // delta i+1 is the time the sample i was current
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id).callFrame.functionName === "(idle)").reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const buckets = new Map();
  const functions = new Map();
  const owners = new Map();
  const inclusive = new Map();
  const isOwner = (frame) => {
    const b = bucket(frame, sdkUrl);
    return b.startsWith("cohere-batches") || b === "openapi-fetch" || b === "valibot";
  };
  for (const [id, us] of self) {
    const frame = byId.get(id).callFrame;
    const b = bucket(frame, sdkUrl);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const short = frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/dist\//, "dist/").replace(/^node:internal\/deps\//, "");
    const key = `${frame.functionName || "(anonymous)"}  ${short}:${frame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    // The owner: the nearest SDK-side frame on the stack (this one included).
    let owner = "(no SDK frame: fetch internals, event loop)";
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (isOwner(f)) {
        const name = label(f, sdkUrl);
        if (owner.startsWith("(no SDK")) owner = name;
        if (!seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + us);
        }
      }
    }
    if (b !== "(idle)") owners.set(owner, (owners.get(owner) ?? 0) + us);
  }
  const perCall = (map) => new Map([...map].map(([k, us]) => [k, us / calls]).sort((a, b) => b[1] - a[1]));
  return { totalUs: total, busyUs: busy, buckets: perCall(buckets), functions: perCall(functions), owners: perCall(owners), inclusive: perCall(inclusive), busyPerCall: busy / calls };
}

async function profileRun(which, baseUrl, dir, sdkPath) {
  const out = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "50", fileURLToPath(import.meta.url), "--child", which, baseUrl, "--calls", String(CALLS)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: sdkPath ? { ...process.env, BENCH_SDK: sdkPath } : process.env,
    });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`profile child exited ${code}`))));
  });
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  rmSync(join(dir, file));
  // Only the measured calls: drop samples before the last 20,000 calls? The warm-up (2,000
  // calls) is in the profile too; per-call figures divide by all calls made.
  return { ...out, analysis: analyse(profile, sdkPath ? `file://${sdkPath}` : "", CALLS + 2000) };
}

const fmt = (us) => us.toFixed(1).padStart(7);
export async function runProfile({ sdkPath } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cohere-batches-prof-"));
  const server = await startServerProcess();
  try {
    const fetchRun = await profileRun("fetch", server.baseUrl, dir);
    const sdkRun = await profileRun("cohere-batches", server.baseUrl, dir, sdkPath);
    return { fetchRun, sdkRun };
  } finally {
    server.stop();
    if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fetchRun, sdkRun } = await runProfile({ sdkPath: arg("sdk", undefined) });
  const f = fetchRun.analysis;
  const s = sdkRun.analysis;
  console.log(`${CALLS} sequential retrieves (+2,000 warm-up) under --cpu-prof (50 µs sampling)`);
  console.log(`wall µs/call: fetch ${fetchRun.usPerCall.toFixed(1)}, cohere-batches ${sdkRun.usPerCall.toFixed(1)} (profiler on)`);
  console.log(`busy (non-idle) CPU µs/call in the client: fetch ${f.busyPerCall.toFixed(1)}, cohere-batches ${s.busyPerCall.toFixed(1)}, overhead ${(s.busyPerCall - f.busyPerCall).toFixed(1)}\n`);
  console.log("| bucket (self time) | fetch µs/call | cohere-batches µs/call | difference |");
  console.log("|---|---:|---:|---:|");
  const keys = new Set([...s.buckets.keys(), ...f.buckets.keys()]);
  for (const key of [...keys].sort((a, b) => (s.buckets.get(b) ?? 0) - (f.buckets.get(b) ?? 0) - ((s.buckets.get(a) ?? 0) - (f.buckets.get(a) ?? 0)))) {
    if (key === "(idle)") continue;
    const a = f.buckets.get(key) ?? 0;
    const b = s.buckets.get(key) ?? 0;
    console.log(`| ${key} | ${fmt(a)} | ${fmt(b)} | ${(b - a >= 0 ? "+" : "") + (b - a).toFixed(1)} |`);
  }
  console.log(`\nTop functions by self time, cohere-batches run (% of busy time; busy = ${s.busyPerCall.toFixed(1)} µs/call):`);
  let i = 0;
  for (const [key, us] of s.functions) {
    if (key.startsWith("(idle)")) continue;
    console.log(`  ${((us / s.busyPerCall) * 100).toFixed(1).padStart(5)}%  ${fmt(us)} µs  ${key}`);
    if (++i >= 30) break;
  }
  console.log("\nOwner time (each sample charged to the nearest SDK / openapi-fetch / valibot frame), cohere-batches run:");
  i = 0;
  for (const [key, us] of s.owners) {
    console.log(`  ${((us / s.busyPerCall) * 100).toFixed(1).padStart(5)}%  ${fmt(us)} µs  ${key}`);
    if (++i >= 25) break;
  }
  console.log("\nInclusive time (samples with the frame anywhere on the synchronous stack), cohere-batches run:");
  i = 0;
  for (const [key, us] of s.inclusive) {
    console.log(`  ${((us / s.busyPerCall) * 100).toFixed(1).padStart(5)}%  ${fmt(us)} µs  ${key}`);
    if (++i >= 25) break;
  }
}
