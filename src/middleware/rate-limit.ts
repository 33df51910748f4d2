import { callEnded, callEndedError } from "../core/call-end.js";
import { CohereAbortError } from "../core/errors/abort-error.js";
import type { Middleware } from "../core/middleware.js";
import type { SinglePhasePlugin } from "../core/middleware-plugin.js";
import { checkedClock } from "./rate-limit-clock.js";
import { checkRateLimitOptions } from "./rate-limit-options.js";
import { TokenBucket } from "./token-bucket.js";

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
  checkRateLimitOptions(options);
  const perMinute = options.requestsPerMinute ?? 500;
  const capacity = options.burst ?? 10;
  const clock = options.now ?? (() => performance.now());
  const bucket = new TokenBucket(perMinute, capacity, checkedClock(clock));
  const handle: Middleware = async (request, next, context) => {
    // A download is the storage host's, not Cohere's API: it takes no slot.
    if (context.operation === "datasets.download") return await next(request);
    const signal = context.signal;
    // A call that cannot go takes no slot: its caller aborted, or it ended already (a plugin of
    // the user's that calls this handle late, after an outer plugin answered: a free token was
    // taken for a next() that then sent nothing, and every call behind went a slot later).
    if (signal?.aborted) throw new CohereAbortError(signal.reason);
    if (callEnded(context)) throw callEndedError();
    if (!bucket.take()) await bucket.waitForSlot(signal, context);
    return await next(request);
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
