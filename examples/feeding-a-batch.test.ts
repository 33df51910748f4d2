// The README's datasets example: feed a batch from a JSONL file on disk, or from an array of requests.
import { createReadStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CohereClient, CohereDatasetValidationError } from "cohere-batches";
import { FakeCohere, RealClock } from "cohere-batches/testing";
import { expect, it } from "vitest";

// A fake Cohere whose clock runs 100 times fast: validation takes 15 ms.
const fake = new FakeCohere({ clock: new RealClock({ speed: 100 }) });
const client = new CohereClient({ token: "test-token", fetch: fake.fetch });

it("uploads a JSONL file from disk, streamed, and starts a batch on it", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "requests-")), "requests.jsonl");
  writeFileSync(path, '{"custom_id":"1","body":{"input_type":"search_document","texts":["hello"]}}\n');

  const { id } = await client.datasets.create({
    name: "nightly-embeddings",
    type: "batch-embed-v2-input",
    data: createReadStream(path), // streamed as it is read, so it is sent once, never retried
    filename: "requests.jsonl",
  });
  const dataset = await client.datasets.waitUntilValidated(id, { pollIntervalInSeconds: 0.01 });
  const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: dataset.id, model: "embed-v4.0" });
  expect(batch.num_records).toBe(1);
});

it("uploads an array of requests as JSONL, and a malformed one fails validation by line", async () => {
  const requests = [
    { custom_id: "1", body: { messages: [{ role: "user", content: "Hi" }] } },
    { custom_id: "1", body: { messages: [{ role: "user", content: "Hi again" }] } }, // custom_id repeated
  ];
  const { id } = await client.datasets.create({ name: "chats", type: "batch-chat-v2-input", data: requests });
  const error = await client.datasets.waitUntilValidated(id, { pollIntervalInSeconds: 0.01 }).catch((e) => e);
  expect(error).toBeInstanceOf(CohereDatasetValidationError);
  expect(error.validationError).toBe('chats.jsonl line 2 repeats custom_id "1"');
});
