/**
 * `cohere-batches/otel`: the official OpenTelemetry plugin.
 *
 * @packageDocumentation
 */
import type { Tracer } from "@opentelemetry/api";
// The main entry, by the package's name: the built `.d.ts` of this entry then refers to its types
// instead of carrying private copies (one `TwoPhasePlugin` for users and for the API report).
// checked-options.ts imports its `CohereError` so too, for the same class as the caller's.
import type { TwoPhasePlugin } from "cohere-batches";
import { attemptMiddleware } from "./attempt-phase.js";
import { callMiddleware } from "./call-phase.js";
import { callRecords } from "./call-record.js";
import { checkedOptions } from "./checked-options.js";
import { tracerOf } from "./span-start.js";
import { Telemetry } from "./telemetry.js";

/**
 * Options of `openTelemetryPlugin`.
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * import { openTelemetryPlugin } from "cohere-batches/otel";
 * const plugin = openTelemetryPlugin({ tracer: trace.getTracer("my-app"), propagate: false });
 * ```
 * @throws Nothing itself: `openTelemetryPlugin` reads the options once, and refuses others.
 * @public
 */
export interface OpenTelemetryOptions {
  /** The tracer spans are made with. @defaultValue `trace.getTracer("cohere-batches", VERSION)` */
  readonly tracer?: Tracer | undefined;
  /**
   * Send the attempt span's context as a W3C `traceparent` (and `tracestate`, up to 512
   * characters) header, so the server's spans join the trace. Only these: a global
   * propagator's other headers (`baggage`, B3) are not sent to Cohere. Never sent with a results
   * part's download (a signed URL on a storage host).
   * @defaultValue true
   */
  readonly propagate?: boolean | undefined;
}

/**
 * One span per call (`INTERNAL`, outside retries) and one per attempt (`CLIENT`, its child),
 * following OpenTelemetry's HTTP client conventions: the attempt span is named
 * `"{method} {route}"` from `context.route` (`"GET /v2/batches/{id}"`) and carries
 * `http.request.method`, `url.full`, `url.template`, `server.address`, `server.port`,
 * `http.response.status_code`, `error.type` and, from the call's second send on (a retry, or
 * a hedge of a plugin before this one), `http.request.resend_count`. `url.full` shows the
 * values of the API's plain query parameters (`page_size`, `order_by`, ...) and `REDACTED` for
 * any other (a page token is the server's text, which may echo the key; a caller's extra
 * `queryParams`). Each attempt sends `traceparent` (and drops a `tracestate` of the caller's,
 * which belongs to another trace; a span with no valid context, a no-op tracer's or one whose ids
 * are not lower-case hex, leaves the caller's own `traceparent` and `tracestate` as they are),
 * except a results part's download (`datasets.download`): nothing of the client's goes to the storage host, and its
 * `url.full` has every query value replaced by `REDACTED` (the signed URL's query is its
 * credential). Its spans are recorded like any call's. Telemetry never fails a call: a tracer,
 * span or context manager that throws, answers with a promise (whose rejection is reported), or
 * runs the callback twice, late or never, costs the telemetry, and the request is sent once.
 *
 * @remarks
 * The call span sees what the caller gets: a body that fails the SDK's checks ends it with
 * `error.type` `"CohereParseError"`; an API error with its status code. (A download's span ends
 * when the part's headers are in: its body is decoded afterwards, as the caller reads it.) It
 * also says what started the call (`cohere.via`: `"listAll"`, `"waitUntilDone"`, ...). A
 * redirect is followed below the attempt (by fetch, or by the SDK for a `POST`): its hops share
 * the attempt's span, whose `url.full` is the first hop's and status the last's.
 *
 * @example
 * ```ts
 * import { CohereClient } from "cohere-batches";
 * import { openTelemetryPlugin } from "cohere-batches/otel";
 * const client = new CohereClient({ middleware: [openTelemetryPlugin()] });
 * ```
 * @throws `CohereError` for options that are not what `OpenTelemetryOptions` says (a
 * misspelt key, a `propagate` that is not a boolean, a `tracer` without `startSpan`); at run time
 * nothing of its own: the SDK's typed errors pass through it unchanged.
 * @public
 */
export function openTelemetryPlugin(options: OpenTelemetryOptions = {}): TwoPhasePlugin {
  const { tracer: given, propagate = true } = checkedOptions(options);
  // Each kind of telemetry failure is reported once per plugin: a tracer that throws at every
  // span would otherwise print a warning (and its stack) with every call and attempt.
  const t = new Telemetry();
  const tracer = tracerOf(t, given);
  // What this plugin knows of each call, kept beside the call's `state`, never in it.
  const recordOf = callRecords();
  return {
    name: "opentelemetry",
    call: callMiddleware(t, tracer, recordOf),
    attempt: attemptMiddleware(t, tracer, recordOf, propagate),
  };
}
