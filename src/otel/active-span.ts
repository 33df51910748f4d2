import { context as otelContext, type Span, trace } from "@opentelemetry/api";
import { activeContext } from "./span-start.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Runs `send` once, with `span` active. A context manager costs the context, never the call: one
 * that throws, returns something else than the callback's answer, calls the callback twice or
 * later, or never, still has the request sent once and the call answered by it.
 */
export function withActive(
  t: Telemetry,
  span: Span,
  send: () => Promise<Response>,
  which: "call" | "attempt",
): Promise<Response> {
  let sent: Promise<Response> | undefined;
  const run = () => {
    sent ??= send();
    return sent;
  };
  let result: unknown;
  try {
    result = otelContext.with(trace.setSpan(activeContext(t), span), run);
  } catch (error) {
    t.ignored(`activating the ${which} span`, error);
  }
  // The manager's own promise (one that settles with the callback's, say) fails with the call:
  // the caller gets that failure from `sent`, so this one is not reported, nor left unhandled.
  if (result !== sent) t.settled(result);
  return run();
}
