// A fake on a real clock, sped up, for runtimes that run `batches.run` against it and cannot move
// a manual clock: dataset validation at once, a batch of 30 records done in a few milliseconds,
// every 10th record failing. Served over HTTP (API and download origins) for the test file.
import { afterAll, beforeAll } from "vitest";
import {
  FakeCohere,
  type FakeCohereServer,
  RealClock,
  startFakeCohereServer,
} from "../../../src/testing/index.node.js";

export function useRealClockFake(): { readonly fake: FakeCohere; readonly server: FakeCohereServer } {
  const state = {
    fake: new FakeCohere({
      clock: new RealClock({ speed: 20 }),
      datasetLifecycle: { queuedForMs: 0, processingForMs: 0 },
      lifecycle: { queuedForMs: 200, recordsPerSecond: 600, failEveryNthRecord: 10 },
    }),
  } as { fake: FakeCohere; server: FakeCohereServer };
  beforeAll(async () => {
    state.server = await startFakeCohereServer(state.fake);
  });
  afterAll(() => state.server?.close());
  return state;
}
