// A body that stalls after its headers ends with the attempt's timeout, every time. Node 20's
// fetch left one it was reading when the signal fired pending for good (headers and half a body
// in, on a kept-alive connection): trusted to end the read itself, the SDK hung past its timeout.
import { describe, expect, it } from "vitest";
import { CohereTimeoutError } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();
const LINE = { custom_id: "1", body: { input_type: "search_document", texts: ["x"] } };

/** Settles like `work`, or with "hung" once `ms` have passed. */
function within<T>(work: Promise<T>, ms: number): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), ms);
  });
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

describe("a body that stalls after its headers", () => {
  it("ends each attempt at its timeout, round after round on kept-alive connections", async () => {
    const client = server.client({ maxRetries: 2, timeoutInSeconds: 0.3 });
    const upload = (round: number) =>
      client.datasets.create(
        { name: "stalls", type: "batch-embed-v2-input", data: [LINE] },
        { idempotencyKey: `stalls-${round}` },
      );
    for (let round = 0; round < 4; round++) {
      // One stalled answer, then a good one: the attempt after the stall reuses a connection.
      server.fake.inject("datasets.create", { type: "stall-body" });
      expect(await within(upload(round), 5_000)).toHaveProperty("id");
      // Every attempt stalls: three attempts of 0.3 s and their backoff, then the timeout.
      server.fake.inject("datasets.create", { type: "stall-body" }, { times: 3 });
      const error = await within(
        upload(round + 100).catch((e: unknown) => e),
        5_000,
      );
      expect(error).toBeInstanceOf(CohereTimeoutError);
    }
  }, 60_000);
});
