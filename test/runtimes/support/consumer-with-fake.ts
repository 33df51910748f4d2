// Setup shared by the runtimes that cannot start the fake themselves (workerd, edge-runtime):
// a fresh consumer project with the tarball and fixtures installed, and the fake served over
// HTTP on 127.0.0.1 by this test process, both made once per file and torn down after it.
import { afterAll, beforeAll } from "vitest";
import {
  FakeCohere,
  type FakeCohereOptions,
  type FakeCohereServer,
  startFakeCohereServer,
} from "../../../src/testing/index.node.js";
import { type Consumer, createConsumer } from "./package.js";

export interface ConsumerWithFake {
  readonly consumer: Consumer;
  readonly server: FakeCohereServer;
  readonly fake: FakeCohere;
}

/** Registers the hooks; read the fields inside tests, after `beforeAll` has run. */
export function useConsumerWithFake(
  name: string,
  files: Readonly<Record<string, string>>,
  fakeOptions: FakeCohereOptions = {},
): ConsumerWithFake {
  const state = { fake: new FakeCohere(fakeOptions) } as {
    consumer: Consumer;
    server: FakeCohereServer;
    fake: FakeCohere;
  };
  beforeAll(async () => {
    [state.consumer, state.server] = await Promise.all([
      createConsumer({ name, type: "module", files }),
      startFakeCohereServer(state.fake),
    ]);
  }, 120_000);
  afterAll(async () => {
    await state.server?.close();
    state.consumer?.remove();
  });
  return state;
}
