import { describe, expect, it, vi } from "vitest";
import { BatchesClient, CohereClient, CohereError, type Middleware } from "../../src/index.js";
import { newBatch, useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

/** Every method of the classes behind `object`, as `class.method` names. */
function methodsOf(object: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(object); proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto))
      if (name !== "constructor" && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === "function")
        names.push(name);
  return names;
}

describe("a method taken off its client", () => {
  it("reaches its client: every public method is the client's own, bound to it", () => {
    const client = server.client();
    const clients = {
      client,
      batches: client.batches,
      "batches.withRawResponse": client.batches.withRawResponse,
      datasets: client.datasets,
      "datasets.withRawResponse": client.datasets.withRawResponse,
    };
    const seen: string[] = [];
    for (const [where, object] of Object.entries(clients))
      for (const name of methodsOf(object)) {
        seen.push(`${where}.${name}`);
        const own = Object.getOwnPropertyDescriptor(object, name);
        expect(own?.value, `${where}.${name}`).toBeTypeOf("function");
        // Named as the method: a stack reads `BatchesClient.list`.
        expect(own?.value.name).toBe(name);
        // Left out of a log or a spread of the client, and open to a test's spy.
        expect(own).toMatchObject({ enumerable: false, writable: true, configurable: true });
      }
    // The list is the classes' own: a method added later is bound without a change here.
    expect(seen).toEqual(
      expect.arrayContaining([
        "client.use",
        "client.describeMiddleware",
        "batches.list",
        "batches.listAll",
        "batches.waitUntilDone",
        "batches.results",
        "batches.run",
        "batches.withRawResponse.retrieve",
        "datasets.create",
        "datasets.waitUntilValidated",
        "datasets.records",
        "datasets.withRawResponse.delete",
      ]),
    );
    // Each client has its own bound copies: two clients never share one.
    expect(server.client().batches.list).not.toBe(client.batches.list);
  });

  it("works destructured, as a callback and chained", async () => {
    const client = server.client();
    const { create, retrieve, list, listAll, cancel, waitUntilDone } = client.batches;
    const { batch } = await create(newBatch);
    expect((await retrieve(batch.id)).batch.id).toBe(batch.id);
    const ids = [batch.id, (await create(newBatch)).batch.id];
    const retrieved = await Promise.all(ids.map((id) => retrieve(id)));
    expect(retrieved.map((r) => r.batch.id)).toEqual(ids);
    expect((await list()).batches?.map((b) => b.id).sort()).toEqual([...ids].sort());
    const walked: string[] = [];
    for await (const b of listAll({ page_size: 1 })) walked.push(b.id);
    expect(walked.sort()).toEqual([...ids].sort());
    await cancel(batch.id);
    server.clock.advance(60_000);
    expect((await waitUntilDone(batch.id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 5 })).status).toBe(
      "BATCH_STATUS_CANCELED",
    );

    const { retrieve: rawRetrieve } = client.batches.withRawResponse;
    const raw = await rawRetrieve(batch.id);
    expect(raw.status).toBe(200);
    expect(raw.data.batch.id).toBe(batch.id);

    const { use, describeMiddleware } = client;
    const seen: string[] = [];
    const recordMethod: Middleware = (request, next) => {
      seen.push(request.method);
      return next(request);
    };
    expect(use(recordMethod)).toBe(client);
    expect(describeMiddleware().length).toBeGreaterThan(0);
    await client.batches.retrieve(batch.id);
    expect(seen).toEqual(["GET"]);

    const { list: listDatasets, usage } = client.datasets;
    await expect(listDatasets()).resolves.toBeTypeOf("object");
    await expect(usage()).resolves.toBeTypeOf("object");
  });

  it("passed straight to map, meets map's index as its options: a typed error, nothing sent", async () => {
    const client = server.client();
    const before = server.fake.requests.length;
    const failures = await Promise.allSettled(["b-1", "b-2"].map(client.batches.retrieve as never));
    for (const failure of failures) {
      expect(failure.status).toBe("rejected");
      const reason = (failure as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(CohereError);
      expect(reason.message).toMatch(/options/);
    }
    expect(server.fake.requests.length).toBe(before);
  });

  it("leaves a subclass's own definition of a name to win, a getter included", () => {
    class Mine extends CohereClient {
      // @ts-expect-error an accessor where the base class has a method
      get describeMiddleware() {
        return () => ["mine"];
      }
    }
    const client = new Mine({ token: "test-token", baseUrl: server.url });
    expect(client.describeMiddleware()).toEqual(["mine"]);
  });

  it("reaches a spy set on a class's prototype after the client was made, and the method again once it is restored", async () => {
    const client = server.client();
    const spy = vi.spyOn(BatchesClient.prototype, "retrieve").mockResolvedValue({ batch: { id: "mocked" } } as never);
    try {
      expect((await client.batches.retrieve("b-1")).batch.id).toBe("mocked");
      const { retrieve } = client.batches;
      expect((await retrieve("b-2")).batch.id).toBe("mocked");
      expect(spy.mock.calls).toEqual([["b-1"], ["b-2"]]);
    } finally {
      spy.mockRestore();
    }
    const { batch } = await client.batches.create(newBatch);
    const { retrieve } = client.batches;
    expect((await retrieve(batch.id)).batch.id).toBe(batch.id);
  });
});
