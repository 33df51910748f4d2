// The README's worked example: testing your own code against cohere-batches/testing.
import { BatchStatus, CohereClient, TooManyRequestsError } from "cohere-batches";
import { FakeCohere, ManualClock } from "cohere-batches/testing";
import { expect, it } from "vitest";

// Your code: starts a batch and waits for it.
async function runNightlyBatch(client: CohereClient): Promise<string | undefined> {
  const { batch } = await client.batches.create({ name: "nightly", input_dataset_id: "ds-1", model: "command-r" });
  const done = await client.batches.waitUntilDone(batch.id, { pollIntervalInSeconds: 0.01 });
  return done.status;
}

it("completes the nightly batch", async () => {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock });
  // No server needed: the fake's fetch handles requests in memory, in any runtime. The fake
  // accepts "test-token" unless given other tokens (`new FakeCohere({ tokens })`).
  const client = new CohereClient({ token: "test-token", fetch: fake.fetch });

  const advance = setInterval(() => clock.advance(5_000), 5); // time flies in the fake
  try {
    expect(await runNightlyBatch(client)).toBe(BatchStatus.Completed);
  } finally {
    clearInterval(advance);
  }
  expect(fake.count("create")).toBe(1);
});

it("surfaces rate limiting once retries are spent", async () => {
  const fake = new FakeCohere();
  fake.inject("create", { type: "status", status: 429, retryAfterMs: 1 }, { times: 3 });
  const client = new CohereClient({ token: "test-token", fetch: fake.fetch, maxRetries: 2 });

  await expect(runNightlyBatch(client)).rejects.toBeInstanceOf(TooManyRequestsError);
  expect(fake.count("create")).toBe(3); // 429 means "not acted on": create is retried
});
