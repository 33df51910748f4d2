/**
 * Every misuse of the fake is refused as the rest of its misuse is: a `TypeError` or a
 * `RangeError` whose message names what was wrong, never a bare `Error` a test cannot tell from
 * a failure of the code under test.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startFakeCohereServer as startUniversal } from "../../src/testing/index.js";
import { FakeCohere, type FakeCohereServer, startFakeCohereServer } from "../../src/testing/index.node.js";

function thrown(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe("addBatches with an id a batch has already", () => {
  it("is a RangeError naming init.id, and adds nothing", () => {
    const fake = new FakeCohere();
    const [first] = fake.addBatches(1, { id: "batch-a", name: "first" });
    const error = thrown(() => fake.addBatches(1, { id: "batch-a", name: "second" }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toBe('init.id "batch-a" is the id of a batch already');
    expect(fake.listBatches()).toEqual([first]);
  });

  it("is refused for the id of a batch created through the API too", async () => {
    const fake = new FakeCohere();
    const response = await fake.fetch("https://api.cohere.com/v2/batches", {
      method: "POST",
      headers: { authorization: "Bearer test-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }),
    });
    const { batch } = (await response.json()) as { batch: { id: string } };
    const error = thrown(() => fake.addBatches(1, { id: batch.id }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toBe(`init.id ${JSON.stringify(batch.id)} is the id of a batch already`);
    expect(fake.listBatches().map((listed) => listed.id)).toEqual([batch.id]);
  });

  it("is taken again once reset({ batches: true }) has forgotten the batch", () => {
    const fake = new FakeCohere();
    fake.addBatches(1, { id: "batch-a" });
    fake.reset({ batches: true });
    expect(fake.addBatches(1, { id: "batch-a" }).map((batch) => batch.id)).toEqual(["batch-a"]);
  });
});

describe("startFakeCohereServer for a fake a server serves already", () => {
  const servers: FakeCohereServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("rejects with a RangeError naming that server", async () => {
    const fake = new FakeCohere();
    const server = await startFakeCohereServer(fake);
    servers.push(server);
    const error = await startFakeCohereServer(fake).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toBe(
      `this FakeCohere is already served at ${server.url}: close that server first, or give each server a FakeCohere of its own`,
    );
  });
});

describe("the universal build's startFakeCohereServer", () => {
  async function rejection(started: Promise<unknown>): Promise<Error | undefined> {
    return started.then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
  }

  it("refuses a bad argument as the Node build does, before it says the build has no server", async () => {
    const refusals: [Parameters<typeof startUniversal>, ErrorConstructor, string][] = [
      [[null as never], TypeError, "fake must be a FakeCohere"],
      [[new FakeCohere(), { port: 70_000 }], RangeError, "port must be an integer from 0 to 65535, got 70000"],
      [
        [new FakeCohere(), { prot: 1 } as never],
        TypeError,
        "options.prot is not an option (misspelt?); known: port, host",
      ],
    ];
    for (const [args, kind, message] of refusals) {
      for (const error of [await rejection(startUniversal(...args)), await rejection(startFakeCohereServer(...args))]) {
        expect(error).toBeInstanceOf(kind);
        expect(error?.message).toBe(message);
      }
    }
    const error = await rejection(startUniversal(new FakeCohere()));
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.message).toMatch(/^startFakeCohereServer needs Node's HTTP server/);
  });
});
