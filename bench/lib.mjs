// Shared pieces of the benchmarks: the server child, the clients compared, statistics.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export const TOKEN = "bench-token-0123456789abcdef";
export { BATCH_ID } from "./server.mjs";

/** The value after `--name` on this process's command line, or `fallback` when there is none. */
export function cliArg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/** Forks `bench/server.mjs`; resolves with `{ baseUrl, stop }`. */
export async function startServerProcess() {
  const child = fork(fileURLToPath(new URL("./server.mjs", import.meta.url)), ["--child"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    child.once("message", (message) => resolve(message.baseUrl));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return {
    baseUrl,
    stop: () => {
      child.disconnect();
      child.kill();
    },
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The SDK module: the built package by default, or a patched copy (`BENCH_SDK=/path/index.mjs`). */
export async function loadSdk(specifier = process.env.BENCH_SDK || "cohere-batches") {
  return import(specifier.startsWith("/") ? `file://${specifier}` : specifier);
}

const batchStrings = ["id", "name", "input_dataset_id", "model"];
const optionalStrings = ["creator_id", "org_id", "status", "created_at", "updated_at", "output_dataset_id"];
const optionalNumbers = ["num_records", "num_successful_records", "num_failed_records"];
/** The fetch floor's structural check of one batch, by hand. */
function isBatch(batch) {
  if (typeof batch !== "object" || batch === null) return false;
  for (const key of batchStrings) if (typeof batch[key] !== "string") return false;
  for (const key of optionalStrings) if (batch[key] !== undefined && typeof batch[key] !== "string") return false;
  for (const key of optionalNumbers) if (batch[key] !== undefined && typeof batch[key] !== "number") return false;
  return true;
}

/** The `list` page every client asks for in the per-request benchmark. */
export const LIST_PAGE_SIZE = 20;

/**
 * The clients compared, each `{ name, retrieve(id), list() }` resolving with the parsed body
 * (`list` asks for one page of `LIST_PAGE_SIZE` batches).
 * `include` picks among "fetch", "fetch-sdk-headers", "cohere-batches", "openapi-fetch", "cohere-ai",
 * "openai", "ky";
 * `variants` adds patched SDK copies: `[{ name, path }]` (see bench/variants.mjs).
 */
export async function makeClients(baseUrl, { variants = [], include = ["fetch", "cohere-batches", "cohere-ai"] } = {}) {
  const listUrl = `${baseUrl}/v2/batches?page_size=${LIST_PAGE_SIZE}`;
  const clients = [];
  const retrieveUrl = (id) => `${baseUrl}/v2/batches/${encodeURIComponent(id)}`;
  // A client made of plain fetch calls: `send(url)` resolves with the parsed body.
  const plainClient = (name, send) => ({ name, retrieve: (id) => send(retrieveUrl(id)), list: () => send(listUrl) });
  // The headers the SDK sends (Accept and User-Agent too).
  const sdkHeaders = {
    Authorization: `Bearer ${TOKEN}`,
    Accept: "application/json",
    "User-Agent": `cohere-batches/0.1.0 node/${process.version} ${process.platform}-${process.arch}`,
  };
  if (include.includes("fetch")) {
    const headers = { Authorization: `Bearer ${TOKEN}` };
    clients.push(plainClient("fetch", async (url) => (await fetch(url, { headers })).json()));
  }
  if (include.includes("fetch-sdk-headers")) {
    // The part of the SDK's cost that is only "more headers on the wire".
    const send = async (url) => (await fetch(url, { headers: sdkHeaders })).json();
    clients.push(plainClient("fetch, SDK's headers", send));
  }
  if (include.includes("fetch-floor")) {
    // The floor issue 15 names: what the SDK must do and nothing else. The SDK's headers, a
    // per-attempt timeout (an AbortController and a timer), the body read whole, JSON.parse, and
    // a structural check written by hand (each batch: its string and number fields' types).
    const floor = async (url) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 600_000);
      try {
        const res = await fetch(url, { headers: sdkHeaders, signal: controller.signal });
        const body = JSON.parse(new TextDecoder().decode(await res.arrayBuffer()));
        const batches = body.batches ?? [body.batch];
        if (!Array.isArray(batches) || !batches.every(isBatch)) throw new Error("not the expected body");
        return body;
      } finally {
        clearTimeout(timer);
      }
    };
    clients.push(plainClient("fetch floor", floor));
  }
  const sdkClient = (name, CohereClient) => {
    const client = new CohereClient({ token: TOKEN, baseUrl });
    return {
      name,
      retrieve: (id) => client.batches.retrieve(id),
      list: () => client.batches.list({ page_size: LIST_PAGE_SIZE }),
    };
  };
  if (include.includes("cohere-batches")) clients.push(sdkClient("cohere-batches", (await loadSdk()).CohereClient));
  for (const variant of variants) clients.push(sdkClient(variant.name, (await loadSdk(variant.path)).CohereClient));
  if (include.includes("openapi-fetch")) {
    // openapi-fetch's own client (what the SDK builds its URLs with): no checks, no retries.
    const { default: createClient } = await import("openapi-fetch");
    const client = createClient({ baseUrl, headers: { Authorization: `Bearer ${TOKEN}` } });
    clients.push({
      name: "openapi-fetch",
      retrieve: async (id) => (await client.GET("/v2/batches/{id}", { params: { path: { id } } })).data,
      list: async () => (await client.GET("/v2/batches", { params: { query: { page_size: LIST_PAGE_SIZE } } })).data,
    });
  }
  if (include.includes("openai")) {
    // openai 6.49.0 (7.x needs Node 22): its low-level `get` is the same request path its
    // resources use (headers, retries, timeout, JSON parse), without OpenAI-specific resources.
    // Defaults kept (2 retries, 10 min timeout): nothing fails against the loopback server.
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ apiKey: TOKEN, baseURL: baseUrl });
    clients.push({
      name: "openai",
      retrieve: (id) => client.get(`/v2/batches/${encodeURIComponent(id)}`),
      list: () => client.get("/v2/batches", { query: { page_size: LIST_PAGE_SIZE } }),
    });
  }
  if (include.includes("cohere-ai")) {
    const { CohereClient } = await import("cohere-ai");
    // cohere-ai 8.1.0 takes `baseUrl` ("a custom URL") or `environment`; batches use either.
    const client = new CohereClient({ token: TOKEN, baseUrl });
    clients.push({
      name: "cohere-ai",
      retrieve: (id) => client.batches.retrieve(id),
      list: () => client.batches.list({ pageSize: LIST_PAGE_SIZE }),
    });
  }
  if (include.includes("ky")) {
    // ky 1.14.3 (2.x needs Node 22), defaults kept: 2 retries on GET, 10 s timeout per attempt.
    const { default: ky } = await import("ky");
    const headers = { Authorization: `Bearer ${TOKEN}` };
    clients.push({
      name: "ky",
      retrieve: (id) => ky.get(`${baseUrl}/v2/batches/${encodeURIComponent(id)}`, { headers }).json(),
      list: () => ky.get(listUrl, { headers }).json(),
    });
  }
  return clients;
}

/** `global.gc` when the process was started with --expose-gc, else a no-op. */
export const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};

/**
 * A scavenge only (`gc({ type: "minor" })`): empties the young generation, so that one client's
 * garbage is not collected on the next one's time, and leaves the JIT's work alone.
 *
 * @remarks
 * Not `gc()`: V8's forced full GC also discards optimized code. Measured with `--trace-opt` on
 * Node 20 (bench/profile.mjs, `BENCH_PROFILE_GC=1`): after each forced full GC, TurboFan
 * re-optimized about 60 functions during the SDK's next 1,000-call sample and 30 during plain
 * fetch's; after a scavenge, or after the major GCs V8 runs on its own, 1 to 2. Every sample
 * then measured a warm-up, and a client with more JavaScript paid more of it.
 */
export const minorGc = () => gc({ type: "minor" });
