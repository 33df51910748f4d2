// `npm run demo`: the SDK at work against the built-in fake Cohere service, over real HTTP on
// 127.0.0.1. Imports the package by its own name, so it runs the built `node` export.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CohereClient, NotFoundError } from "cohere-batches";
import { FakeCohere, RealClock, startFakeCohereServer } from "cohere-batches/testing";

const interactive = process.stdout.isTTY === true;
const say = (text = "") => process.stdout.write(`${text}\n`);

// Real time, ten times faster: a 1,000-record batch takes about a second.
const fake = new FakeCohere({
  clock: new RealClock({ speed: 10 }),
  lifecycle: { queuedForMs: 1_000, recordsPerSecond: 150, numRecords: 1_000, failEveryNthRecord: 40 },
});
const server = await startFakeCohereServer(fake);
say(`Fake Cohere batches service on ${server.url}\n`);

/** A plugin: logs every attempt, so the retry further down is visible. */
const attempts = [];
const recordAttempts = async (request, next, context) => {
  attempts.push(`${context.operation} attempt ${context.attempt}`);
  return next(request);
};

const client = new CohereClient({
  token: "test-token",
  baseUrl: server.url,
  clientName: "demo",
  middleware: [recordAttempts],
});

try {
  say("0. the whole workflow: a JSONL file of embed requests -> batches.run -> results");
  await wholeWorkflow();

  say("\n1. create three batches");
  const created = [];
  for (const [name, dataset] of [
    ["translate-faq", "ds-faq"],
    ["summarise-tickets", "ds-tickets"],
    ["classify-broken", "ds-fail-1"],
  ]) {
    const { batch } = await client.batches.create(
      { name, input_dataset_id: dataset, model: "command-r" },
      { idempotencyKey: `demo-${name}` },
    );
    created.push(batch);
    say(`   ${batch.id}  ${batch.name.padEnd(18)} ${batch.status}`);
  }

  say("\n2. waitUntilDone, with progress");
  for (const batch of created.slice(0, 3)) {
    const done = await client.batches.waitUntilDone(batch.id, {
      pollIntervalInSeconds: 0.05,
      onProgress: (b) => progress(b),
    });
    if (interactive) process.stdout.write("\n");
    say(
      `   ${done.name}: ${done.status}${done.status_reason ? ` (${done.status_reason})` : ""}, ${done.num_successful_records} ok, ${done.num_failed_records} failed, ${done.input_tokens} input tokens`,
    );
  }

  say("\n3. cancel one");
  const { batch: doomed } = await client.batches.create({
    name: "too-big",
    input_dataset_id: "ds-huge",
    model: "command-r",
  });
  await client.batches.cancel(doomed.id);
  say(`   after cancel: ${(await client.batches.retrieve(doomed.id)).batch.status}`);
  const canceled = await client.batches.waitUntilDone(doomed.id, { pollIntervalInSeconds: 0.05 });
  say(`   then:         ${canceled.status}`);

  say("\n4. listAll across pages (page_size 3)");
  fake.addBatches(5);
  let count = 0;
  for await (const batch of client.batches.listAll({ page_size: 3 })) {
    count++;
    if (count <= 3) say(`   ${batch.id}  ${batch.status}`);
  }
  say(`   ... ${count} batches in ${fake.count("list")} pages`);

  say("\n5. the raw response");
  const raw = await client.batches.withRawResponse.retrieve(created[0].id);
  say(`   status ${raw.status}, content-type ${raw.headers.get("content-type")}, request id ${raw.requestId}`);

  say("\n6. a retry: the server answers 503 once");
  fake.inject("list", { type: "status", status: 503, retryAfterMs: 200, body: { message: "overloaded" } });
  attempts.length = 0;
  await client.batches.list({ page_size: 1 });
  say(`   ${attempts.join(", ")}: recovered after the 200 ms the server asked for`);

  say("\n7. a typed error");
  try {
    await client.batches.retrieve("no-such-batch");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    say(`   ${error.name}: status ${error.status}, "${error.message}", request id ${error.requestId}`);
  }
  say("\nDone.");
} finally {
  await server.close();
}

/** `requests.jsonl` on disk, `run` with a progress line by phase, results matched by `custom_id`. */
async function wholeWorkflow() {
  const dir = await mkdtemp(join(tmpdir(), "cohere-batches-demo-"));
  try {
    const texts = new Map();
    const lines = [];
    for (let i = 1; i <= 200; i++) {
      const text = `document ${i}: ${["apples", "batches", "clouds", "dunes"][i % 4]} and more`;
      texts.set(`doc-${i}`, text);
      lines.push(JSON.stringify({ custom_id: `doc-${i}`, body: { input_type: "search_document", texts: [text] } }));
    }
    const file = join(dir, "requests.jsonl");
    await writeFile(file, `${lines.join("\n")}\n`);
    say(`   wrote ${lines.length} requests to ${file}`);
    const run = await client.batches.run({
      name: "demo-embeddings",
      model: "embed-v4.0",
      type: "batch-embed-v2-input",
      requests: createReadStream(file),
      pollIntervalInSeconds: 0.05,
      timeoutInSeconds: 60,
      onProgress: runProgress,
    });
    if (interactive) process.stdout.write("\n");
    say(`   ${run.batch.id}: ${run.batch.status}, output dataset ${run.batch.output_dataset_id}`);
    let ok = 0;
    const failed = [];
    const shown = [];
    for await (const result of run.results()) {
      if (result.error) failed.push(result);
      else ok++;
      if (!result.error && shown.length < 3) shown.push(result);
    }
    for (const result of shown) {
      const vector = result.body.embeddings.float[0].slice(0, 3).map((x) => x.toFixed(3));
      say(`   ${result.custom_id.padEnd(8)} "${texts.get(result.custom_id)}" -> [${vector.join(", ")}, ...]`);
    }
    say(`   ${ok} results, ${failed.length} failed (${failed[0]?.custom_id}: ${failed[0]?.error?.message})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runProgress({ phase, dataset, batch }) {
  const detail = batch
    ? `${(batch.num_successful_records ?? 0) + (batch.num_failed_records ?? 0)}/${batch.num_records ?? "?"} records`
    : (dataset?.validation_status ?? "");
  if (interactive) process.stdout.write(`\r   ${phase.padEnd(10)} ${detail.padEnd(30)}`);
  else if (phase !== runProgress.last) {
    runProgress.last = phase;
    say(`   ${phase} ${detail}`);
  }
}

function progress(batch) {
  const total = batch.num_records ?? 0;
  const finished = (batch.num_successful_records ?? 0) + (batch.num_failed_records ?? 0);
  const status = (batch.status ?? "").replace("BATCH_STATUS_", "");
  if (interactive) {
    const width = 30;
    const filled = total === 0 ? 0 : Math.round((finished / total) * width);
    process.stdout.write(
      `\r   ${batch.name.padEnd(18)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(finished).padStart(5)}/${total} ${status.padEnd(12)}`,
    );
  } else if (status !== progress.last) {
    progress.last = status;
    say(`   ${batch.name}: ${status} ${finished}/${total}`);
  }
}
