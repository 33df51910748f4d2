import { SpanKind, type Tracer } from "@opentelemetry/api";
import type { Middleware, MiddlewareContext } from "cohere-batches";
import { withActive } from "./active-span.js";
import { type CallRecord, startRun } from "./call-record.js";
import { callAttributes } from "./span-attributes.js";
import { ended } from "./span-end.js";
import { started } from "./span-start.js";
import type { Telemetry } from "./telemetry.js";

/** The call phase: one `INTERNAL` span per run of the call, outside retries. */
export function callMiddleware(
  t: Telemetry,
  tracer: Tracer,
  recordOf: (context: MiddlewareContext) => CallRecord,
): Middleware {
  return async (request, next, context) => {
    const record = recordOf(context);
    const span = started(t, tracer, `${request.method} ${context.route}`, {
      kind: SpanKind.INTERNAL,
      attributes: callAttributes(request, context),
    });
    record.span = span;
    record.spans.add(span);
    const run = startRun(record.runs.call, context);
    return ended(t, span, context, run, () => withActive(t, span, () => next(request), "call"));
  };
}
