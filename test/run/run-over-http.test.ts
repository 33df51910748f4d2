// batches.run over real HTTP against the fake: every phase, the deadline and the abort in each.
import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import {
  CohereAbortError,
  CohereConnectionError,
  CohereError,
  CohereDatasetValidationError,
  CohereTimeoutError,
  InternalServerError,
  type RetryInfo,
  type RunPhase,
  type RunProgress,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "../../src/index.js";
import type { Fault } from "../../src/testing/index.node.js";
import { collect, embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();
// The fake's default rule fails made-up dataset ids only (a dataset uploaded runs as its
// records say): this one fails the batches of uploads named so.
const failing = useResultsFake({ lifecycle: { failWhen: (id) => id.includes("fail") } });

/** A run whose polls move the fake's clock on by a second each, so it ends in a few dozen polls. */
function runRequest(count = 20, more: Record<string, unknown> = {}) {
  const phases: RunPhase[] = [];
  const request = {
    name: "run-test",
    model: "embed-v4.0",
    type: "batch-embed-v2-input",
    requests: embedRequests(count),
    pollIntervalInSeconds: 0.005,
    onProgress: (progress: RunProgress) => {
      if (phases[phases.length - 1] !== progress.phase) phases.push(progress.phase);
      env.clock.advance(1_000);
    },
    ...more,
  };
  return { request, phases };
}

describe("run", () => {
  it("uploads, validates, creates, waits, and resolves with the batch, the input dataset and its results", async () => {
    const { request, phases } = runRequest(40);
    const run = await env.client().batches.run(request);
    expect(phases).toEqual(["uploading", "validating", "queued", "running", "done"]);
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(run.inputDataset.validation_status).toBe("validated");
    expect(run.batch.input_dataset_id).toBe(run.inputDataset.id);
    const results = await collect(run.results());
    expect(results.map((r) => r.custom_id).sort()).toEqual(
      embedRequests(40)
        .map((r) => r.custom_id)
        .sort(),
    );
    expect(env.fake.count("create")).toBe(1);
    expect(env.fake.listBatches().length).toBe(1);
  });

  it("reports the latest dataset while validating and the latest batch from queued on", async () => {
    const seen: RunProgress[] = [];
    const { request } = runRequest(10);
    await env.client().batches.run({
      ...request,
      onProgress: (progress) => {
        seen.push(progress);
        request.onProgress(progress);
      },
    });
    expect(seen.filter((p) => p.phase === "validating").every((p) => p.dataset?.id !== undefined)).toBe(true);
    expect(seen.filter((p) => p.phase === "running").every((p) => p.batch?.status === "BATCH_STATUS_IN_PROGRESS")).toBe(
      true,
    );
    expect(seen.at(-1)?.batch?.status).toBe("BATCH_STATUS_COMPLETED");
  });

  it("a batch that ends FAILED resolves, and the caller reads its status", async () => {
    const { request } = runRequest(10, { name: "will-fail", onProgress: () => failing.clock.advance(1_000) });
    const run = await failing.client().batches.run(request);
    expect(run.batch.status).toBe("BATCH_STATUS_FAILED");
  });

  it("a dataset that fails validation rejects with CohereDatasetValidationError, and no batch is created", async () => {
    const { request } = runRequest(1, { requests: '{"custom_id": "1", "body": \n not json\n' });
    await expect(env.client().batches.run(request)).rejects.toBeInstanceOf(CohereDatasetValidationError);
    expect(env.fake.count("create")).toBe(0);
  });

  it("a batch cancelled while queued is never reported running: CANCELING keeps the phase last reported", async () => {
    const client = env.client();
    const reported: string[] = [];
    let cancel: Promise<unknown> | undefined;
    let cancelled = false;
    const { request } = runRequest(10);
    const run = await client.batches.run({
      ...request,
      onProgress: (progress) => {
        reported.push(`${progress.phase} ${progress.batch?.status ?? ""}`.trim());
        // Someone else cancels the batch while it is queued; the clock waits for that cancel.
        if (progress.phase === "queued" && cancel === undefined)
          cancel = client.batches.cancel(progress.batch?.id as string).then(() => {
            cancelled = true;
          });
        if (progress.phase !== "queued" || cancelled) env.clock.advance(200);
      },
    });
    expect(run.batch.status).toBe("BATCH_STATUS_CANCELED");
    expect(reported).toContain("queued BATCH_STATUS_CANCELING");
    expect(reported.filter((line) => line.startsWith("running"))).toEqual([]);
  });

  it("a throwing onProgress cannot fail the run (it is reported)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { request } = runRequest(5);
    const run = await env.client().batches.run({
      ...request,
      onProgress: (progress) => {
        request.onProgress(progress);
        throw new Error("callback bug");
      },
    });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it("bad input is refused before anything is sent", async () => {
    const { request } = runRequest(1);
    await expect(env.client().batches.run({ ...request, name: "" })).rejects.toThrow(/name/);
    await expect(env.client().batches.run({ ...request, timeoutInSeconds: -1 })).rejects.toThrow(/timeoutInSeconds/);
    // Empty requests would be uploaded and fail validation before anything said why.
    await expect(env.client().batches.run({ ...request, requests: [] })).rejects.toThrow(
      "Invalid run request: requests is empty: a batch needs a request",
    );
    await expect(env.client().batches.run({ ...request, requests: "" })).rejects.toThrow(/requests is empty/);
    // Every kind whose size is known before it is read: an empty one was uploaded, then failed validation.
    for (const empty of [new Set(), new Map(), new Uint8Array(0), new ArrayBuffer(0), new Blob([])])
      await expect(env.client().batches.run({ ...request, requests: empty as never })).rejects.toThrow(
        "Invalid run request: requests is empty: a batch needs a request",
      );
    // Empty or not, a typed array other than bytes is no kind of data, and is told so.
    await expect(env.client().batches.run({ ...request, requests: new Int16Array(0) as never })).rejects.toThrow(
      /^Invalid run request: requests must be a string, .*; got Int16Array$/,
    );
    // The upload's own refusals name the run's `requests`, not the dataset's `data` they become.
    await expect(env.client().batches.run({ ...request, requests: [...request.requests, 7] as never })).rejects.toThrow(
      /^Invalid run request: requests\[1\] must be a plain object, got number$/,
    );
    await expect(env.client().batches.run({ ...request, requests: new Set([new Date(0)]) as never })).rejects.toThrow(
      /^Invalid run request: requests item 0 must be a plain object, got Date$/,
    );
    await expect(env.client().batches.run({ ...request, requests: ['{"a":1}', '{"b":2}\n'] })).rejects.toThrow(
      /^Invalid run request: requests\[0\] ends a JSON object without a newline, so requests\[1\] would be glued/,
    );
    await expect(env.client().batches.run({ ...request, requests: '{"a":"\uD800"}\n' })).rejects.toThrow(
      /^Invalid run request: requests holds a lone UTF-16 surrogate/,
    );
    // Checked as the create checks them, before the upload (they failed after it, leaving it behind).
    await expect(env.client().batches.run({ ...request, model: "   " })).rejects.toThrow(
      "Invalid run request: model must not be blank",
    );
    await expect(env.client().batches.run({ ...request, model: "command-\uD800" })).rejects.toThrow(
      "Invalid run request: model must not contain a lone UTF-16 surrogate",
    );
    await expect(env.client().batches.run({ ...request, name: " " })).rejects.toThrow(/name must not be blank/);
    // A dataset type no batch reads was uploaded and validated; only the create failed, and the
    // dataset was left behind. A batch input type the SDK does not know passes this check.
    for (const type of ["embed-input", "chat-finetune-input", "batch-input", "batch-chat-v2-input "])
      await expect(env.client().batches.run({ ...request, type })).rejects.toThrow(
        'Invalid run request: type is not a batch input type ("batch-embed-v2-input", "batch-chat-v2-input", ...)',
      );
    expect(env.fake.count()).toBe(0);
    expect(env.fake.requests).toEqual([]);
  });
});

describe("run: requests read as the upload goes", () => {
  it("are refused by the run's name for them, `requests`, at their first bad item", async () => {
    const { request } = runRequest(1);
    function* lines() {
      yield* request.requests;
      yield "not an object";
    }
    await expect(env.client().batches.run({ ...request, requests: lines() as never })).rejects.toThrow(
      /^Invalid run request: requests item 1 is text or bytes, and the items before it are not/,
    );
    expect(env.fake.requests.filter((r) => r.operation === "create")).toEqual([]);
  });
});

describe("run: bodyParams", () => {
  it("go with the batch's create alone: the upload, the polls and the list walk carry no body", async () => {
    // They compiled (every method takes RequestOptions) and were refused by the upload.
    const { request } = runRequest(2);
    const run = await env.client().batches.run(request, { bodyParams: { priority: 3 } });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    const creates = env.fake.requests.filter((r) => r.operation === "create");
    expect(creates.map((r) => JSON.parse(r.body).priority)).toEqual([3]);
    const others = env.fake.requests.filter((r) => r.operation !== "create" && r.operation !== "datasets.create");
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.body === "")).toBe(true);
  });
});

/** An array nested `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe("run: bodyParams checked before the upload", () => {
  it.each([
    [{ weight: Number.NaN }, /bodyParams cannot be serialised to JSON \("weight" holds NaN/],
    [{ tag: () => 1 }, /"tag" holds a function/],
    [{ list: [undefined] }, /"0" holds undefined/],
    [{ toJSON: () => ({}) }, /bodyParams cannot have a toJSON function/],
    // Another dataset made the create read one the run did not upload: after a lost answer, its
    // search for the batch that answer made found none, and it created a second batch.
    [
      { input_dataset_id: "other" },
      /a run's bodyParams cannot set input_dataset_id \(the batch reads the dataset the run uploads\)/,
    ],
    [{ name: "other" }, /a run's bodyParams cannot set name \(give it in the run request\)/],
    [{ model: "other" }, /a run's bodyParams cannot set model/],
    // protobuf's JSON reads a field by its camelCase name too.
    [{ inputDatasetId: "other" }, /a run's bodyParams cannot set inputDatasetId/],
  ])(
    "refuses %o before anything is sent (it was refused at the create, after the upload and its validation)",
    async (bodyParams, message) => {
      const { request } = runRequest(2);
      const error = await env
        .client()
        .batches.run(request, { bodyParams })
        .catch((e: unknown) => e);
      expect(CohereError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect(env.fake.count()).toBe(0);
    },
  );

  it("refuses fields nested deeper than 1,000 levels before anything is sent", async () => {
    // Each create serialises them again, deeper in the stack: nested near its limit, they passed
    // the check and overflowed at the create, after the upload.
    const { request } = runRequest(2);
    await expect(env.client().batches.run(request, { bodyParams: { x: nested(1000) } })).rejects.toThrow(
      "Invalid request options: a run's bodyParams nest deeper than 1000 levels",
    );
    expect(env.fake.count()).toBe(0);
  });

  it("sends fields nested 1,000 levels deep, the object that holds them the first", async () => {
    const { request } = runRequest(2);
    const run = await env.client().batches.run(request, { bodyParams: { x: nested(999) } });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    const [create] = env.fake.requests.filter((r) => r.operation === "create");
    expect(JSON.parse(create?.body ?? "").x).toEqual(nested(999));
  });

  it("reads them once: every create attempt sends the same fields under its one key", async () => {
    // Each attempt serialised them again: a nested getter (or an object the caller changed
    // meanwhile) sent other fields under the same Idempotency-Key.
    env.fake.inject("create", { type: "status", status: 500 }, { times: 1 });
    let reads = 0;
    const meta = {
      get attempt() {
        return ++reads;
      },
    };
    const { request } = runRequest(2);
    await env.client().batches.run(request, { bodyParams: { meta } });
    const creates = env.fake.requests.filter((r) => r.operation === "create");
    expect(creates.length).toBe(2);
    expect(creates.map((r) => JSON.parse(r.body).meta)).toEqual([{ attempt: 1 }, { attempt: 1 }]);
    expect(new Set(creates.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect(reads).toBe(1);
  });
});

describe("run: the request options are those of every call it makes", () => {
  it("a header in the options arrives on every request: uploads, polls, create, the list walk", async () => {
    // A lost create answer makes the run walk the list before sending it again.
    env.fake.inject("create", { type: "status", status: 500, afterAction: true });
    const { request } = runRequest(5);
    await env.client().batches.run(request, { headers: { "x-tenant": "t1" } });
    const operations = new Set(env.fake.requests.map((r) => r.operation));
    for (const operation of ["datasets.create", "datasets.retrieve", "create", "list", "retrieve"])
      expect(operations).toContain(operation);
    expect(env.fake.requests.filter((r) => r.headers["x-tenant"] !== "t1").map((r) => r.operation)).toEqual([]);
  });

  it("the upload goes with a key of the run's own, so a 500 after the server acted is retried", async () => {
    // It went with no key: the 500 was not retried, and failed the run.
    env.fake.inject("datasets.create", { type: "status", status: 500, afterAction: true, retryAfterMs: 1 });
    const { request } = runRequest(5);
    const run = await env.client().batches.run(request);
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    const uploads = env.fake.requests.filter((r) => r.operation === "datasets.create");
    expect(uploads).toHaveLength(2);
    const [first, second] = uploads.map((r) => r.headers["idempotency-key"]);
    expect(first).toMatch(/^run-upload-[0-9a-f-]{32,36}$/);
    expect(second).toBe(first);
    // The fake honours the key: the one dataset, which the batch reads.
    expect(run.inputDataset.id).toBe(run.batch.input_dataset_id);
    const { datasets = [] } = await env.client().datasets.list({ datasetType: "batch-embed-v2-input" });
    expect(datasets.map((d) => d.id)).toEqual([run.inputDataset.id]);
    // The next run has a key of its own.
    await env.client().batches.run(runRequest(5).request);
    const keys = new Set(
      env.fake.requests.filter((r) => r.operation === "datasets.create").map((r) => r.headers["idempotency-key"]),
    );
    expect(keys.size).toBe(2);
  });

  it("a caller's idempotencyKey goes with the upload instead, given as the option or as a header", async () => {
    const { request } = runRequest(5);
    await env.client().batches.run(request, { idempotencyKey: "caller-key" });
    // A header key was replaced by the run's own.
    await env.client().batches.run(runRequest(5).request, { headers: { "Idempotency-Key": "header-key" } });
    // A blank one is none: the upload went unkeyed, and a 500 after the server acted failed the run.
    env.fake.inject("datasets.create", { type: "status", status: 500, afterAction: true, retryAfterMs: 1 });
    await env.client().batches.run(runRequest(5).request, { headers: { "Idempotency-Key": " " } });
    const uploads = env.fake.requests.filter((r) => r.operation === "datasets.create");
    expect(uploads.map((r) => r.headers["idempotency-key"]).slice(0, 2)).toEqual(["caller-key", "header-key"]);
    expect(uploads.slice(2).map((r) => r.headers["idempotency-key"])).toEqual([
      expect.stringMatching(/^run-upload-/),
      uploads[2]?.headers["idempotency-key"],
    ]);
  });

  it("a poll whose answer stalls is retried after the options' per-attempt timeout", async () => {
    env.fake.inject("datasets.retrieve", { type: "stall-body" });
    env.fake.inject("retrieve", { type: "stall-body" });
    const { request } = runRequest(5, { timeoutInSeconds: 3 });
    const run = await env.client().batches.run(request, { timeoutInSeconds: 0.3 });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
  });
});

describe("run: the create's retries follow the client's rules", () => {
  // A server-asked delay over 60 s is not slept through (nor one that overflows setTimeout and
  // would fire at once): the error is thrown at once, with the delay on it.
  for (const retryAfter of ["3600", "99999999999"]) {
    it(`a Retry-After of ${retryAfter} s on the create ends the run at once with the 503`, async () => {
      env.fake.inject("create", { type: "status", status: 503, retryAfter });
      const { request } = runRequest(5, { timeoutInSeconds: 2 });
      const error = await env
        .client()
        .batches.run(request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).retryAfterInSeconds).toBe(Number(retryAfter));
      expect(env.fake.count("create")).toBe(1);
    });
  }

  it("shouldRetry is asked before the create is sent again, and false ends the run with the error", async () => {
    const infos: RetryInfo[] = [];
    env.fake.inject("create", { type: "status", status: 500 });
    const shouldRetry = (info: RetryInfo) => {
      infos.push(info);
      return info.operation === "batches.create" ? false : undefined;
    };
    const { request } = runRequest(5);
    await expect(env.client({ shouldRetry }).batches.run(request)).rejects.toBeInstanceOf(InternalServerError);
    expect(env.fake.count("create")).toBe(1);
    expect(infos.map(({ operation, attempt, status }) => ({ operation, attempt, status }))).toEqual([
      { operation: "batches.create", attempt: 1, status: 500 },
    ]);
  });

  // Whatever `shouldRetry` answers and whether the failure was worth a retry: the caller's abort
  // ends the run as an abort, as it ends a `create` of the caller's.
  it.each([
    [503, false],
    [422, undefined],
  ])("a shouldRetry that aborts on the create's %i (answering %s) ends the run as an abort", async (status, answer) => {
    env.fake.inject("create", { type: "status", status });
    const controller = new AbortController();
    const reason = new Error("stop the run");
    const shouldRetry = (info: RetryInfo) => {
      if (info.operation !== "batches.create") return undefined;
      controller.abort(reason);
      return answer;
    };
    const { request } = runRequest(5);
    const error = await env
      .client({ shouldRetry })
      .batches.run(request, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as CohereAbortError).cause).toBe(reason);
    expect(env.fake.count("create")).toBe(1);
  });

  it("a create that keeps failing says how many attempts the run made, each a call of its own", async () => {
    env.fake.inject("create", { type: "drop" }, { times: 3 });
    const client = env.client({ maxRetries: 2, backoff: { initialDelayInSeconds: 0.01, maxDelayInSeconds: 0.01 } });
    const { request } = runRequest(5);
    const error = await client.batches.run(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereConnectionError);
    expect((error as Error).message).toMatch(
      /^batches\.create \(POST \/v2\/batches\): Connection failed: .+; 3 attempts made$/,
    );
    expect(env.fake.count("create")).toBe(3);
  });

  it("the create waits by the client's backoff, and shouldRetry sees each attempt", async () => {
    const infos: RetryInfo[] = [];
    env.fake.inject("create", { type: "status", status: 500 }, { times: 2 });
    const client = env.client({
      backoff: { initialDelayInSeconds: 0.01, maxDelayInSeconds: 0.01 },
      shouldRetry: (info) => void infos.push(info),
    });
    const { request } = runRequest(5);
    const run = await client.batches.run(request);
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    expect(env.fake.count("create")).toBe(3);
    const creates = infos.filter((info) => info.operation === "batches.create");
    expect(creates.map((info) => info.attempt)).toEqual([1, 2]);
    for (const info of creates) expect(info.delayInSeconds).toBeLessThanOrEqual(0.01);
  });
});

/**
 * Holds the run in `phase`: the phase's next call is delayed for 5 s. Uploading and queued are
 * held from the start (their first call); validating and running once the run reports them.
 */
function holdIn(phase: string, more: Record<string, unknown> = {}) {
  const hold = {
    uploading: () => env.fake.inject("datasets.create", { type: "delay", ms: 5_000 }),
    validating: () => env.fake.inject("datasets.retrieve", { type: "delay", ms: 5_000 }),
    queued: () => env.fake.inject("create", { type: "delay", ms: 5_000 }),
    running: () => env.fake.inject("retrieve", { type: "delay", ms: 5_000 }),
  }[phase] as () => void;
  if (phase === "uploading" || phase === "queued") hold();
  let held = false;
  const { request } = runRequest(10, more);
  return {
    ...request,
    onProgress: (progress: RunProgress) => {
      if (!held && progress.phase === phase) {
        held = true;
        hold();
      }
      if (!held) request.onProgress(progress);
    },
  };
}

/** `request`, whose batch polls answer with `fault` from the moment the run reports "queued". */
function pollsFailOnceQueued(request: ReturnType<typeof runRequest>["request"], fault: Fault) {
  let held = false;
  return {
    ...request,
    onProgress: (progress: RunProgress) => {
      if (progress.phase === "queued" && !held) {
        held = true;
        env.fake.inject("retrieve", fault, { times: 10_000 });
      } else if (!held) request.onProgress(progress);
    },
  };
}

const phasesToHold = ["uploading", "validating", "queued", "running"];

describe("run: one deadline and one abort for the whole run", () => {
  for (const phase of phasesToHold) {
    it(`the deadline ends the run while ${phase}, as CohereTimeoutError naming the phase`, async () => {
      const request = holdIn(phase, { timeoutInSeconds: 0.4 });
      const started = performance.now();
      const error = await env
        .client()
        .batches.run(request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereTimeoutError);
      // Once a batch exists, the message names it: the deadline leaves it running.
      const batch = env.fake.listBatches()[0];
      expect((error as Error).message).toBe(
        `run: not done within 0.4 s (${phase}${batch === undefined ? "" : `; batch ${batch.id} goes on`})`,
      );
      if (phase === "running") expect(batch).toBeDefined();
      expect(env.fake.count("cancel")).toBe(0);
      expect(performance.now() - started).toBeLessThan(3_000);
    });

    it(`the abort signal ends the run while ${phase}, as CohereAbortError, and the batch is not cancelled`, async () => {
      const controller = new AbortController();
      const request = holdIn(phase, { abortSignal: controller.signal });
      const reason = new Error("stop");
      setTimeout(() => controller.abort(reason), 200);
      const error = await env
        .client()
        .batches.run(request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereAbortError);
      expect((error as Error).cause).toBe(reason);
      // Named as the run's, with its phase and the batch the abort leaves running.
      const batch = env.fake.listBatches()[0];
      expect((error as Error).message).toBe(
        `run: The request was aborted (${phase}${batch === undefined ? "" : `; batch ${batch.id} goes on`})`,
      );
      expect(env.fake.count("cancel")).toBe(0);
    });
  }

  // 120 s: over the retry layer's 60 s; 30 s: a pause the poll's own retries would sleep through.
  it.each([
    ["120", 2_000],
    ["30", 3_000],
  ])(
    "a poll answered with a pause (%s s) past the run's deadline ends the run at once, the 429 its cause",
    async (asked, withinMs) => {
      const { request } = runRequest(5, { timeoutInSeconds: 4 });
      const started = performance.now();
      const error = await env
        .client()
        .batches.run(pollsFailOnceQueued(request, { type: "status", status: 429, retryAfter: asked }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereTimeoutError);
      expect((error as Error).message).toBe(
        `run: not done within 4 s (queued; batch ${env.fake.listBatches()[0]?.id} goes on)`,
      );
      const wait = (error as Error).cause as Error;
      expect(wait.message).toMatch(
        new RegExp(`was not done within 4 s: the server asked for ${asked} s before the next poll$`),
      );
      expect(wait.cause).toBeInstanceOf(TooManyRequestsError);
      expect(performance.now() - started).toBeLessThan(withinMs);
    },
  );

  it("validating: a retrieve answered with a pause past the run's deadline ends the run at once, naming the phase", async () => {
    env.fake.inject("datasets.retrieve", { type: "status", status: 429, retryAfter: "120" }, { times: 100 });
    const { request } = runRequest(5, { timeoutInSeconds: 4 });
    const started = performance.now();
    const error = await env
      .client()
      .batches.run(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe("run: not done within 4 s (validating)");
    expect(((error as Error).cause as Error).cause).toBeInstanceOf(TooManyRequestsError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("a deadline that passes while polls fail keeps the last failure in the cause chain", async () => {
    const { request } = runRequest(5, { timeoutInSeconds: 1 });
    const error = await env
      .client({ maxRetries: 0 })
      .batches.run(pollsFailOnceQueued(request, { type: "status", status: 503 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as Error).message).toBe(
      `run: not done within 1 s (queued; batch ${env.fake.listBatches()[0]?.id} goes on)`,
    );
    const causes: unknown[] = [];
    for (let cause = (error as Error).cause; cause instanceof Error; cause = cause.cause) causes.push(cause);
    expect(causes.some((cause) => cause instanceof ServiceUnavailableError)).toBe(true);
  });

  it("the request options' abortSignal ends the run too", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const request = holdIn("validating");
    await expect(env.client().batches.run(request, { abortSignal: controller.signal })).rejects.toBeInstanceOf(
      CohereAbortError,
    );
  });

  // The request's abortSignal, the one the README shows, did not reach results(): a loop over
  // them read to the end after the abort.
  it("the run's abortSignal, in its request or its options, ends the results' reads too; with several, each does", async () => {
    // results()' own options: a signal of their own, or an abortSignal key left undefined, did
    // not keep the one of the run's options from ending the reads.
    for (const [where, fire, more] of [
      ["request", "request", "none"],
      ["options", "options", "none"],
      ["both", "request", "none"],
      ["both", "options", "none"],
      ["options", "options", "own signal"],
      ["options", "options", "undefined signal"],
      ["both", "more", "own signal"],
    ] as const) {
      const inRequest = new AbortController();
      const inOptions = new AbortController();
      const inMore = new AbortController();
      const { request } = runRequest(30, where === "options" ? {} : { abortSignal: inRequest.signal });
      const options = where === "request" ? undefined : { abortSignal: inOptions.signal };
      const run = await env.client().batches.run(request, options);
      const extra = more === "none" ? undefined : { abortSignal: more === "own signal" ? inMore.signal : undefined };
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const result of run.results(extra)) {
          seen.push(result.custom_id);
          if (seen.length === 2) ({ request: inRequest, options: inOptions, more: inMore })[fire].abort();
        }
      })().catch((caught: unknown) => caught);
      const label = `${where}, ${fire}, ${more}`;
      expect(error, label).toBeInstanceOf(CohereAbortError);
      expect(seen, label).toHaveLength(2);
    }
  });

  it("results() options are checked on the first next(), typed, whatever the run's signal: junk threw raw", async () => {
    const { request } = runRequest(5, { abortSignal: new AbortController().signal });
    const run = await env.client().batches.run(request);
    const throwing = Object.defineProperty({}, "timeoutInSeconds", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    for (const [label, more] of [
      ["a signal that is not one", { abortSignal: "x" }],
      ["a getter that throws", throwing],
      ["an unknown key", { bogus: 1 }],
    ] as const) {
      const results = run.results(more as never);
      const error = await collect(results).catch((caught: unknown) => caught);
      expect(error, label).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(/^Invalid request options: /);
    }
  });

  it("results() headers are added to the run's, not put in their place", async () => {
    const { request } = runRequest(5);
    const run = await env.client().batches.run(request, { headers: { "x-run": "r1", "x-both": "run" } });
    const from = env.fake.requests.length;
    expect(await collect(run.results({ headers: { "x-read": "q1", "x-both": "results" } }))).toHaveLength(5);
    // The API's reads (the signed downloads carry no headers of the caller's, by design).
    const reads = env.fake.requests.slice(from).filter((sent) => sent.operation !== "datasets.download");
    expect(reads.map((sent) => sent.operation)).toEqual(["retrieve", "datasets.retrieve"]);
    for (const sent of reads)
      expect([sent.headers["x-run"], sent.headers["x-read"], sent.headers["x-both"]]).toEqual(["r1", "q1", "results"]);
  });

  it("with both signals, a loop over the results read to its end, left, or dropped, leaves no listener on either", async () => {
    const inRequest = new AbortController();
    const inOptions = new AbortController();
    const { request } = runRequest(30, { abortSignal: inRequest.signal });
    const run = await env.client().batches.run(request, { abortSignal: inOptions.signal });
    expect((await collect(run.results())).length).toBe(30);
    for await (const _ of run.results()) break;
    // Left without return(): the link was for the loop's life, and stayed on both signals.
    for (let i = 0; i < 3; i++) await run.results()[Symbol.asyncIterator]().next();
    for (const signal of [inRequest.signal, inOptions.signal]) expect(getEventListeners(signal, "abort")).toEqual([]);
  });

  it("cancelOnAbort cancels the batch when the abort comes after it was created", async () => {
    const controller = new AbortController();
    const request = holdIn("running", { abortSignal: controller.signal, cancelOnAbort: true });
    setTimeout(() => controller.abort(), 200);
    const error = await env
      .client()
      .batches.run(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as Error).message).toBe(
      `run: The request was aborted (running; batch ${env.fake.listBatches()[0]?.id} is being cancelled)`,
    );
    // The cancel goes on in the background: the abort rejects at once.
    await vi.waitFor(() => expect(env.fake.listBatches()[0]?.status).toMatch(/CANCEL/), { timeout: 3_000 });
    expect(env.fake.count("cancel")).toBe(1);
  });
});

describe("run: cancelOnAbort", () => {
  it("cancels a batch the server created while the create's answer was still arriving", async () => {
    env.fake.inject("create", { type: "stall-body" });
    const controller = new AbortController();
    const abortMidCreate = {
      name: "abort-mid-create",
      handle: (request: Request, next: (request: Request) => Promise<Response>, context: { operation: string }) => {
        if (context.operation === "batches.create") setTimeout(() => controller.abort(), 200);
        return next(request);
      },
    };
    const { request } = runRequest(5, { abortSignal: controller.signal, cancelOnAbort: true });
    await expect(env.client({ middleware: [abortMidCreate] }).batches.run(request)).rejects.toBeInstanceOf(
      CohereAbortError,
    );
    await vi.waitFor(() => expect(env.fake.listBatches()[0]?.status).toMatch(/CANCEL/), { timeout: 3_000 });
    expect(env.fake.count("cancel")).toBe(1);
  });

  it("rejects at once while a slow cancel goes on in the background, with the caller's headers", async () => {
    env.fake.inject("cancel", { type: "delay", ms: 2_000 });
    const controller = new AbortController();
    const request = holdIn("running", { abortSignal: controller.signal, cancelOnAbort: true });
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 200);
    const run = env.client().batches.run(request, { headers: { "x-tenant": "t1" } });
    await expect(run).rejects.toBeInstanceOf(CohereAbortError);
    expect(performance.now() - abortedAt).toBeLessThan(500);
    await vi.waitFor(() => expect(env.fake.listBatches()[0]?.status).toMatch(/CANCEL/), { timeout: 4_000 });
    expect(env.fake.requests.filter((r) => r.operation === "cancel").map((r) => r.headers["x-tenant"])).toEqual(["t1"]);
  });

  it("a cancel that fails after the abort is reported with console.warn, and the abort stands", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    env.fake.inject("cancel", { type: "status", status: 404 });
    const controller = new AbortController();
    const request = holdIn("running", { abortSignal: controller.signal, cancelOnAbort: true });
    setTimeout(() => controller.abort(), 200);
    await expect(env.client().batches.run(request)).rejects.toBeInstanceOf(CohereAbortError);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringContaining("cancel"), expect.anything()), {
      timeout: 3_000,
    });
    warn.mockRestore();
  });

  it("a cancel refused because the batch ended meanwhile (a 400) is not reported: there was nothing to cancel", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      env.fake.inject("cancel", {
        type: "status",
        status: 400,
        body: { message: "batch is already in a terminal state" },
      });
      const controller = new AbortController();
      const request = holdIn("running", { abortSignal: controller.signal, cancelOnAbort: true });
      setTimeout(() => controller.abort(), 200);
      await expect(env.client().batches.run(request)).rejects.toBeInstanceOf(CohereAbortError);
      await vi.waitFor(() => expect(env.fake.count("cancel")).toBe(1), { timeout: 3_000 });
      // The answer has been handled by the time a second call has its own.
      await env.client().batches.list();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("what plugins see of a run and of results", () => {
  it('every call a run makes says via "run"; results read directly say via "results"', async () => {
    const seen: { operation: string; via: string | undefined }[] = [];
    const client = env.client({
      middleware: [
        {
          name: "recorder",
          handle: async (request, next, { operation, via }) => {
            seen.push({ operation, via });
            return next(request);
          },
        },
      ],
    });
    const { request } = runRequest(5);
    const run = await client.batches.run(request);
    await collect(run.results());
    const operations = new Set(seen.map((s) => s.operation));
    const steps = ["datasets.create", "datasets.retrieve", "batches.create", "batches.retrieve", "datasets.download"];
    for (const operation of steps) {
      expect(operations).toContain(operation);
    }
    expect(seen.every((s) => s.via === "run")).toBe(true);

    seen.length = 0;
    expect((await collect(client.batches.results(run.batch.id))).length).toBe(5);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.via === "results")).toBe(true);
    // The part downloads pass through users' middleware too (API.md 9: datasets.download).
    expect(seen.filter((s) => s.operation === "datasets.download").length).toBeGreaterThan(0);
  });
});
