import type { MiddlewarePlugin } from "cohere-batches";

export interface CallMetric {
  operation: string;
  via: string; // "direct", "listAll", "waitUntilDone", ...
  outcome: string; // "ok", or the error the caller got: "NotFoundError", "CohereParseError", ...
  attempts: number;
  ms: number;
}

/** One record per call, with how many attempts it took: one plugin, two phases, shared state. */
export function metrics(record: (metric: CallMetric) => void): MiddlewarePlugin {
  const attempts = Symbol("attempts");
  return {
    name: "metrics",
    call: async (request, next, context) => {
      const started = performance.now();
      context.state[attempts] = 0;
      let outcome = "ok";
      try {
        return await next(request);
      } catch (error) {
        outcome = error instanceof Error ? error.name : "unknown";
        throw error;
      } finally {
        const { operation, via = "direct" } = context;
        record({
          operation,
          via,
          outcome,
          attempts: context.state[attempts] as number,
          ms: performance.now() - started,
        });
      }
    },
    attempt: (request, next, context) => {
      (context.state[attempts] as number)++;
      return next(request);
    },
  };
}
