// Pagination: walk 10,000 and 100,000 batches in pages of 1,000 against the loopback server,
// which generates each page on the fly (page_token = offset). Each walk runs in a fresh
// `node --expose-gc` process: throughput (batches/s); peak `heapUsed` sampled after every page
// (garbage included, so it also reflects when V8 chooses to collect); and peak *live* heap: on
// every 10th page a full GC runs before the sample, while the page is still held (those 10 GCs
// cost the 100,000 walk about 1-2% of its time). If the walk holds one page at a time, the
// live peak does not depend on the total. Throughput is reported from the 100,000 walk (the
// 10,000 one is mostly JIT warm-up).
//
//   cohere-batches: `for await (const b of client.batches.listAll({ page_size: 1000 }))`
//   fetch:          fetch + res.json() per page, following next_page_token
//   cohere-ai:      `client.batches.list({ pageSize: 1000, pageToken })` per page (no listAll)
//
// The total goes to the server in an `x-bench-total` header (the SDKs' client `headers` option).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TOKEN, gc, loadSdk, startServerProcess } from "./lib.mjs";

const PAGE = 1000;
export const TOTALS = [10_000, 100_000];
export const CLIENTS = ["fetch", "cohere-batches", "cohere-ai"];

async function walk(clientName, total, baseUrl) {
  const headers = { "x-bench-total": String(total) };
  let count = 0;
  let peak = 0;
  let peakLive = 0;
  let pages = 0;
  const sample = () => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
    // Every 10th page (from the 5th), a full GC first: what is really live while a page is held.
    if (pages++ % 10 === 4) {
      gc();
      const live = process.memoryUsage().heapUsed;
      if (live > peakLive) peakLive = live;
    }
  };
  let iterate;
  if (clientName === "fetch") {
    iterate = async () => {
      let token;
      for (;;) {
        const res = await fetch(`${baseUrl}/v2/batches?page_size=${PAGE}${token ? `&page_token=${token}` : ""}`, {
          headers: { Authorization: `Bearer ${TOKEN}`, ...headers },
        });
        const page = await res.json();
        for (const batch of page.batches) if (batch.id) count++;
        sample();
        token = page.next_page_token;
        if (!token) return;
      }
    };
  } else if (clientName === "cohere-batches") {
    const { CohereClient } = await loadSdk();
    const client = new CohereClient({ token: TOKEN, baseUrl, headers });
    iterate = async () => {
      for await (const batch of client.batches.listAll({ page_size: PAGE })) {
        if (batch.id) count++;
        if (count % PAGE === 0) sample(); // the last batch of a page: the page is still held
      }
    };
  } else {
    const { CohereClient } = await import("cohere-ai");
    const client = new CohereClient({ token: TOKEN, baseUrl, headers });
    iterate = async () => {
      let pageToken;
      for (;;) {
        const page = await client.batches.list(pageToken ? { pageSize: PAGE, pageToken } : { pageSize: PAGE });
        for (const batch of page.batches) if (batch.id) count++;
        sample();
        pageToken = page.nextPageToken;
        if (!pageToken) return;
      }
    };
  }
  gc();
  const base = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  await iterate();
  const seconds = (performance.now() - t0) / 1000;
  if (count !== total) throw new Error(`${clientName}: walked ${count} of ${total}`);
  const mb = (bytes) => bytes / 2 ** 20;
  return {
    count,
    seconds,
    perSecond: count / seconds,
    baseHeapMb: mb(base),
    peakHeapMb: mb(peak),
    peakAboveBaseMb: mb(peak - base),
    peakLiveMb: mb(peakLive),
    liveAboveBaseMb: mb(peakLive - base),
  };
}

function runChild(clientName, total, baseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--expose-gc", fileURLToPath(import.meta.url), "--child", clientName, String(total), baseUrl],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`pagination ${clientName} ${total} exited ${code}`)),
    );
  });
}

export async function runPagination({ baseUrl }) {
  const results = {};
  for (const total of TOTALS) {
    results[total] = {};
    for (const name of CLIENTS) results[total][name] = await runChild(name, total, baseUrl);
  }
  return { page: PAGE, totals: TOTALS, clients: CLIENTS, results };
}

if (process.argv[2] === "--child") {
  const [, , , clientName, total, baseUrl] = process.argv;
  process.stdout.write(JSON.stringify(await walk(clientName, Number(total), baseUrl)));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  // `bench/run.mjs` passes its one server; run alone, this starts its own.
  const server = process.env.BENCH_BASE_URL
    ? { baseUrl: process.env.BENCH_BASE_URL, stop() {} }
    : await startServerProcess();
  try {
    const out = await runPagination({ baseUrl: server.baseUrl });
    if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(out));
    else
      for (const total of out.totals)
        for (const name of out.clients) {
          const r = out.results[total][name];
          console.log(
            `${String(total).padStart(7)} ${name.padEnd(16)} ${Math.round(r.perSecond).toLocaleString("en-US").padStart(9)} batches/s  ${r.seconds.toFixed(2)} s  peak heapUsed ${r.peakHeapMb.toFixed(1)} MB (+${r.peakAboveBaseMb.toFixed(1)})  peak live ${r.peakLiveMb.toFixed(1)} MB (+${r.liveAboveBaseMb.toFixed(1)})`,
          );
        }
  } finally {
    server.stop();
  }
}
