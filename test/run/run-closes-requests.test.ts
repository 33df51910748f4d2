// `batches.run` hands its `requests` to `datasets.create`, which closes a one-shot source it never
// sends. A run that ended before its upload began left them open: an fs read stream held its file
// for the life of the process (100 refused runs, 100 open files).
import { createReadStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CohereAbortError, CohereClient, CohereError, type RunRequest } from "../../src/index.js";

const file = join(mkdtempSync(join(tmpdir(), "run-closes-")), "requests.jsonl");
writeFileSync(file, '{"custom_id":"1","body":{"input_type":"search_document","texts":["hi"]}}\n');

// Nothing is ever sent: each run ends before its upload.
const client = new CohereClient({ token: "test-token", baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
const base = { name: "r", model: "embed-v4.0", type: "batch-embed-v2-input" };

const cases: [string, (requests: RunRequest["requests"]) => Promise<unknown>, new (...args: never[]) => Error][] = [
  [
    "an aborted abortSignal in the run request",
    (requests) => client.batches.run({ ...base, requests, abortSignal: AbortSignal.abort() }),
    CohereAbortError,
  ],
  [
    "an aborted abortSignal in the options",
    (requests) => client.batches.run({ ...base, requests }, { abortSignal: AbortSignal.abort() }),
    CohereAbortError,
  ],
  [
    "a bad field of the run request",
    (requests) => client.batches.run({ ...base, requests, pollIntervalInSeconds: -1 }),
    CohereError,
  ],
  [
    "an unknown field of the run request",
    (requests) => client.batches.run({ ...base, requests, pollInterval: 1 } as never),
    CohereError,
  ],
  [
    "a bad request option (refused by the upload)",
    (requests) => client.batches.run({ ...base, requests }, { timeoutInSeconds: -1 }),
    CohereError,
  ],
];

describe("a run that ends before its upload closes the caller's requests", () => {
  it.each(cases)("%s", async (_, run, errorClass) => {
    const streams = Array.from({ length: 5 }, () => createReadStream(file));
    const closed = streams.map((stream) => new Promise<void>((resolve) => stream.once("close", () => resolve())));
    for (const stream of streams) await expect(run(stream)).rejects.toBeInstanceOf(errorClass);
    // Each stream closes (its file with it): `close` would never come for one left open.
    await expect(Promise.all(closed)).resolves.toHaveLength(5);
    expect(streams.every((stream) => stream.destroyed)).toBe(true);
  });

  it("a generator of requests is returned too", async () => {
    let finished = false;
    async function* requests() {
      try {
        yield { custom_id: "1", body: { input_type: "search_document", texts: ["hi"] } };
      } finally {
        finished = true;
      }
    }
    const generator = requests();
    await generator.next(); // started: a generator not yet started has nothing to close
    await expect(
      client.batches.run({ ...base, requests: generator, abortSignal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CohereAbortError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toBe(true);
  });
});

describe("a run's options are checked before anything else uses them", () => {
  it.each([
    ["null options", null],
    ["an abortSignal that is not a signal", { abortSignal: {} }],
    ["an abortSignal that is a string", { abortSignal: "x" }],
  ])("%s: a CohereError, and the requests closed", async (_, options) => {
    const stream = createReadStream(file);
    const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
    const error = await client.batches.run({ ...base, requests: stream }, options as never).catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Invalid request options/);
    await closed;
    expect(stream.destroyed).toBe(true);
  });

  it("options read once: a Proxy whose get trap throws is an object with no fields, never read again", async () => {
    const options = new Proxy(
      {},
      {
        get() {
          throw new TypeError("trap");
        },
      },
    );
    const stream = createReadStream(file);
    const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
    // The run goes on (nothing listens on 127.0.0.1:9): a typed failure, never the trap's TypeError.
    const error = await client.batches.run({ ...base, requests: stream }, options).catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    await closed;
  });
});
