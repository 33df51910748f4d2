import { afterAll, afterEach, beforeAll } from "vitest";
import { CohereClient, type CohereClientOptions } from "../../src/index.js";
import {
  FakeCohere,
  type FakeCohereOptions,
  type FakeCohereServer,
  ManualClock,
  startFakeCohereServer,
} from "../../src/testing/index.node.js";

/** Embed requests, one per line: `{ custom_id: "r<i>", body: { input_type, texts: ["text <i>"] } }`. */
export function embedRequests(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    custom_id: `r${i}`,
    body: { input_type: "search_document", texts: [`text ${i}`] },
  }));
}

/**
 * A fake over HTTP (API origin and download origin) for a test file, on a manual clock, with
 * every 7th record failing; `completedBatch` uploads requests and moves the clock until the
 * batch is done.
 */
export function useResultsFake(options: FakeCohereOptions = {}) {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock, seed: 11, lifecycle: { failEveryNthRecord: 7 }, ...options });
  const state = {} as { server: FakeCohereServer };
  beforeAll(async () => {
    state.server = await startFakeCohereServer(fake);
  });
  afterAll(() => state.server.close());
  afterEach(() => fake.reset({ batches: true }));
  const client = (more: CohereClientOptions = {}) =>
    new CohereClient({ token: "test-token", baseUrl: state.server.url, maxRetries: 2, ...more });
  return {
    fake,
    clock,
    client,
    get server() {
      return state.server;
    },
    /** Uploads `requests`, creates a batch on them and completes it; resolves with the batch. */
    async completedBatch(
      requests: Record<string, unknown>[] = embedRequests(50),
      type = "batch-embed-v2-input",
      model = "embed-v4.0",
    ) {
      const api = client();
      const { id } = await api.datasets.create({ name: "results-test", type, data: requests });
      clock.advance(60_000);
      const { batch } = await api.batches.create({ name: "results-test", input_dataset_id: id, model });
      clock.advance(3_600_000);
      return (await api.batches.retrieve(batch.id as string)).batch;
    },
  };
}

/** Every record of an async iterable. */
export async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record);
  return all;
}
