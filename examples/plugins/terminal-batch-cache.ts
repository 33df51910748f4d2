import type { MiddlewarePlugin } from "cohere-batches";

const terminal = new Set(["BATCH_STATUS_COMPLETED", "BATCH_STATUS_FAILED", "BATCH_STATUS_CANCELED"]);

/** Answers `retrieve` from memory once a batch is terminal: it never changes again. */
export function terminalBatchCache(store = new Map<string, string>()): MiddlewarePlugin {
  return {
    name: "terminal-batch-cache",
    phase: "call",
    handle: async (request, next, context) => {
      if (context.operation !== "batches.retrieve") return next(request);
      const id = String(context.params.path?.id);
      const cached = store.get(id);
      // What a cache returns is checked like the network's answer (a 404 would be NotFoundError).
      if (cached !== undefined) return new Response(cached, { headers: { "content-type": "application/json" } });
      const response = await next(request); // only a response whose body passed the SDK's checks
      const text = await response.clone().text();
      if (terminal.has(JSON.parse(text).batch.status)) store.set(id, text);
      return response;
    },
  };
}
