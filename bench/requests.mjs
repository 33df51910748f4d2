// Per-request cost, in one interleaved run: plain fetch, this SDK, openapi-fetch's client, openai,
// cohere-ai and ky, for `retrieve` and `list` (one page of 20) at concurrency 1, 32 and 256, and a
// `listAll` walk against a plain fetch loop over the same pages. Each round runs every cell of
// every client, in an order drawn anew for each cell of each round, so drift in machine load
// hits every client alike. Before each sample, a scavenge empties the young generation (`minorGc`:
// not a forced full GC, which throws away the JIT's optimized code and made every sample a
// warm-up).
//
// Reports, per cell and client, the median and range over rounds of wall-clock µs per call and
// of this process's CPU µs per call (process.cpuUsage: the client's own work; the server is
// another process), and the median of per-round ratios to plain fetch.
//
//   node --expose-gc bench/requests.mjs [--json]
//   BENCH_ROUNDS=7 BENCH_SCALE=0.5 BENCH_WALK_PAGES=100 BENCH_VARIANTS=name=/abs/index.mjs,... BENCH_INCLUDE=fetch,cohere-batches
import { BATCH_ID, LIST_PAGE_SIZE, TOKEN, loadSdk, makeClients, median, minorGc, startServerProcess } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// A plain-fetch `retrieve` costs ~300-500 µs of wall on the 2-core machine this was written on:
// at the default scale a cell takes a fraction of a second, the whole table about a minute.
const SCALE = Number(process.env.BENCH_SCALE ?? 0.5);
const calls = (n) => Math.max(50, Math.round(n * SCALE));
// BENCH_CELLS=list-32,retrieve-1 runs only those cells (and BENCH_WALK=0 skips the listAll walk).
const ONLY = process.env.BENCH_CELLS?.split(",");
export const CELLS = ["retrieve", "list"]
  .flatMap((op) => [
    { key: `${op}-1`, op, label: `${op}, concurrency 1`, concurrency: 1, calls: calls(1200) },
    { key: `${op}-32`, op, label: `${op}, concurrency 32`, concurrency: 32, calls: calls(3000) },
    { key: `${op}-256`, op, label: `${op}, concurrency 256`, concurrency: 256, calls: calls(3000) },
  ])
  .filter((cell) => ONLY === undefined || ONLY.includes(cell.key));
/**
 * The `listAll` cell: pages of 1,000 batches, walked by the SDK and by a plain fetch loop; 100
 * pages a walk by default (`BENCH_WALK_PAGES`). A walk of 20 pages (the default until the
 * twenty-fifth pass) lasts about 60 ms: one collection landing in it moved a round's ratio from
 * 0.55x to 2.89x, and the median of 7 rounds with it.
 */
export const WALK = { page: 1000, pages: Math.max(5, Number(process.env.BENCH_WALK_PAGES ?? 100)) };
const DEFAULT_CLIENTS = ["fetch", "fetch-floor", "cohere-batches", "openapi-fetch", "openai", "cohere-ai", "ky"];

/**
 * `items` in an order drawn from `seed` (a Fisher-Yates shuffle over a small LCG, so that a run
 * can be repeated). Not a rotation: a rotation keeps each client right after the same other
 * one, and whatever that one leaves behind (a collection under way, code still compiling)
 * would always land on the same next client.
 */
function shuffled(items, seed) {
  const out = [...items];
  let state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0; // spread nearby seeds apart
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Runs `count` calls of `run`, `concurrency` at a time; µs of wall and of this process's CPU per call. */
export async function drive(run, count, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await run();
    }
  };
  const workers = new Array(concurrency);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < concurrency; i++) workers[i] = worker();
  await Promise.all(workers);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: (wall * 1000) / count, cpuUs: (cpu.user + cpu.system) / count };
}

/** `listAll` against the same pages fetched in a loop; one "call" is one page. */
async function makeWalkers(baseUrl, variants) {
  const headers = { "x-bench-total": String(WALK.page * WALK.pages) };
  const fetchWalk = async () => {
    let token;
    let count = 0;
    for (;;) {
      const query = `page_size=${WALK.page}${token ? `&page_token=${token}` : ""}`;
      const res = await fetch(`${baseUrl}/v2/batches?${query}`, {
        headers: { Authorization: `Bearer ${TOKEN}`, ...headers },
      });
      const page = await res.json();
      for (const batch of page.batches) if (batch.id) count++;
      token = page.next_page_token;
      if (!token) return count;
    }
  };
  const sdkWalk = (CohereClient) => {
    const client = new CohereClient({ token: TOKEN, baseUrl, headers });
    return async () => {
      let count = 0;
      for await (const batch of client.batches.listAll({ page_size: WALK.page })) if (batch.id) count++;
      return count;
    };
  };
  const walkers = [
    { name: "fetch", walk: fetchWalk },
    { name: "cohere-batches", walk: sdkWalk((await loadSdk()).CohereClient) },
  ];
  for (const v of variants) walkers.push({ name: v.name, walk: sdkWalk((await loadSdk(v.path)).CohereClient) });
  for (const w of walkers) {
    const count = await w.walk();
    if (count !== WALK.page * WALK.pages) throw new Error(`${w.name}: walked ${count} batches`);
  }
  return walkers;
}

async function timeWalk(walk) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await walk();
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: ((performance.now() - t0) * 1000) / WALK.pages, cpuUs: (cpu.user + cpu.system) / WALK.pages };
}

const summarise = (samples, base) => {
  const ratio = (mine, of) => median(mine.map((x, i) => x / of[i]));
  const range = (values) => [Math.min(...values), Math.max(...values)];
  const ratios = (mine, of) => mine.map((x, i) => x / of[i]);
  return {
    wallUs: median(samples.wallUs),
    cpuUs: median(samples.cpuUs),
    wallRange: range(samples.wallUs),
    cpuRange: range(samples.cpuUs),
    wallRatio: ratio(samples.wallUs, base.wallUs),
    cpuRatio: ratio(samples.cpuUs, base.cpuUs),
    wallRatioRange: range(ratios(samples.wallUs, base.wallUs)),
    cpuRatioRange: range(ratios(samples.cpuUs, base.cpuUs)),
  };
};

/** Checks that `client` really gets the batch and the page, then warms it up (JIT, connection pools). */
export async function checkAndWarmUp(client) {
  const body = await client.retrieve(BATCH_ID);
  if (body?.batch?.id !== BATCH_ID) throw new Error(`${client.name}: unexpected body ${JSON.stringify(body)}`);
  const page = await client.list();
  if (page?.batches?.length !== LIST_PAGE_SIZE)
    throw new Error(`${client.name}: unexpected page ${JSON.stringify(page)}`);
  for (const op of ["retrieve", "list"]) {
    await drive(() => client[op](BATCH_ID), 300, 1);
    await drive(() => client[op](BATCH_ID), 600, 256);
  }
}

export async function runRequests({ baseUrl, variants = [], include = DEFAULT_CLIENTS }) {
  const clients = await makeClients(baseUrl, { variants, include });
  for (const client of clients) await checkAndWarmUp(client);
  const walkers =
    include.includes("cohere-batches") && process.env.BENCH_WALK !== "0" ? await makeWalkers(baseUrl, variants) : [];
  const samples = {};
  for (const cell of CELLS)
    samples[cell.key] = Object.fromEntries(clients.map((c) => [c.name, { wallUs: [], cpuUs: [] }]));
  samples.listAll = Object.fromEntries(walkers.map((w) => [w.name, { wallUs: [], cpuUs: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, cell] of CELLS.entries()) {
      for (const client of shuffled(clients, round * CELLS.length + index + 1)) {
        minorGc();
        const { wallUs, cpuUs } = await drive(() => client[cell.op](BATCH_ID), cell.calls, cell.concurrency);
        samples[cell.key][client.name].wallUs.push(wallUs);
        samples[cell.key][client.name].cpuUs.push(cpuUs);
      }
    }
    for (let i = 0; i < walkers.length; i++) {
      const walker = walkers[(i + round) % walkers.length];
      minorGc();
      const { wallUs, cpuUs } = await timeWalk(walker.walk);
      samples.listAll[walker.name].wallUs.push(wallUs);
      samples.listAll[walker.name].cpuUs.push(cpuUs);
    }
  }
  // Ratios are medians of per-round ratios (client / fetch in the same round): a round's clients
  // run back to back, so a burst of load from elsewhere mostly cancels out.
  const results = {};
  for (const key of [...CELLS.map((c) => c.key), "listAll"]) {
    const base = samples[key].fetch;
    if (base === undefined) continue;
    results[key] = Object.fromEntries(Object.entries(samples[key]).map(([name, s]) => [name, summarise(s, base)]));
  }
  return { rounds: ROUNDS, cells: CELLS, walk: WALK, clients: clients.map((c) => c.name), results };
}

const n = (x) => Math.round(x).toLocaleString("en-US");
const x = (r) => `${r.toFixed(2)}x`;

/** The markdown table of `runRequests`' result. */
export function requestsTable(out) {
  const lines = [
    `Median of ${out.rounds} interleaved rounds (the clients' order drawn anew for each cell), range in brackets; ratios are medians of per-round ratios to plain fetch. CPU is the client process's (process.cpuUsage); the server is another process on 127.0.0.1. \`list\` asks for a page of 20; \`listAll\` walks ${out.walk.pages} pages of ${out.walk.page} (µs per page).`,
    "",
    "| cell | client | CPU µs/call | CPU vs fetch | wall µs/call | wall vs fetch |",
    "|---|---|---:|---:|---:|---:|",
  ];
  const labels = Object.fromEntries(out.cells.map((c) => [c.key, `${c.label} (${n(c.calls)} calls)`]));
  labels.listAll = "listAll vs a fetch loop (per page)";
  for (const [key, byClient] of Object.entries(out.results)) {
    for (const [name, r] of Object.entries(byClient)) {
      const ratio = (m, [lo, hi]) => (name === "fetch" ? "1" : `${x(m)} [${x(lo)}-${x(hi)}]`);
      lines.push(
        `| ${labels[key]} | ${name} | ${n(r.cpuUs)} [${n(r.cpuRange[0])}-${n(r.cpuRange[1])}] | ${ratio(r.cpuRatio, r.cpuRatioRange)} | ${n(r.wallUs)} [${n(r.wallRange[0])}-${n(r.wallRange[1])}] | ${ratio(r.wallRatio, r.wallRatioRange)} |`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `bench/run.mjs` passes its one server; run alone, this starts its own.
  const server = process.env.BENCH_BASE_URL
    ? { baseUrl: process.env.BENCH_BASE_URL, stop() {} }
    : await startServerProcess();
  try {
    const variants = (process.env.BENCH_VARIANTS ?? "")
      .split(",")
      .filter(Boolean)
      .map((entry) => {
        const [name, path] = entry.split("=");
        return { name, path };
      });
    const include = process.env.BENCH_INCLUDE ? process.env.BENCH_INCLUDE.split(",") : undefined;
    const out = await runRequests({ baseUrl: server.baseUrl, variants, include });
    process.stdout.write(process.argv.includes("--json") ? JSON.stringify(out) : `${requestsTable(out)}\n`);
  } finally {
    server.stop();
  }
}
