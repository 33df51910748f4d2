import { SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { Middleware, MiddlewareContext } from "cohere-batches";
import { withActive } from "./active-span.js";
import { type CallRecord, startRun } from "./call-record.js";
import { attemptAttributes, isDownload } from "./span-attributes.js";
import { ended } from "./span-end.js";
import { activeContext, started } from "./span-start.js";
import type { Telemetry } from "./telemetry.js";
import { writeTraceparent } from "./traceparent.js";

/** The attempt phase: one `CLIENT` span per send, child of its call's span. */
export function attemptMiddleware(
  t: Telemetry,
  tracer: Tracer,
  recordOf: (context: MiddlewareContext) => CallRecord,
  propagate: boolean,
): Middleware {
  return (request, next, context) => {
    const record = recordOf(context);
    // The active span, where a context manager carries it, when it is one of this call's call
    // spans: a call-phase plugin before this one may run the call twice at once (a hedge), and
    // `record.span` is the last run's. (Not any call's: a queue that loses the async context
    // would carry another call's span here.)
    const active = t.run("reading the active span", () => trace.getSpan(activeContext(t)));
    const parent = active !== undefined && record.spans.has(active) ? active : record.span;
    // Every send after the call's first is a resend (semconv): a retry's, and a hedge's.
    const resends = record.sends++;
    const span = started(
      t,
      tracer,
      `${request.method} ${context.route}`,
      { kind: SpanKind.CLIENT, attributes: attemptAttributes(request, context, resends) },
      parent,
    );
    // A download goes to a storage host with a signed URL: nothing of the client's is sent there.
    if (propagate && !isDownload(context))
      t.run("writing traceparent", () => writeTraceparent(t, request.headers, span));
    const run = startRun(record.runs.attempt, context);
    // Active while the request is sent: a fetch instrumentation's span is the attempt's child.
    return ended(t, span, context, run, () => withActive(t, span, () => next(request), "attempt"));
  };
}
