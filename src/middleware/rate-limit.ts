import { abortAtCallEnd, callEndWatched } from "../core/call-end.js";
import { delay } from "../internal/delay.js";
import * as v from "valibot";
import { CohereAbortError } from "../core/errors/abort-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { describeThrownValue } from "../internal/thrown-text.js";
import { checkInput } from "../core/input.js";
import { functionSchema } from "../core/input-schemas.js";
import type { Middleware, MiddlewareContext } from "../core/middleware.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";

/** Options of `rateLimitMiddleware`. @public */
export interface RateLimitOptions {
  /**
   * Sustained rate. Cohere's batches endpoints allow 500 requests per minute on production keys.
   * @defaultValue 500
   */
  requestsPerMinute?: number | undefined;
  /**
   * How many calls may go at once after a quiet spell (the bucket's size).
   * @defaultValue 10
   */
  burst?: number | undefined;
  /** The clock, in ms. @defaultValue performance.now */
  now?: (() => number) | undefined;
}

/**
 * A client-side token bucket: delays calls so that they stay under a rate, instead of letting
 * them fail with 429.
 *
 * @remarks
 * Runs in the `"call"` phase, outside retries and timeouts, so the wait does not eat into the
 * per-attempt timeout; retries are paced by the server's `Retry-After`. Calls wait in arrival
 * order, however long the queue: unlike users' call-phase plugins, whose own time is bounded by
 * `timeoutInSeconds`, the wait for a slot is not. The caller's `abortSignal` ends a wait at once
 * with `CohereAbortError`, and the calls behind it move up: a call takes its slot when it goes,
 * so no more than `burst` ever go at once. Share one instance between
 * clients to share the budget. Downloads of results parts (`datasets.download`, from a storage
 * host) are not limited.
 *
 * @example
 * ```ts
 * const client = new CohereClient({ middleware: [rateLimitMiddleware({ requestsPerMinute: 500 })] });
 * ```
 * @throws {@link CohereError} for options that are not what `RateLimitOptions` says (a misspelt key, a rate that is not a positive number); {@link CohereAbortError} when the caller aborts while a call waits for its slot.
 * @public
 */
export function rateLimitMiddleware(options: RateLimitOptions = {}): SinglePhasePlugin {
  // Built here, not at module level: a bundle that never limits must not carry it.
  const schema = v.strictObject(
    {
      requestsPerMinute: v.optional(
        v.pipe(
          v.number("must be a positive number"),
          v.check((n) => n > 0 && Number.isFinite(n), "must be a positive number"),
        ),
      ),
      burst: v.optional(
        v.pipe(
          v.number("must be a positive integer"),
          v.check((n) => Number.isInteger(n) && n >= 1, "must be a positive integer"),
        ),
      ),
      now: v.optional(functionSchema<() => number>()),
    },
    "must be an object { requestsPerMinute?, burst?, now? }",
  );
  checkInput(schema, options, "rateLimitMiddleware options");
  const perMinute = options.requestsPerMinute ?? 500;
  const capacity = options.burst ?? 10;
  const clock = options.now ?? (() => performance.now());
  // A clock that answers junk (NaN turned the limit off for good) is a typed error.
  const now = (): number => {
    let time: unknown;
    try {
      time = clock();
    } catch (error) {
      throw new CohereError(`rateLimitMiddleware: now() threw: ${describeThrownValue(error)}`, { cause: error });
    }
    if (typeof time !== "number" || !Number.isFinite(time))
      throw new CohereError(
        `rateLimitMiddleware: now() must return a finite number of ms (got ${typeof time === "number" ? time : typeof time})`,
      );
    return time;
  };
  const perMillisecond = perMinute / 60_000;
  let tokens = capacity;
  let updatedAt = now();
  // The calls waiting for a slot, in arrival order, and the pump that lets them go as slots come.
  // A waiter takes its slot when it goes, not when it arrives: one that is aborted leaves the
  // line, and those behind it move up to the times it would have gone at. (Slots fixed on
  // arrival, with the slot given back on an abort, let two calls go at once past `burst`.)
  // A Set keeps arrival order and lets an aborted waiter out at once (an array's `indexOf` and
  // `splice` made aborting 100,000 waiters take 5 s).
  const line = new Set<{ go: () => void; fail: (error: unknown) => void }>();
  let pumping: AbortController | undefined;

  const refill = (): void => {
    const time = now();
    // A clock set back (`Date.now` after a sync) refills nothing for that step, and the refill
    // goes on from the new time: counted backwards, the step took back the slots of the time it
    // went back; held at the later time, nothing was refilled until the clock caught up.
    if (time > updatedAt) tokens = Math.min(capacity, tokens + (time - updatedAt) * perMillisecond);
    updatedAt = time;
  };

  const pump = async (stop: AbortSignal): Promise<void> => {
    try {
      for (;;) {
        refill();
        for (const waiter of line) {
          if (tokens < 1) break;
          tokens -= 1;
          line.delete(waiter);
          waiter.go();
        }
        if (line.size === 0) return;
        await delay((1 - tokens) / perMillisecond, stop);
      }
    } catch (error) {
      // Stopped when the line emptied by aborts; else a clock gone bad, which every waiter gets.
      if (!stop.aborted) {
        const waiting = [...line];
        line.clear();
        for (const waiter of waiting) waiter.fail(error);
      }
    } finally {
      if (pumping?.signal === stop) pumping = undefined;
    }
  };

  // The call's end too, where plugins run (an outer plugin may answer while its call waits
  // here): the waiter leaves the line then, as on the caller's abort, and takes no slot.
  const waitForSlot = (signal: AbortSignal | undefined, context: MiddlewareContext): Promise<void> =>
    new Promise((resolve, reject) => {
      const ending = callEndWatched(context) ? new AbortController() : undefined;
      const end = ending?.signal;
      const release = ending === undefined ? undefined : abortAtCallEnd(context, ending);
      // Ended already (a `next()` left running reached here after the call settled): no place.
      if (end?.aborted) return reject(end.reason);
      const settled = () => {
        signal?.removeEventListener("abort", onAbort);
        end?.removeEventListener("abort", onAbort);
        release?.();
      };
      const waiter = {
        go: () => {
          settled();
          resolve();
        },
        fail: (error: unknown) => {
          settled();
          reject(error);
        },
      };
      function onAbort() {
        line.delete(waiter);
        // The pump is let go at once, not when it notices: a call that arrives in the same tick
        // starts a pump of its own (it found the old one set, and waited with none).
        if (line.size === 0) {
          pumping?.abort();
          pumping = undefined;
        }
        settled();
        reject(signal?.aborted || !end?.aborted ? new CohereAbortError(signal?.reason) : end.reason);
      }
      line.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      end?.addEventListener("abort", onAbort, { once: true });
      if (pumping === undefined) {
        pumping = new AbortController();
        void pump(pumping.signal);
      }
    });

  const handle: Middleware = async (request, next, context) => {
    // A download is the storage host's, not Cohere's API: it takes no slot.
    if (context.operation === "datasets.download") return next(request);
    const signal = context.signal;
    if (signal?.aborted) throw new CohereAbortError(signal.reason);
    refill();
    if (line.size === 0 && tokens >= 1) tokens -= 1;
    else await waitForSlot(signal, context);
    return next(request);
  };
  // The wait for a slot is bounded by the caller's abort only (see `waitsByDesign`).
  waitingHandles().add(handle);
  return { name: "rate-limit", phase: "call", handle };
}

/**
 * The handles of the SDK's plugins whose time outside `next()` is the wait they are made for
 * (the rate limiter's queue for a slot): the guard of users' middleware does not bound that time
 * by `timeoutInSeconds` (a wait past it failed the call, and the slot it held was never given
 * back: calls behind it waited longer still). The caller's abort still ends it. The guard looks
 * them up itself (`waitsByDesign` in src/core/plugin-run-bounds.ts), so that this stays out of a
 * page that never limits.
 *
 * A set of the functions themselves, not a mark on them: a mark is copied by `Object.assign`,
 * inherited through a prototype and faked by a Proxy's `has`, and reading it runs a Proxy's
 * trap. One set for both builds (under `Symbol.for`), so that the CJS build's rate limiter in an
 * ESM client waits as it should; code that reaches for it by that key on purpose is its own to
 * answer for, as any monkey-patching of the SDK is. A frozen global, or junk under the key: a
 * set of this limiter's own, which the guard does not see (bounded as users' plugins are).
 */
function waitingHandles(): WeakSet<object> {
  const key = Symbol.for("cohere-batches.waits-by-design");
  try {
    const held: unknown = Reflect.get(globalThis, key);
    if (held === undefined) Object.defineProperty(globalThis, key, { value: new WeakSet<object>() });
    else WeakSet.prototype.has.call(held, globalThis); // only a real WeakSet passes
    return Reflect.get(globalThis, key) as WeakSet<object>;
  } catch {
    return new WeakSet<object>();
  }
}
