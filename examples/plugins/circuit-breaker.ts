import { ApiError, CohereError, type MiddlewarePlugin } from "cohere-batches";

/** Fails fast after `threshold` calls in a row failed on the server's side, for `coolDownMs`. */
export function circuitBreaker({ threshold = 5, coolDownMs = 30_000 } = {}): MiddlewarePlugin {
  let failures = 0;
  let openUntil = 0;
  return {
    name: "circuit-breaker",
    phase: "call", // sees each call's outcome after the SDK's retries
    handle: async (request, next) => {
      if (Date.now() < openUntil) throw new CohereError("Circuit open: Cohere failed repeatedly, not calling it");
      try {
        const response = await next(request);
        failures = 0;
        return response;
      } catch (error) {
        // next() rejects with the caller's typed error: a 404 is the caller's problem, a 503 is Cohere's.
        const serverSide = !ApiError.is(error) || error.status >= 500 || error.status === 429;
        if (serverSide && ++failures >= threshold) openUntil = Date.now() + coolDownMs;
        throw error;
      }
    },
  };
}
