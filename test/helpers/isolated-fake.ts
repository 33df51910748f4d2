import { CohereClient, type CohereClientOptions } from "../../src/index.js";
import { FakeCohere, ManualClock, startFakeCohereServer, type FakeCohereServer } from "../../src/testing/index.node.js";

/** A fake and its HTTP server of one's own, for tests that run concurrently. */
export interface IsolatedFake {
  readonly fake: FakeCohere;
  readonly server: FakeCohereServer;
  client(options?: CohereClientOptions): CohereClient;
  close(): Promise<void>;
}

export async function startIsolatedFake(seed = 1): Promise<IsolatedFake> {
  const fake = new FakeCohere({ clock: new ManualClock(), seed });
  const server = await startFakeCohereServer(fake);
  return {
    fake,
    server,
    client: (options = {}) => new CohereClient({ token: "test-token", baseUrl: server.url, ...options }),
    close: () => server.close(),
  };
}
