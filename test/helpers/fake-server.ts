import { afterAll, afterEach, beforeAll } from "vitest";
import { CohereClient, type CohereClientOptions } from "../../src/index.js";
import { FakeCohere, ManualClock, startFakeCohereServer, type FakeCohereServer } from "../../src/testing/index.node.js";

/**
 * One fake Cohere HTTP server on 127.0.0.1 for a test file, reset between tests.
 * `client()` makes an SDK client pointed at it.
 */
export function useFakeServer() {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock, seed: 7 });
  const state = {} as { server: FakeCohereServer };
  beforeAll(async () => {
    state.server = await startFakeCohereServer(fake);
  });
  afterAll(async () => {
    await state.server.close();
  });
  afterEach(() => {
    fake.reset({ batches: true });
  });
  return {
    fake,
    clock,
    get url() {
      return state.server.url;
    },
    client(options: CohereClientOptions = {}) {
      return new CohereClient({ token: "test-token", baseUrl: state.server.url, ...options });
    },
  };
}

/** The create body every test uses. */
export const newBatch = { name: "nightly", input_dataset_id: "ds-1", model: "command-r" } as const;
