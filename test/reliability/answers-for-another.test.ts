import { describe, expect, it } from "vitest";
import { CohereParseError, type MiddlewarePlugin } from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

// A call that asks for one thing by id (`retrieve`) and gets an answer about another, from a
// proxy's cache or a plugin's keyed wrongly: a parse error, never another thing's data handed
// on as the one asked for (a wait ending on another batch's status, `run` reading its results).
const server = useFakeServer();
const JSONL = '{"custom_id":"1","body":{}}\n';

describe("an answer about another batch or dataset than the one asked for", () => {
  it("fails batches.retrieve and waitUntilDone with CohereParseError naming both ids", async () => {
    const client = server.client({ maxRetries: 0 });
    const { batch: asked } = await client.batches.create(newBatch);
    const { batch: other } = await client.batches.create(newBatch);
    await client.batches.cancel(other.id);
    server.clock.advance(60_000);
    const otherAnswer = await client.batches.retrieve(other.id);
    expect(otherAnswer.batch.status).toBe("BATCH_STATUS_CANCELED");

    server.fake.inject("retrieve", { type: "status", status: 200, body: otherAnswer }, { times: 2 });
    const failure = await client.batches.retrieve(asked.id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CohereParseError);
    expect((failure as CohereParseError).status).toBe(200);
    expect((failure as CohereParseError).issues).toEqual([
      `batch.id: "${other.id}" is not the id asked for ("${asked.id}")`,
    ]);
    // The wait does not end on the other batch's terminal status.
    const wait = await client.batches
      .waitUntilDone(asked.id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 5 })
      .catch((error: unknown) => error);
    expect(wait).toBeInstanceOf(CohereParseError);
    // Once the server answers for the batch asked for, the same calls go through.
    expect((await client.batches.retrieve(asked.id)).batch.id).toBe(asked.id);
    expect((await client.batches.withRawResponse.retrieve(asked.id)).data.batch.status).not.toBe(
      "BATCH_STATUS_CANCELED",
    );
  });

  it("fails datasets.retrieve and waitUntilValidated the same way", async () => {
    const client = server.client({ maxRetries: 0 });
    const { id: asked } = await client.datasets.create({ name: "a", type: "batch-chat-v2-input", data: JSONL });
    const { id: other } = await client.datasets.create({ name: "b", type: "batch-chat-v2-input", data: JSONL });
    server.clock.advance(2000);
    const otherAnswer = await client.datasets.retrieve(other);
    expect(otherAnswer.dataset.validation_status).toBe("validated");

    server.fake.inject("datasets.retrieve", { type: "status", status: 200, body: otherAnswer }, { times: 2 });
    const failure = await client.datasets.retrieve(asked).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CohereParseError);
    expect((failure as CohereParseError).issues).toEqual([
      `dataset.id: "${other}" is not the id asked for ("${asked}")`,
    ]);
    const wait = await client.datasets
      .waitUntilValidated(asked, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 5 })
      .catch((error: unknown) => error);
    expect(wait).toBeInstanceOf(CohereParseError);
    expect((await client.datasets.retrieve(asked)).dataset.id).toBe(asked);
  });

  it("fails a call whose call-phase plugin hands it the checked answer of another retrieve", async () => {
    const client = server.client({ maxRetries: 0 });
    const { batch: first } = await client.batches.create(newBatch);
    const { batch: second } = await client.batches.create(newBatch);
    // A cache keyed on the operation alone: the second retrieve gets the first one's Response.
    let cached: Response | undefined;
    const confusedCache: MiddlewarePlugin = {
      name: "confused-cache",
      phase: "call",
      async handle(request, next, context) {
        if (context.operation !== "batches.retrieve") return next(request);
        if (cached) return cached;
        cached = await next(request);
        return cached;
      },
    };
    client.use(confusedCache);
    expect((await client.batches.retrieve(first.id)).batch.id).toBe(first.id);
    const failure = await client.batches.retrieve(second.id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CohereParseError);
    expect((failure as CohereParseError).issues).toEqual([
      `batch.id: "${first.id}" is not the id asked for ("${second.id}")`,
    ]);
  });

  it("takes the id asked for back in another case (a UUID the service takes in any case)", async () => {
    const client = server.client({ maxRetries: 0 });
    const { batch } = await client.batches.create(newBatch);
    const asked = "0B9F3A52-6C1E-4D7A-9A43-5F2E8C7D1A90";
    const answer = { batch: { ...(await client.batches.retrieve(batch.id)).batch, id: asked.toLowerCase() } };
    server.fake.inject("retrieve", { type: "status", status: 200, body: answer });
    expect((await client.batches.retrieve(asked)).batch.id).toBe(asked.toLowerCase());
  });

  it("keeps the token out of the message when a server echoes it as the id", async () => {
    const client = server.client({ maxRetries: 0 });
    const { batch } = await client.batches.create(newBatch);
    const echoed = { batch: { ...(await client.batches.retrieve(batch.id)).batch, id: "id-test-token" } };
    server.fake.inject("retrieve", { type: "status", status: 200, body: echoed });
    const failure = (await client.batches.retrieve(batch.id).catch((error: unknown) => error)) as CohereParseError;
    expect(failure).toBeInstanceOf(CohereParseError);
    expect(JSON.stringify({ message: failure.message, issues: failure.issues, text: failure.text })).not.toContain(
      "test-token",
    );
    expect(failure.issues[0]).toMatch(/^batch\.id: "id-\[REDACTED\]" is not the id asked for/);
  });
});
