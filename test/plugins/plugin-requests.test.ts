// What a plugin is handed is a real Request on a signal of the SDK's: in the call phase one that
// ends with the call (the caller's abort), in the attempt phase the attempt's own (its timeout,
// the caller's abort).
import { describe, expect, it } from "vitest";
import type { Middleware, MiddlewarePlugin } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";

const server = useFakeServer();
const fast = { backoff: { initialDelayInSeconds: 0.001, maxDelayInSeconds: 0.002 } };

describe("a two-phase plugin's requests", () => {
  it("in the attempt phase end with their attempt's timeout; in the call phase stay open for the retry", async () => {
    const callSignals: AbortSignal[] = [];
    const attemptSignals: AbortSignal[] = [];
    const plugin: MiddlewarePlugin = {
      name: "both",
      call: (request, next) => {
        callSignals.push(request.signal);
        return next(request);
      },
      attempt: (request, next, context) => {
        attemptSignals.push(request.signal);
        // The first attempt stalls until its timeout; the retry goes through.
        return context.attempt === 1 ? new Promise<Response>(() => {}) : next(request);
      },
    };
    const page = await server
      .client({ ...fast, maxRetries: 1, timeoutInSeconds: 0.2, middleware: [plugin] })
      .batches.list();
    expect(page.batches).toEqual([]);
    expect(attemptSignals.map((signal) => signal.aborted)).toEqual([true, false]);
    expect(attemptSignals[0]?.reason).toMatchObject({ name: "CohereTimeoutError" });
    expect(callSignals.map((signal) => signal.aborted)).toEqual([false]);
  });

  it("in both phases end with the caller's abort", async () => {
    const signals: AbortSignal[] = [];
    const stall: Middleware = (request) => {
      signals.push(request.signal);
      return new Promise<Response>(() => {});
    };
    const plugin: MiddlewarePlugin = {
      name: "both",
      call: (request, next) => {
        signals.push(request.signal);
        return next(request);
      },
      attempt: stall,
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await server
      .client({ middleware: [plugin] })
      .batches.list({}, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("CohereAbortError");
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });
});
