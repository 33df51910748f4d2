import {
  context as otelContext,
  type Context,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { VERSION } from "../version.js";
import type { Telemetry } from "./telemetry.js";

/** The tracer spans are made with: `given`, else the global provider's. */
export function tracerOf(t: Telemetry, given: Tracer | undefined): Tracer {
  return (
    given ??
    t.run("getting the tracer", () => trace.getTracer("cohere-batches", VERSION)) ??
    // A global provider that throws: spans that record nothing, and one warning, not one per call.
    ({ startSpan: () => trace.wrapSpanContext(INVALID_SPAN_CONTEXT) } as unknown as Tracer)
  );
}

/**
 * The active context, or the root one when the global context manager throws as it is asked (a
 * half-installed SDK): spans are then still recorded, as roots or under the parent given.
 */
export function activeContext(t: Telemetry): Context {
  return t.run("reading the active context", () => otelContext.active()) ?? ROOT_CONTEXT;
}

/** A span from `tracer`, child of `parent` (else of the active context); a no-op span if the tracer throws. */
export function started(t: Telemetry, tracer: Tracer, name: string, options: SpanOptions, parent?: Span): Span {
  const active = activeContext(t);
  const span = t.run("starting a span", () => {
    const parentContext: Context = parent === undefined ? active : trace.setSpan(active, parent);
    const made: unknown = tracer.startSpan(name, options, parentContext);
    // It must be a span: one that is not (null, a number, a promise of one) was a no-op span
    // without a word, or failed later as another step ("writing traceparent"). A promise's
    // rejection is reported too (`settled`), never left unhandled.
    if (!t.settled(made, "starting a span")) throw new TypeError("startSpan returned a promise, not a span");
    if (!(typeof (made as Span)?.spanContext === "function" && typeof (made as Span).end === "function"))
      throw new TypeError(`startSpan returned ${made === null ? "null" : typeof made}, not a span`);
    return made as Span;
  });
  return span ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}
