/**
 * Turns an injected {@link Fault} into what the client experiences: a response, a rejected
 * fetch, or a body that stalls or breaks off.
 *
 * The socket-level faults are expressed the way `fetch` reports them (a rejection, a body
 * stream error), which is also what lets the Node HTTP server recognise them: a rejected
 * `handle` becomes a destroyed socket, an erroring body a connection reset mid-body.
 *
 * @packageDocumentation
 */
import { sleep } from "./abortable-sleep.js";
import { bodyPrefix, brokenBody, droppedConnection, firstHalf, stalledBody } from "./fault-bodies.js";
import type {
  DelayFault,
  DropFault,
  Fault,
  MalformedBodyFault,
  ResetMidBodyFault,
  StatusFault,
  TruncateFault,
} from "./faults.js";
import type { ResponseFactory } from "./http-response.js";
import type { Operation } from "./wire.js";

const encoder = new TextEncoder();

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  498: "Invalid Token",
  499: "Client Closed Request",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The Content-Type a server sends with `text` as a body: JSON's for JSON, HTML's for a page (a
 * gateway's or a proxy's error page starts with `<`), `otherwise` for the rest. A gateway's 502
 * is `text/html`, not the `application/json` of the API behind it.
 */
function textContentType(text: string, otherwise: string): string {
  if (text.trimStart().startsWith("<")) return "text/html; charset=utf-8";
  try {
    JSON.parse(text);
    return "application/json";
  } catch {
    return otherwise;
  }
}

async function performAndRead(perform: () => Promise<Response>): Promise<{ response: Response; bytes: Uint8Array }> {
  const response = await perform();
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** What {@link applyFault} works with. */
export interface FaultContext {
  readonly operation: Operation;
  readonly signal: AbortSignal;
  readonly responses: ResponseFactory;
  /** Handles the request normally (auth, validation, the operation); never rejects. */
  readonly perform: () => Promise<Response>;
}

/**
 * Answers a request according to `fault`.
 *
 * @returns The response the client sees; rejects (`TypeError: fetch failed`) for a drop and
 * with the signal's reason if the request is aborted during a delay.
 */
export function applyFault(fault: Fault, context: FaultContext): Promise<Response> {
  // Not async itself: the promise is the one of the fault type's function, which the client
  // sees settle as soon as it did when these were the cases of one async function.
  switch (fault.type) {
    case "status":
      return statusResponse(fault, context);
    case "delay":
      return delayedResponse(fault, context);
    case "stall-body":
      return stalledResponse(context);
    case "drop":
      return dropConnection(fault, context);
    case "reset-mid-body":
      return resetMidBody(fault, context);
    case "malformed-body":
      return malformedResponse(fault, context);
    case "empty-body":
      return emptyResponse(context);
    case "truncate":
      return truncatedResponse(fault, context);
    case "missing-field":
      return missingFieldResponse(context);
  }
}

async function statusResponse(fault: StatusFault, { responses, perform }: FaultContext): Promise<Response> {
  if (fault.afterAction) await (await perform()).arrayBuffer();
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
  if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
  const body = fault.body ?? { message: REASON_PHRASES[fault.status] ?? `HTTP ${fault.status}` };
  if (typeof body === "string") headers["content-type"] = textContentType(body, "text/plain; charset=utf-8");
  Object.assign(headers, fault.headers);
  // The test's own body goes out as it gave it: `omitZeroValues` shapes the fake's answers,
  // not a body a test wrote (it sent `{ message: "", attempts: 0 }` as `{}`).
  return responses.text(fault.status, typeof body === "string" ? body : JSON.stringify(body), headers);
}

async function delayedResponse(fault: DelayFault, { signal, perform }: FaultContext): Promise<Response> {
  await sleep(fault.ms, signal);
  return perform();
}

async function stalledResponse({ responses, perform, signal }: FaultContext): Promise<Response> {
  const { response, bytes } = await performAndRead(perform);
  return responses.stream(response.status, stalledBody(firstHalf(bytes), signal), response.headers);
}

async function dropConnection(fault: DropFault, { perform }: FaultContext): Promise<Response> {
  if (fault.afterAction) await (await perform()).arrayBuffer();
  throw droppedConnection();
}

async function resetMidBody(fault: ResetMidBodyFault, context: FaultContext): Promise<Response> {
  const { responses, perform } = context;
  // A download acts on nothing, and its body is a part's bytes: a JSON prefix there would be
  // a corrupt part, not a broken-off one.
  if (fault.afterAction || context.operation === "datasets.download") {
    const { response, bytes } = await performAndRead(perform);
    return responses.stream(response.status, brokenBody(firstHalf(bytes)), response.headers);
  }
  // No content-length: the client cannot tell how much is missing, only that it broke off.
  return responses.stream(200, brokenBody(encoder.encode(bodyPrefix(context.operation))), responses.headers());
}

async function malformedResponse(fault: MalformedBodyFault, { responses, perform }: FaultContext): Promise<Response> {
  await (await perform()).arrayBuffer();
  // Broken JSON is labelled JSON (the server meant it as such); a page (a proxy's login) as HTML.
  const body = fault.body ?? "{not json";
  return responses.text(200, body, { "content-type": textContentType(body, "application/json") });
}

async function emptyResponse({ responses, perform }: FaultContext): Promise<Response> {
  await (await perform()).arrayBuffer();
  return responses.text(200, "");
}

async function truncatedResponse(fault: TruncateFault, { perform }: FaultContext): Promise<Response> {
  const { response, bytes } = await performAndRead(perform);
  const kept = bytes.slice(0, fault.bytes ?? Math.floor(bytes.byteLength * 0.6));
  const headers = new Headers(response.headers);
  headers.set("content-length", String(kept.byteLength));
  return new Response(kept, { status: response.status, headers });
}

async function missingFieldResponse({ responses, perform }: FaultContext): Promise<Response> {
  await (await perform()).arrayBuffer();
  return responses.json(200, {});
}
