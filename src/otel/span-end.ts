import { type Span, SpanStatusCode } from "@opentelemetry/api";
import type { MiddlewareContext } from "cohere-batches";
import type { Run } from "./call-record.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Runs `send` and ends `span` with its outcome: the status code, or the error's type (with the
 * status of an answer whose body then failed, from `context.responseStatus`).
 */
export async function ended(
  t: Telemetry,
  span: Span,
  context: MiddlewareContext,
  run: Run,
  send: () => Promise<Response>,
): Promise<Response> {
  try {
    const response = await send();
    recordResponse(t, span, response);
    return response;
  } catch (error) {
    recordError(t, span, context, run, error);
    throw error;
  } finally {
    run.done();
    t.onSpan("ending a span", [() => span.end()]);
  }
}

function recordResponse(t: Telemetry, span: Span, response: Response): void {
  t.onSpan("recording the response on a span", [
    () => span.setAttribute("http.response.status_code", response.status),
    // An attempt span sees a failed status as a Response (the SDK maps it to an error above it).
    ...(response.status >= 400
      ? [
          () => span.setAttribute("error.type", String(response.status)),
          () => span.setStatus({ code: SpanStatusCode.ERROR }),
        ]
      : []),
  ]);
}

function recordError(t: Telemetry, span: Span, context: MiddlewareContext, run: Run, error: unknown): void {
  // An error without a status (a timeout, a broken connection) after a 2xx's headers: that
  // status. (Only a 2xx: an error status stands whatever its body, so a non-2xx there is
  // another attempt's, a hedge's still running; and only a status that may be this run's.)
  const answered = run.own ? context.responseStatus : undefined;
  const status = t.run(
    "reading the error",
    () =>
      (error as { status?: unknown } | null)?.status ??
      (answered !== undefined && answered >= 200 && answered < 300 ? answered : undefined),
  );
  // An API error is typed by its status (semconv); a 2xx that failed the checks by its class.
  const failedStatus = typeof status === "number" && (status < 200 || status > 299);
  t.onSpan("recording the error on a span", [
    () => (typeof status === "number" ? span.setAttribute("http.response.status_code", status) : undefined),
    () => span.setAttribute("error.type", failedStatus ? String(status) : errorType(error)),
    () =>
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) }),
  ]);
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : "_OTHER";
}
