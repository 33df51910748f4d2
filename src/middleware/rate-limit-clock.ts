import { CohereError } from "../core/errors/cohere-error.js";
import { describeThrownValue } from "../internal/thrown-text.js";

/**
 * The rate limiter's clock, read through a check: a clock that answers junk (NaN turned the
 * limit off for good) is a typed error.
 */
export function checkedClock(clock: () => number): () => number {
  return () => {
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
}
