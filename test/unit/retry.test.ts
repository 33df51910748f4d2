import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  CohereAbortError,
  CohereConnectionError,
  CohereTimeoutError,
  InternalServerError,
  retryMiddleware,
  TooManyRequestsError,
  type OperationName,
  type ResolvedRequestOptions,
} from "../../src/index.js";
import { errorClassByStatus } from "../../src/core/errors/status-errors.js";
import { makeContext } from "../helpers/context.js";

const fast = retryMiddleware({ initialDelayInSeconds: 0.001, random: () => 0 });

function apiError(status: number, headers: Record<string, string> = {}, retryAfterInSeconds?: number): ApiError {
  const ErrorClass = errorClassByStatus.get(status) ?? ApiError;
  return new ErrorClass({ status, body: {}, headers: new Headers(headers), requestId: undefined, retryAfterInSeconds });
}

const refused = () =>
  new CohereConnectionError("Connection failed: connect ECONNREFUSED", {
    cause: Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }),
  });
const reset = () =>
  new CohereConnectionError("Connection failed: socket hang up", {
    cause: Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }),
  });

/** Runs the retry layer over a `next` that fails with `failures` in turn, then succeeds. */
async function run(
  failures: (() => unknown)[],
  options: Partial<ResolvedRequestOptions> = {},
  operation: OperationName = "batches.list",
  layer = fast,
) {
  const context = makeContext(options, operation);
  const attempts: { attempt: number; body: string }[] = [];
  const result = await layer(
    new Request(
      "http://127.0.0.1/v2/batches",
      operation === "batches.create"
        ? {
            method: "POST",
            body: '{"name":"n"}',
            // What the request-options layer above puts on the wire for the option.
            headers: options.idempotencyKey === undefined ? {} : { "Idempotency-Key": options.idempotencyKey },
          }
        : {},
    ),
    async (request) => {
      attempts.push({ attempt: context.attempt, body: await request.text() });
      const failure = failures[attempts.length - 1];
      if (failure) throw failure();
      return new Response("ok");
    },
    context,
  ).then(
    (response): { response?: Response; error?: unknown } => ({ response }),
    (error: unknown): { response?: Response; error?: unknown } => ({ error }),
  );
  return { ...result, attempts };
}

describe("retryMiddleware", () => {
  it.each([408, 409, 429, 500, 502, 503, 504])("retries status %i, then succeeds", async (status) => {
    const { response, attempts } = await run([() => apiError(status), () => apiError(status)]);
    expect(response).toBeInstanceOf(Response);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it.each([400, 401, 403, 404, 422, 501])("does not retry status %i", async (status) => {
    const { error, attempts } = await run([() => apiError(status)]);
    expect((error as ApiError).status).toBe(status);
    expect(attempts).toHaveLength(1);
  });

  it("gives up after maxRetries and throws the last error", async () => {
    const { error, attempts } = await run([() => apiError(500), () => apiError(500), () => apiError(503)], {
      maxRetries: 2,
    });
    expect((error as ApiError).status).toBe(503);
    expect(attempts).toHaveLength(3);
  });

  it("does not retry at all with maxRetries 0", async () => {
    const { error, attempts } = await run([() => apiError(503)], { maxRetries: 0 });
    expect(error).toBeInstanceOf(ApiError);
    expect(attempts).toHaveLength(1);
  });

  it("retries connection failures and attempt timeouts", async () => {
    const { response, attempts } = await run([reset, () => new CohereTimeoutError(1)]);
    expect(response).toBeInstanceOf(Response);
    expect(attempts).toHaveLength(3);
  });

  it("never retries an abort or an unknown error", async () => {
    expect((await run([() => new CohereAbortError("stop")])).attempts).toHaveLength(1);
    expect((await run([() => new Error("bug")])).attempts).toHaveLength(1);
  });

  it("sends the same body on every attempt", async () => {
    const { attempts } = await run([() => apiError(503), () => apiError(429)], {}, "batches.create");
    expect(attempts.map((a) => a.body)).toEqual(['{"name":"n"}', '{"name":"n"}', '{"name":"n"}']);
  });

  describe("create without an idempotency key", () => {
    it.each([429, 503])("retries %i: the server did not act", async (status) => {
      expect((await run([() => apiError(status)], {}, "batches.create")).attempts).toHaveLength(2);
    });

    it.each([408, 409, 500, 502, 504])("does not retry %i: the server may have created the batch", async (status) => {
      expect((await run([() => apiError(status)], {}, "batches.create")).attempts).toHaveLength(1);
    });

    it("retries a refused connection but not a reset or a timeout", async () => {
      expect((await run([refused], {}, "batches.create")).attempts).toHaveLength(2);
      expect((await run([reset], {}, "batches.create")).attempts).toHaveLength(1);
      expect((await run([() => new CohereTimeoutError(1)], {}, "batches.create")).attempts).toHaveLength(1);
    });
  });

  it("follows what the request declares (context.idempotent), not the operation's name", async () => {
    const attemptsFor = async (operation: OperationName, idempotent: boolean) => {
      const context = { ...makeContext({}, operation), idempotent };
      let attempts = 0;
      await fast(
        new Request("http://127.0.0.1/x", { method: "POST", body: "{}" }),
        async () => {
          attempts++;
          throw apiError(500);
        },
        context,
      ).catch(() => {});
      return attempts;
    };
    expect(await attemptsFor("datasets.create", false)).toBe(1);
    expect(await attemptsFor("batches.create", true)).toBe(3);
    expect(await attemptsFor("batches.list", false)).toBe(1);
  });

  it("retries create like any other call when it carries an Idempotency-Key header", async () => {
    const { response, attempts } = await run([() => apiError(500), reset], { idempotencyKey: "k" }, "batches.create");
    expect(response).toBeInstanceOf(Response);
    expect(attempts).toHaveLength(3);
  });

  it("waits the delay the server asks for", async () => {
    const started = performance.now();
    await run([() => apiError(429, {}, 0.12)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("does not sleep through a delay over 60 s: it throws at once, carrying the delay", async () => {
    const started = performance.now();
    const { error, attempts } = await run([() => apiError(429, {}, 61)]);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as ApiError).retryAfterInSeconds).toBe(61);
    expect(attempts).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("sleeps through a delay of exactly 60 s (the cap is inclusive)", async () => {
    vi.useFakeTimers();
    try {
      const pending = run([() => apiError(429, {}, 60)]);
      await vi.advanceTimersByTimeAsync(59_000);
      await vi.advanceTimersByTimeAsync(1_000);
      const { response, attempts } = await pending;
      expect(attempts).toHaveLength(2);
      expect(response).toBeInstanceOf(Response);
    } finally {
      vi.useRealTimers();
    }
  });

  it("backs off exponentially when the server names no delay", async () => {
    const slow = retryMiddleware({ initialDelayInSeconds: 0.05, random: () => 0 });
    const started = performance.now();
    await run([() => apiError(500), () => apiError(500)], {}, "batches.list", slow);
    // 0.05 s then 0.1 s
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("ends a wait between attempts as soon as the caller aborts", async () => {
    const controller = new AbortController();
    const slow = retryMiddleware({ initialDelayInSeconds: 30 });
    setTimeout(() => controller.abort(new Error("user gave up")), 30);
    const started = performance.now();
    const { error, attempts } = await run(
      [() => apiError(500)],
      { abortSignal: controller.signal },
      "batches.list",
      slow,
    );
    expect(error).toBeInstanceOf(CohereAbortError);
    expect((error as CohereAbortError).cause).toEqual(new Error("user gave up"));
    expect(attempts).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("is exported with the error classes it decides on", () => {
    expect(
      new InternalServerError({ status: 500, body: "", headers: new Headers(), requestId: undefined }),
    ).toBeInstanceOf(ApiError);
  });
});
