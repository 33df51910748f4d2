// A server whose answer hands `run` or `results` an id the SDK cannot address (`""`, `".."`: ids
// its own input check refuses): a CohereParseError that says so, never the input check's
// "Invalid id", which reads as the caller's bad input; and nothing is sent with that id.
import { describe, expect, it } from "vitest";
import { vi } from "vitest";
import { CohereClient, type CohereClientOptions, CohereParseError } from "../../src/index.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

type Rewrite = (method: string, path: string, json: Record<string, unknown>) => unknown;

/** A client whose fetch rewrites the fake's JSON answers with `rewrite`, recording each request's method and path. */
function rewritingClient(rewrite: Rewrite, more: Partial<CohereClientOptions> = {}) {
  const sent: string[] = [];
  const client = new CohereClient({
    token: "test-token",
    baseUrl: env.server.url,
    maxRetries: 0,
    ...more,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const { pathname } = new URL(request.url);
      sent.push(`${request.method} ${decodeURIComponent(pathname)}`);
      const response = await fetch(request);
      if (!(response.headers.get("content-type") ?? "").includes("json")) return response;
      const json = (await response.json()) as Record<string, unknown>;
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      const body = JSON.stringify(rewrite(request.method, pathname, json));
      return new Response(body, { status: response.status, headers });
    },
  });
  return { client, sent };
}

function runRequest() {
  return {
    name: "run-ids",
    model: "embed-v4.0",
    type: "batch-embed-v2-input",
    requests: embedRequests(5),
    pollIntervalInSeconds: 0.005,
    timeoutInSeconds: 10,
    onProgress: () => env.clock.advance(1_000),
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("run, when the server's answer carries an id the SDK cannot address", () => {
  it.each(["", "..", "."])(
    "the batch create's id %j: a CohereParseError naming the id and the batch left going on, no call with it",
    async (id) => {
      const { client, sent } = rewritingClient((method, path, json) =>
        method === "POST" && path === "/v2/batches" ? { batch: { ...(json.batch as object), id } } : json,
      );
      const error = await failure(client.batches.run(runRequest()));
      expect(error).toBeInstanceOf(CohereParseError);
      const message = (error as Error).message;
      expect(message).not.toMatch(/Invalid id/);
      expect(message).toContain(`batch: its id ${JSON.stringify(id)} is not one the SDK can address`);
      expect((error as CohereParseError).status).toBe(200);
      expect(JSON.parse((error as CohereParseError).text).batch.id).toBe(id);
      // Nothing after the create but walks of the list: no poll, no cancel (the fake's batch runs on).
      expect(sent.filter((line) => line !== "GET /v2/batches").at(-1)).toBe("POST /v2/batches");
      expect(env.fake.listBatches().length).toBe(1);
    },
  );

  it("the batch a create that failed after acting left, found in the list: not adopted, and never cancelled by the watch", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      env.fake.inject("create", { type: "status", status: 500, afterAction: true });
      const { client, sent } = rewritingClient(
        (method, path, json) =>
          method === "GET" && path === "/v2/batches"
            ? { ...json, batches: (json.batches as object[]).map((batch) => ({ ...batch, id: ".." })) }
            : json,
        { maxRetries: 1, backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.001 } },
      );
      const error = await failure(client.batches.run(runRequest()));
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as Error).message).toContain(
        `batches.list: the server's answer carried batch id "..", which the SDK cannot address: the run cannot wait on the batch nor cancel it`,
      );
      // The watch for a second batch (the create may yet have made one) walks the list, and
      // leaves the batch it cannot address alone: no cancel, no "Invalid id" reported.
      await vi.waitFor(() => expect(sent.filter((line) => line === "GET /v2/batches").length).toBeGreaterThan(1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sent.filter((line) => line.endsWith(":cancel"))).toEqual([]);
      expect(warn.mock.calls.flat().join(" ")).not.toMatch(/Invalid id/);
    } finally {
      warn.mockRestore();
    }
  });

  it("the upload's dataset id: a CohereParseError, and no batch is created", async () => {
    const { client, sent } = rewritingClient((method, path, json) =>
      method === "POST" && path === "/v1/datasets" ? { ...json, id: "" } : json,
    );
    const error = await failure(client.batches.run(runRequest()));
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toContain(`id: "" is not a dataset id the SDK can address`);
    expect(sent).toEqual(["POST /v1/datasets"]);
  });
});

describe("results of a completed batch whose output_dataset_id the SDK cannot address", () => {
  it.each(["..", "usage"])("%j: a CohereParseError naming it, and nothing is read", async (output) => {
    const batch = await env.completedBatch(embedRequests(5));
    const { client, sent } = rewritingClient((method, path, json) =>
      method === "GET" && path === `/v2/batches/${batch.id}`
        ? { batch: { ...(json.batch as object), output_dataset_id: output } }
        : json,
    );
    const error = await failure(collect(client.batches.results(batch.id)));
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toContain(
      `results: batch ${batch.id}: the server's answer carried dataset id ${JSON.stringify(output)}, which the SDK cannot address as its output_dataset_id`,
    );
    expect(sent).toEqual([`GET /v2/batches/${batch.id}`]);
  });
});

describe("batches.create, retrieve and waitUntilDone, datasets.create, answered with an id the SDK cannot address", () => {
  const batchId = (id: string) => (_method: string, path: string, json: Record<string, unknown>) =>
    path.startsWith("/v2/batches") && "batch" in json ? { batch: { ...(json.batch as object), id } } : json;

  it.each(["", ".."])("batch id %j: each is a CohereParseError that says so, not the input check's", async (id) => {
    const made = await env.completedBatch(embedRequests(2));
    const { client } = rewritingClient(batchId(id));
    const calls = [
      client.batches.create({ name: "n", input_dataset_id: made.input_dataset_id, model: "embed-v4.0" }),
      client.batches.retrieve(made.id),
      client.batches.waitUntilDone(made.id, { pollIntervalInSeconds: 0.005, timeoutInSeconds: 5 }),
    ];
    for (const error of await Promise.all(calls.map(failure))) {
      expect(error).toBeInstanceOf(CohereParseError);
      expect((error as Error).message).toContain(`batch: its id ${JSON.stringify(id)} is not one the SDK can address`);
    }
  });

  it.each(["", "..", "usage"])("dataset id %j", async (id) => {
    const { client } = rewritingClient((method, path, json) =>
      method === "POST" && path === "/v1/datasets" ? { ...json, id } : json,
    );
    const error = await failure(
      client.datasets.create({ name: "d", type: "batch-embed-v2-input", data: embedRequests(1) }),
    );
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toContain(`id: ${JSON.stringify(id)} is not a dataset id the SDK can address`);
  });
});
