/**
 * `cohere-batches/otel`: the official OpenTelemetry plugin.
 *
 * @packageDocumentation
 */
import {
  context as otelContext,
  type Attributes,
  type Context,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
// The main entry, by the package's name: the built `.d.ts` of this entry then refers to its types
// instead of carrying private copies (one `TwoPhasePlugin` for users and for the API report), and
// its `CohereError` is the caller's own class (`instanceof` holds), not a copy.
import { CohereError, type Middleware, type MiddlewareContext, type TwoPhasePlugin } from "cohere-batches";
import { VERSION } from "../version.js";

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
  const tracer =
    given ??
    t.run("getting the tracer", () => trace.getTracer("cohere-batches", VERSION)) ??
    // A global provider that throws: spans that record nothing, and one warning, not one per call.
    ({ startSpan: () => trace.wrapSpanContext(INVALID_SPAN_CONTEXT) } as unknown as Tracer);
  // What this plugin knows of each call, by the call's `state` object (one per call, shared by its
  // phases and runs): nothing is written into it, so another plugin that copies, freezes or
  // rewrites the state costs this one nothing of its own.
  const calls = new WeakMap<object, CallRecord>();
  const recordOf = (context: MiddlewareContext): CallRecord => {
    let record = calls.get(context.state);
    if (record === undefined) {
      record = { spans: new Set(), sends: 0, runs: { call: new Set(), attempt: new Set() } };
      calls.set(context.state, record);
    }
    return record;
  };
  const call: Middleware = async (request, next, context) => {
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
  const attempt: Middleware = (request, next, context) => {
    const record = recordOf(context);
    // The active span, where a context manager carries it, when it is one of this call's call
    // spans: a call-phase plugin before this one may run the call twice at once (a hedge), and
    // `record.span` is the last run's. (Not any call's: a queue that loses the async context
    // would carry another call's span here.)
    const active = t.run("reading the active span", () => trace.getSpan(otelContext.active()));
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
  return { name: "opentelemetry", call, attempt };
}

/** What the plugin knows of one call. */
interface CallRecord {
  /** The call span of its last run. */
  span?: Span;
  /** The call spans of all its runs. */
  readonly spans: Set<Span>;
  /** Its sends so far. */
  sends: number;
  /** The runs of each phase in flight. */
  readonly runs: { readonly call: Set<Run>; readonly attempt: Set<Run> };
}

/**
 * One run of a phase. `context.responseStatus` is the call's last answer, and a run may take it
 * for its own only when no other run went beside it (a hedge's loser, cut short, had the
 * winner's 200) and none before it in the same attempt (a plugin's second send, dropped, had the
 * first one's).
 */
interface Run {
  /** The status may be this run's. */
  own: boolean;
  readonly done: () => void;
}

function startRun(runs: Set<Run>, context: MiddlewareContext): Run {
  const run: Run = { own: runs.size === 0 && context.responseStatus === undefined, done: () => runs.delete(run) };
  for (const other of runs) other.own = false;
  runs.add(run);
  return run;
}

const knownOptions = ["tracer", "propagate"];

/** The options, each read once, or a `CohereError` saying which is wrong (nothing is built). */
function checkedOptions(options: unknown): OpenTelemetryOptions {
  const refuse = (problem: string, cause?: unknown) =>
    new CohereError(`Invalid openTelemetryPlugin options: ${problem}`, cause === undefined ? undefined : { cause });
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw refuse(
      `must be an object { tracer?, propagate? } (got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options})`,
    );
  let tracer: unknown;
  let propagate: unknown;
  try {
    const unknown = Object.keys(options).find((key) => !knownOptions.includes(key));
    if (unknown !== undefined)
      throw refuse(`${JSON.stringify(unknown.slice(0, 50))} is not a known option (tracer, propagate)`);
    ({ tracer, propagate } = options as OpenTelemetryOptions);
  } catch (error) {
    throw error instanceof CohereError ? error : refuse("they could not be read", error);
  }
  if (propagate !== undefined && typeof propagate !== "boolean")
    throw refuse(`propagate must be a boolean (got ${typeof propagate})`);
  if (tracer !== undefined && typeof (tracer as Partial<Tracer> | null)?.startSpan !== "function")
    throw refuse("tracer must be an OpenTelemetry Tracer (with startSpan)");
  return { tracer: tracer as Tracer | undefined, propagate };
}

/**
 * Telemetry never fails a call: a tracer, span or context manager that throws (a buggy exporter,
 * a half-installed SDK) is reported with `console.warn` and ignored, as the SDK's other callbacks
 * are. One per plugin: each kind of failure is reported the first time only.
 */
class Telemetry {
  readonly #reported = new Set<string>();

  /** `run`'s answer, or undefined when it throws or answers with a promise (`what` is reported). */
  run<T>(what: string, run: () => T): T | undefined {
    try {
      const value = run();
      // A promise where a span or a value was due (an async exporter's `end`): its rejection is
      // reported, not left unhandled (a crash in Node), and it is no span.
      if (!this.settled(value, what)) return undefined;
      return value;
    } catch (error) {
      this.ignored(what, error);
      return undefined;
    }
  }

  ignored(what: string, error: unknown): void {
    if (this.#reported.has(what)) return;
    this.#reported.add(what);
    try {
      console.warn(`cohere-batches/otel: ${what} failed and was ignored (reported once per plugin).`, error);
    } catch {
      // A console that throws (patched by a test, a logging library): the report is lost, not
      // the call, and not a rejection left unhandled (this runs in a rejected promise's handler).
    }
  }

  /**
   * False for a promise (an async method's answer where none is due: an exporter's `end`), whose
   * rejection is then reported (`what`), or dropped when `what` is undefined; true for any other
   * value. Only real promises are taken for one: their rejections are the ones that go unhandled,
   * and another object's `then` is not called (a span may answer every property).
   */
  settled(value: unknown, what?: string): boolean {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return true;
    try {
      // A cheap look first: most answers are the span itself (`setAttribute` returns `this`), and
      // a `then` that throws for them would cost an exception per call. A promise of any realm
      // says "Promise" here.
      if (Object.prototype.toString.call(value) !== "[object Promise]") return true;
      // The runtime's own `then`, which takes a promise of any realm (a `node:vm` context's) and
      // throws for anything else: a subclass's `then` may throw, or never attach the handler.
      Promise.prototype.then.call(
        value,
        undefined,
        (error: unknown) => what !== undefined && this.ignored(what, error),
      );
      return false;
    } catch {
      // Not a promise, or one whose species constructor will not build one (it throws, or never
      // runs its executor): no handler can be attached without that constructor, so a rejection
      // of such a promise is left as the tracer made it.
      return true;
    }
  }

  /**
   * Calls a span's methods, each on its own: one that throws does not keep the others from
   * running, and one that answers with a promise has its rejection reported.
   */
  onSpan(what: string, calls: readonly (() => unknown)[]): void {
    for (const call of calls) this.run(what, call);
  }
}

/** A span from `tracer`, child of `parent` (else of the active context); a no-op span if the tracer throws. */
function started(t: Telemetry, tracer: Tracer, name: string, options: SpanOptions, parent?: Span): Span {
  const span = t.run("starting a span", () => {
    const parentContext: Context =
      parent === undefined ? otelContext.active() : trace.setSpan(otelContext.active(), parent);
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

/**
 * Runs `send` once, with `span` active. A context manager costs the context, never the call: one
 * that throws, returns something else than the callback's answer, calls the callback twice or
 * later, or never, still has the request sent once and the call answered by it.
 */
function withActive(
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
    result = otelContext.with(trace.setSpan(otelContext.active(), span), run);
  } catch (error) {
    t.ignored(`activating the ${which} span`, error);
  }
  // The manager's own promise (one that settles with the callback's, say) fails with the call:
  // the caller gets that failure from `sent`, so this one is not reported, nor left unhandled.
  if (result !== sent) t.settled(result);
  return run();
}

/**
 * Runs `send` and ends `span` with its outcome: the status code, or the error's type (with the
 * status of an answer whose body then failed, from `context.responseStatus`).
 */
async function ended(
  t: Telemetry,
  span: Span,
  context: MiddlewareContext,
  run: Run,
  send: () => Promise<Response>,
): Promise<Response> {
  try {
    const response = await send();
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
    return response;
  } catch (error) {
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
    throw error;
  } finally {
    run.done();
    t.onSpan("ending a span", [() => span.end()]);
  }
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : "_OTHER";
}

function callAttributes(request: Request, context: MiddlewareContext): Attributes {
  return {
    "http.request.method": request.method,
    "url.template": context.route,
    "cohere.operation": context.operation,
    ...(context.via === undefined ? {} : { "cohere.via": context.via }),
  };
}

function attemptAttributes(request: Request, context: MiddlewareContext, resends: number): Attributes {
  const url = new URL(request.url);
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return {
    "http.request.method": request.method,
    "url.full": redactedQuery(request.url, url, isDownload(context) ? noneIsPlain : isPlainParameter),
    "url.template": context.route,
    // An IPv6 address without the brackets a URL writes it in (semconv: the address itself).
    "server.address": url.hostname.replace(/^\[(.*)\]$/, "$1"),
    "server.port": port,
    ...(resends > 0 ? { "http.request.resend_count": resends } : {}),
  };
}

/** A results part's download (`datasets.download`): a signed URL on a storage host. */
function isDownload(context: MiddlewareContext): boolean {
  return context.operation === "datasets.download";
}

/**
 * `url` with the value of every query parameter that `plain` does not take replaced by
 * `REDACTED` (the names kept), as OpenTelemetry's conventions ask for sensitive values in
 * `url.full`; `href` as it is when all are plain.
 */
function redactedQuery(href: string, url: URL, plain: (name: string) => boolean): string {
  if ([...url.searchParams.keys()].every(plain)) return href;
  const shown = new URL(url);
  shown.search = new URLSearchParams(
    [...url.searchParams].map(([name, value]) => [name, plain(name) ? value : "REDACTED"]),
  ).toString();
  return shown.href;
}

/** A signed URL's query is its credential: no value of it is plain. */
const noneIsPlain = () => false;

/**
 * The query parameters of the API whose values say nothing secret. Any other value (a page
 * token, which is the server's text and may echo the key; a caller's extra `queryParams`) is
 * shown as `REDACTED` in `url.full`, as the conventions ask of sensitive values.
 */
const plainParameters = new Set([
  "page_size",
  "order_by",
  "limit",
  "offset",
  "datasetType",
  "validationStatus",
  "before",
  "after",
  "type",
  "skip_malformed_input",
  "keep_original_file",
]);

const isPlainParameter = (name: string) => plainParameters.has(name);

/** W3C trace context, written directly: it needs no global propagator to be registered. */
function writeTraceparent(t: Telemetry, headers: Headers, span: Span): void {
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
