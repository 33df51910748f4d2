// A streamed 1 GiB dataset upload to the fake, measuring the client's memory.
//
//   npm run build && node bench/upload-memory.mjs [GiB] [--blob]
//
// The fake runs in a child process (it parses and keeps the upload: that memory is the
// server's, not the SDK's). The parent uploads JSONL lines made on the fly by an async
// generator, the way a Node read stream would deliver a file, and samples its own RSS every
// 20 ms. The SDK sends the stream as it is read (a one-shot body), so the client's peak RSS
// should stay near its baseline whatever the size. `--blob` uploads the same bytes from a file
// on disk opened with fs.openAsBlob (a replayable body) for comparison.
import { fork } from "node:child_process";
import { openAsBlob, rmSync, writeFileSync, appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const gib = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 1);
const asBlob = process.argv.includes("--blob");
const totalBytes = Math.round(gib * 1024 ** 3);
const LINE_BYTES = 1024;

if (process.argv.includes("--child")) {
  const { FakeCohere, startFakeCohereServer } = await import("../dist/testing/index.node.mjs");
  const fake = new FakeCohere({ datasetLifecycle: { queuedForMs: 0, processingForMs: 0 } });
  const server = await startFakeCohereServer(fake);
  let peak = 0;
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
  process.on("message", (message) => {
    if (message === "peak") process.send?.({ peak });
  });
  // The child lives as long as its parent: it ends when the IPC channel closes, however the parent ended.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ url: server.url });
} else {
  await main();
}

function line(n) {
  const head = `{"custom_id":"${n}","body":{"input_type":"search_document","texts":["`;
  const tail = `"]}}\n`;
  return head + "x".repeat(LINE_BYTES - head.length - tail.length) + tail;
}

/** JSONL of `totalBytes` (rounded to whole lines), 1 MiB per chunk. */
async function* jsonl() {
  const encoder = new TextEncoder();
  const perChunk = 1024;
  const lines = Math.floor(totalBytes / LINE_BYTES);
  for (let n = 0; n < lines; n += perChunk) {
    let text = "";
    for (let i = n; i < Math.min(lines, n + perChunk); i++) text += line(i);
    yield encoder.encode(text);
  }
}

async function main() {
  const { CohereClient } = await import("../dist/node/index.mjs");
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  process.on("exit", () => child.kill("SIGKILL"));
  const { url } = await new Promise((resolve) => child.once("message", resolve));
  let data = jsonl();
  let file;
  if (asBlob) {
    file = join(mkdtempSync(join(tmpdir(), "upload-bench-")), "requests.jsonl");
    writeFileSync(file, "");
    for await (const chunk of jsonl()) appendFileSync(file, chunk);
    data = await openAsBlob(file);
  }
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const client = new CohereClient({ token: "test-token", baseUrl: url, timeoutInSeconds: 600 });
  const started = performance.now();
  const { id } = await client.datasets.create({ name: "big", type: "batch-embed-v2-input", data });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const { dataset } = await client.datasets.retrieve(id);
  child.send("peak");
  const { peak: serverPeak } = await new Promise((resolve) => child.once("message", resolve));
  child.disconnect();
  if (file) rmSync(file, { force: true });
  const mb = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  console.log(
    JSON.stringify(
      {
        kind: asBlob ? "fs.openAsBlob file (replayable)" : "async generator (one-shot stream)",
        uploaded: mb(dataset.dataset_parts?.[0]?.size_bytes ?? 0),
        rows: dataset.dataset_parts?.[0]?.num_rows,
        status: dataset.validation_status,
        seconds: Number(seconds.toFixed(1)),
        clientRssBaseline: mb(baseline),
        clientRssPeak: mb(peak),
        clientRssGrowth: mb(peak - baseline),
        fakeServerRssPeak: mb(serverPeak),
      },
      null,
      2,
    ),
  );
}
