// `npm run demo`: the SDK at work against the built-in fake Cohere service, over real HTTP on
// 127.0.0.1. Imports the package by its own name, so it runs the built `node` export.
import { CohereClient, NotFoundError } from "cohere-batches";
import { FakeCohere, RealClock, startFakeCohereServer } from "cohere-batches/testing";

const interactive = process.stdout.isTTY === true;
const say = (text = "") => process.stdout.write(`${text}\n`);

// Real time, ten times faster: a 1,000-record batch takes about a second.
const fake = new FakeCohere({
  clock: new RealClock({ speed: 10 }),
  lifecycle: { queuedForMs: 1_000, recordsPerSecond: 150, numRecords: 1_000 },
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
  say("1. create three batches");
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
