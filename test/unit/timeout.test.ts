import { describe, expect, it } from "vitest";
import { CohereAbortError, CohereTimeoutError, timeoutMiddleware, type MiddlewareContext } from "../../src/index.js";
import { makeContext } from "../helpers/context.js";

/** A `next` that never answers, but gives up when the attempt's signal fires, like the transport. */
const hangUntilAborted = (context: MiddlewareContext) => () =>
  new Promise<Response>((_resolve, reject) => {
    const signal = context.attemptSignal!;
    signal.addEventListener("abort", () => reject(new CohereAbortError(signal.reason)));
  });

describe("timeoutMiddleware", () => {
  it("fails an attempt that takes longer than timeoutInSeconds with CohereTimeoutError", async () => {
    const started = Date.now();
    const context = makeContext({ timeoutInSeconds: 0.05 });
    const error = await timeoutMiddleware()(new Request("http://127.0.0.1/"), hangUntilAborted(context), context).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CohereTimeoutError);
    expect((error as CohereTimeoutError).timeoutInSeconds).toBe(0.05);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("gives the attempt a signal that fires on the caller's abort", async () => {
    const controller = new AbortController();
    const context = makeContext({ abortSignal: controller.signal });
    const promise = timeoutMiddleware()(new Request("http://127.0.0.1/"), hangUntilAborted(context), context);
    controller.abort(new Error("user"));
    await expect(promise).rejects.toBeInstanceOf(CohereAbortError);
    expect(context.attemptSignal).toBeUndefined();
  });

  it("passes a fast response through and lets nothing fire afterwards", async () => {
    let signal: AbortSignal | undefined;
    const context = makeContext({ timeoutInSeconds: 0.02 });
    const response = await timeoutMiddleware()(
      new Request("http://127.0.0.1/"),
      async () => {
        signal = context.attemptSignal;
        return new Response("ok");
      },
      context,
    );
    expect(await response.text()).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(signal!.aborted).toBe(false);
  });

  it("passes other errors through unchanged", async () => {
    const failure = new Error("boom");
    await expect(
      timeoutMiddleware()(new Request("http://127.0.0.1/"), () => Promise.reject(failure), makeContext()),
    ).rejects.toBe(failure);
  });
});
