import { delay } from "../internal/delay.js";
import { CohereError } from "../core/errors/cohere-error.js";
import type { MiddlewarePlugin } from "../core/middleware-plugin.js";

/** Options of `rateLimitMiddleware`. @public */
export interface RateLimitOptions {
  /**
   * Sustained rate. Cohere's batches endpoints allow 500 requests per minute on production keys.
   * @defaultValue 500
   */
  requestsPerMinute?: number;
  /**
   * How many calls may go at once after a quiet spell (the bucket's size).
   * @defaultValue 10
   */
  burst?: number;
  /** The clock, in ms. @defaultValue performance.now */
  now?: () => number;
}

/**
 * A client-side token bucket: delays calls so that they stay under a rate, instead of letting
 * them fail with 429.
 *
 * @remarks
 * Runs in the `"call"` phase, outside retries and timeouts, so the wait does not eat into the
 * per-attempt timeout; retries are paced by the server's `Retry-After`. Calls wait in arrival
 * order. The caller's `abortSignal` ends a wait at once with `CohereAbortError`, and the slot
 * it held is given back. Share one instance between clients to share the budget.
 *
 * @example
 * ```ts
 * const client = new CohereClient({ middleware: [rateLimitMiddleware({ requestsPerMinute: 500 })] });
 * ```
 * @throws {@link CohereError} for options that are not positive numbers; {@link CohereAbortError} when the caller aborts while a call waits for its slot.
 * @public
 */
export function rateLimitMiddleware(options: RateLimitOptions = {}): MiddlewarePlugin {
  const perMinute = options.requestsPerMinute ?? 500;
  const capacity = options.burst ?? 10;
  if (!(perMinute > 0) || !Number.isFinite(perMinute))
    throw new CohereError("Invalid rateLimitMiddleware options: requestsPerMinute must be a positive number");
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new CohereError("Invalid rateLimitMiddleware options: burst must be a positive integer");
  const now = options.now ?? (() => performance.now());
  const perMillisecond = perMinute / 60_000;
  let tokens = capacity;
  let updatedAt = now();

  /** Takes a slot and says how long to wait for it; the bucket goes negative for callers in line. */
  const reserve = (): number => {
    const time = now();
    tokens = Math.min(capacity, tokens + (time - updatedAt) * perMillisecond);
    updatedAt = time;
    tokens -= 1;
    return tokens >= 0 ? 0 : -tokens / perMillisecond;
  };

  return {
    name: "rate-limit",
    phase: "call",
    handle: async (request, next, context) => {
      const wait = reserve();
      if (wait > 0) {
        try {
          await delay(wait, context.signal);
        } catch (error) {
          tokens += 1;
          throw error;
        }
      }
      return next(request);
    },
  };
}
