import { describe, expect, it } from "vitest";
import { CohereClient, CohereParseError } from "../../src/index.js";

const withoutId = { name: "n", input_dataset_id: "d", model: "m", status: "BATCH_STATUS_QUEUED" };

function clientAnswering(body: unknown): CohereClient {
  const fetch = async () => Response.json(body);
  return new CohereClient({ token: "t", fetch, maxRetries: 0 });
}

describe("Batch.id is a string in every response, checked at run time", () => {
  it("a created or retrieved batch without an id is a CohereParseError naming batch.id", async () => {
    for (const call of [
      (client: CohereClient) => client.batches.create({ name: "n", input_dataset_id: "d", model: "m" }),
      (client: CohereClient) => client.batches.retrieve("b"),
    ]) {
      const error = await call(clientAnswering({ batch: withoutId })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as CohereParseError).issues.join()).toMatch(/batch\.id/);
    }
  });

  it("a listed batch without an id is a CohereParseError naming its index", async () => {
    const error = await clientAnswering({ batches: [{ ...withoutId, id: "a" }, withoutId] })
      .batches.list()
      .catch((e: unknown) => e);
    expect((error as CohereParseError).issues.join()).toMatch(/batches\.1\.id/);
  });

  it("a batch with an id passes, and its id is typed string (no `!` needed)", async () => {
    const { batch } = await clientAnswering({ batch: { ...withoutId, id: "b-1" } }).batches.retrieve("b-1");
    const id: string = batch.id;
    expect(id).toBe("b-1");
  });
});
