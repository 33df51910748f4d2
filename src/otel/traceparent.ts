import { type Span, trace } from "@opentelemetry/api";
import type { Telemetry } from "./telemetry.js";

/** W3C trace context, written directly: it needs no global propagator to be registered. */
export function writeTraceparent(t: Telemetry, headers: Headers, span: Span): void {
  const spanContext = span.spanContext();
  if (!t.settled(spanContext, "reading the span context")) return;
  // Each field read once: what is checked is what is sent.
  const { traceId, spanId, traceFlags, traceState } = spanContext;
  if (!trace.isSpanContextValid({ traceId, spanId, traceFlags })) return;
  // W3C Trace Context takes lower-case hex only (OpenTelemetry's check takes either case): a
  // receiver drops a traceparent with an upper-case id, so none is sent, and the tracer is named.
  if (/[A-F]/.test(traceId + spanId)) {
    t.ignored("writing traceparent for a span whose ids are upper-case hex", new TypeError("W3C takes lower case"));
    return;
  }
  headers.set("traceparent", `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`);
  // A `tracestate` the caller's headers carried belongs to their trace, not to this one.
  headers.delete("tracestate");
  const state: unknown = traceState?.serialize();
  if (!t.settled(state, "serialising the trace state") || typeof state !== "string") return;
  const kept = state.length <= 512 ? state : cutTraceState(state);
  if (kept !== "") headers.set("tracestate", kept);
}

/**
 * A trace state cut to 512 characters, as W3C lets a sender cut one: entries over 128
 * characters go first, then entries from the end. A tracer's state of any size could make the
 * request too large for the server (a 431).
 */
function cutTraceState(state: string): string {
  const kept: string[] = [];
  let length = -1;
  for (const member of state.split(",")) {
    // Empty members (",,") are no entry: they would keep the place of real ones.
    const entry = member.trim();
    if (entry === "" || entry.length > 128) continue;
    if (length + 1 + entry.length > 512) break;
    kept.push(entry);
    length += 1 + entry.length;
  }
  return kept.join(",");
}
