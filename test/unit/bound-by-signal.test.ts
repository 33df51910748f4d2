import { describe, expect, it } from "vitest";
import { boundBySignal, promiseOf } from "../../src/internal/bound-by-signal.js";
import { unhandledDuring } from "../helpers/scripted-server.js";

describe("boundBySignal: the one way the SDK awaits what it does not control", () => {
  it("rejects with the abort as soon as the signal fires, while the work goes on", async () => {
    const controller = new AbortController();
    const bounded = boundBySignal(new Promise(() => {}), controller.signal, () => "aborted");
    setTimeout(() => controller.abort(), 10);
    await expect(bounded).rejects.toBe("aborted");
  });

  it("leaves no unhandled rejection when the work rejects after the abort, or the signal had already fired", async () => {
    const unhandled = await unhandledDuring(async () => {
      const controller = new AbortController();
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 20));
      const bounded = boundBySignal(late, controller.signal);
      controller.abort();
      await bounded.catch(() => {});
      const early = Promise.reject(new Error("fetch aborted"));
      await boundBySignal(early, AbortSignal.abort()).catch(() => {});
    }, 60);
    expect(unhandled).toEqual([]);
  });

  it("leaves no unhandled rejection when the signal is not one (a plugin wrote junk into context.attemptSignal)", async () => {
    // The listener could not be added: the bound promise failed, and the work's rejection was
    // left without a handler (a crash under Node's default --unhandled-rejections=throw).
    const unhandled = await unhandledDuring(async () => {
      const work = new Promise((_, reject) => setTimeout(() => reject(new Error("fetch failed")), 10));
      const error = await boundBySignal(work, 5 as unknown as AbortSignal).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
    }, 60);
    expect(unhandled).toEqual([]);
  });

  it("settles like the work when the signal does not fire, and removes its listener", async () => {
    const controller = new AbortController();
    await expect(boundBySignal(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(boundBySignal(Promise.reject(new Error("x")), controller.signal)).rejects.toThrow("x");
    controller.abort();
  });

  it("promiseOf turns a synchronous throw into a rejection", async () => {
    await expect(
      promiseOf(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    await expect(promiseOf(() => 3)).resolves.toBe(3);
  });
});
