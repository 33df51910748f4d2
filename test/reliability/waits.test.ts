import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CohereClient,
  CohereDatasetValidationError,
  CohereTimeoutError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();

/** A batch whose status is fixed at `status`. */
function batchWithStatus(status: string): string {
  return server.fake.addBatches(1, { status: status as never })[0]!.id!;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("waitUntilDone outlives transient failures (API.md section 7)", () => {
  it("a burst of 503s mid-poll, beyond the poll's own retries, does not end the wait", async () => {
    const id = batchWithStatus("BATCH_STATUS_COMPLETED");
    // maxRetries 1: each poll makes 2 attempts, so 5 failures fail two polls and one attempt of a third.
    server.fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 1 }, { times: 5 });
    const client = server.client({ maxRetries: 1 });
    const batch = await client.batches.waitUntilDone(id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 20 });
    expect(batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(server.fake.count("retrieve")).toBe(6);
  });

  it("when the deadline passes during the failures, the last failure is the cause of the timeout", async () => {
    const id = batchWithStatus("BATCH_STATUS_IN_PROGRESS");
    server.fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 1 }, { times: 10_000 });
    const client = server.client({ maxRetries: 0 });
    const error = await client.batches
      .waitUntilDone(id, { pollIntervalInSeconds: 0.02, timeoutInSeconds: 0.3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as CohereTimeoutError).timeoutInSeconds).toBe(0.3);
    expect((error as Error).cause).toBeInstanceOf(ServiceUnavailableError);
    expect(server.fake.count("retrieve")).toBeGreaterThan(2);
  });

  // 3600 s: over the retry layer's 60 s, thrown by it at once; 30 s: under them, a pause the
  // poll's own retries would otherwise sleep through; 120 s within a deadline of 100 s: the wait
  // took it as 60 s, within its deadline, and polled again inside the server's window.
  it.each([
    ["3600", 1.5, 1_000],
    ["120", 100, 1_000],
    ["30", 2, 1_500],
  ])(
    "a server that asks for a pause past the deadline (Retry-After %s) ends the wait at once, not polled until then",
    async (asked, timeoutInSeconds, withinMs) => {
      const id = batchWithStatus("BATCH_STATUS_IN_PROGRESS");
      server.fake.inject("retrieve", { type: "status", status: 429, retryAfter: asked }, { times: 1_000 });
      const started = performance.now();
      const error = await server
        .client()
        .batches.waitUntilDone(id, { pollIntervalInSeconds: 0.05, timeoutInSeconds })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereTimeoutError);
      expect((error as Error).message).toBe(
        `waitUntilDone: batch ${id} was not done within ${timeoutInSeconds} s: the server asked for ${asked} s before the next poll`,
      );
      expect((error as Error).cause).toBeInstanceOf(TooManyRequestsError);
      // This batch's polls only: the test before's last poll, cut off by its deadline, may still
      // reach the server after its end (seen once in `npm test` on a loaded machine).
      expect(server.fake.requests.filter((r) => r.url.includes(`/v2/batches/${id}`))).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(withinMs);
    },
  );

  it("near the deadline, a failing poll's backoff is still slept: a failing server is not polled at the poll interval", async () => {
    const id = batchWithStatus("BATCH_STATUS_IN_PROGRESS");
    server.fake.inject("retrieve", { type: "status", status: 503 }, { times: 1_000 });
    const client = server.client({ maxRetries: 10, backoff: { initialDelayInSeconds: 0.4, maxDelayInSeconds: 0.4 } });
    const error = await client.batches
      .waitUntilDone(id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 1.2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    // Backoffs of 0.3 to 0.4 s: at most 5 requests in 1.2 s (polled at once near the end, 40 and more).
    expect(server.fake.count("retrieve")).toBeLessThanOrEqual(5);
  });

  it("a deadline that passes during the last poll's own retries: the failure they rode is the cause of the timeout", async () => {
    // The deadline cut the poll's backoff short: the poll failed as an abort, and the 503s its
    // attempts met were lost (no cause, or an older poll's failure).
    const id = batchWithStatus("BATCH_STATUS_IN_PROGRESS");
    server.fake.inject("retrieve", { type: "status", status: 429, retryAfterMs: 1 }, { times: 1 });
    server.fake.inject("retrieve", { type: "status", status: 503 }, { times: 1_000 });
    const client = server.client({ maxRetries: 10, backoff: { initialDelayInSeconds: 0.3, maxDelayInSeconds: 0.3 } });
    const error = await client.batches
      .waitUntilDone(id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe(`waitUntilDone: batch ${id} was not done after 1 s`);
    expect((error as Error).cause).toBeInstanceOf(ServiceUnavailableError);
    expect(server.fake.count("retrieve")).toBeGreaterThan(2);
  });

  it("a server that asks for a pause longer than the poll interval gets it before the next poll", async () => {
    const id = batchWithStatus("BATCH_STATUS_COMPLETED");
    server.fake.inject("retrieve", { type: "status", status: 429, retryAfter: "1" }, { times: 1 });
    const started = performance.now();
    const batch = await server
      .client({ maxRetries: 0 })
      .batches.waitUntilDone(id, { pollIntervalInSeconds: 0.01, timeoutInSeconds: 20 });
    expect(batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(server.fake.count("retrieve")).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("a failure that is not transient (404) still ends the wait at once", async () => {
    const client = server.client();
    const started = performance.now();
    await expect(
      client.batches.waitUntilDone("no-such-batch", { pollIntervalInSeconds: 0.01, timeoutInSeconds: 20 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("onProgress cannot fail a wait (API.md section 7a)", () => {
  it.each([
    [
      "throws",
      () => {
        throw new Error("observer bug");
      },
    ],
    ["returns a rejected promise", () => Promise.reject(new Error("observer bug"))],
    ["never settles", () => new Promise(() => {})],
  ])("an onProgress that %s: the wait resolves with the batch, the failure is reported", async (_, onProgress) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const id = batchWithStatus("BATCH_STATUS_COMPLETED");
      const batch = await server.client().batches.waitUntilDone(id, { onProgress: onProgress as () => void });
      expect(batch.status).toBe("BATCH_STATUS_COMPLETED");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      if (_ !== "never settles")
        expect(warn).toHaveBeenCalledWith(expect.stringContaining("onProgress"), expect.any(Error));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("onProgress cannot steer a wait: the wait decides before the callback sees the value", () => {
  it("a callback that rewrites the status for display: the wait still ends on the server's COMPLETED", async () => {
    const id = batchWithStatus("BATCH_STATUS_COMPLETED");
    const batch = await server.client().batches.waitUntilDone(id, {
      pollIntervalInSeconds: 0.01,
      timeoutInSeconds: 5,
      onProgress: (b) => {
        const shown = b as { status?: string | undefined };
        shown.status = shown.status?.replace("BATCH_STATUS_", "").toLowerCase();
      },
    });
    expect(batch.id).toBe(id);
    // What the wait resolves with is the server's: the callback had a copy (the resolved batch
    // read "completed", outside the TerminalBatchStatus its type promises).
    expect(batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(server.fake.count("retrieve")).toBe(1);
  });

  it("the callback's copy is made whatever the answer holds: an unknown field nested 5,000 deep", async () => {
    // A deep clone of each polled value overflowed the stack: a raw RangeError ended the wait
    // (and every run, whose own onProgress is always there).
    const [batch] = server.fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    const deep = `${"[".repeat(5_000)}0${"]".repeat(5_000)}`;
    const body = `{"batch":${JSON.stringify(batch).slice(0, -1)},"extra":${deep}}}`;
    const client = new CohereClient({
      token: "t",
      baseUrl: server.url,
      fetch: async () => new Response(body, { headers: { "content-type": "application/json" } }),
    });
    const seen: string[] = [];
    const done = await client.batches.waitUntilDone(batch!.id!, { onProgress: (b) => void seen.push(b.status!) });
    expect([done.status, seen]).toEqual(["BATCH_STATUS_COMPLETED", ["BATCH_STATUS_COMPLETED"]]);
  });

  it("a callback that writes COMPLETED into a queued batch does not end the wait", async () => {
    const id = batchWithStatus("BATCH_STATUS_QUEUED");
    const error = await server
      .client()
      .batches.waitUntilDone(id, {
        pollIntervalInSeconds: 0.02,
        timeoutInSeconds: 0.3,
        onProgress: (b) => {
          (b as { status?: string }).status = "BATCH_STATUS_COMPLETED";
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
  });

  it.each([
    ["makes it circular", (d: Record<string, unknown>) => Object.assign(d, { self: d })],
    ["adds a BigInt", (d: Record<string, unknown>) => Object.assign(d, { seen: 1n })],
    ["writes validated into it", (d: Record<string, unknown>) => Object.assign(d, { validation_status: "validated" })],
  ])("a failed dataset whose callback %s: CohereDatasetValidationError", async (_, change) => {
    const form = new FormData();
    form.append("data", new File(['{"custom_id":"1"}\n'], "r.jsonl"));
    const response = await fetch(`${server.url}/v1/datasets?name=n&type=batch-chat-v2-input`, {
      method: "POST",
      body: form,
      headers: { Authorization: "Bearer test-token" },
    });
    const { id } = (await response.json()) as { id: string };
    server.clock.advance(5_000);
    const error = await server
      .client()
      .datasets.waitUntilValidated(id, {
        pollIntervalInSeconds: 0.01,
        timeoutInSeconds: 5,
        onProgress: (d) => change(d as unknown as Record<string, unknown>),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereDatasetValidationError);
  });
});
