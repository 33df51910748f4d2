import { carriesToken, redactError } from "../../internal/secrets.js";
import { describeThrown } from "../../internal/thrown-text.js";
import type { MiddlewareContext } from "../middleware.js";
import { CohereAbortError } from "./abort-error.js";
import { ApiError, describeAnswer } from "./api-error.js";
import { CohereError } from "./cohere-error.js";
import { CohereConnectionError } from "./connection-error.js";
import { CohereParseError } from "./parse-error.js";
import { CohereTimeoutError } from "./timeout-error.js";

/** The call a failure ended: what the message needs to say which one it was. */
export interface FailedCall {
  /** `"batches.retrieve"`. */
  readonly operation: string;
  /** `"get"`, as the operation declares it. */
  readonly method: string;
  /** The route template, `"/v2/batches/{id}"`: no id in the message. */
  readonly route: string;
  /** The request's URL, ids included: kept on `ApiError.url`. */
  readonly url: string;
  /** How many attempts were made. */
  readonly attempts: number;
}

// Attempts a workflow made before a call, in calls of their own (`run`'s create sends each
// attempt as a call with `maxRetries: 0`; a part's download opens again after its body broke
// off), keyed by the request options it gives the call: counted in the call's failure.
const earlierAttempts = new WeakMap<object, number>();

/**
 * `options` (a fresh object), marked as those of a call that follows `count` attempts made in
 * calls of their own, so that its failure says how many attempts the caller's call made in all.
 */
export function afterEarlierAttempts<T extends object>(options: T, count: number): T {
  earlierAttempts.set(options, count);
  return options;
}

/** The attempts made in all by the call of `requestOptions` whose context counts `attempt`. */
export function attemptsMade(attempt: number, requestOptions: object | undefined): number {
  return attempt + ((requestOptions && earlierAttempts.get(requestOptions)) || 0);
}

// What names a call's failure, carried on its context for the guard of call-phase plugins,
// which names a failure before the plugin sees it (see `carryCallName`).
const callOf: unique symbol = Symbol();

type CarriesCall = { [callOf]?: { call: Omit<FailedCall, "attempts">; requestOptions: object | undefined } };

/**
 * Carries `call` on `context`: a call-phase plugin's `next()` then rejects with the failure named
 * as the caller will get it (`GET /v2/batches/{id} -> 404: ...`), not renamed after the plugin
 * saw it (a span's status, a log line). Set only where users' plugins run.
 */
export function carryCallName(
  context: MiddlewareContext,
  call: Omit<FailedCall, "attempts">,
  requestOptions: object | undefined,
): void {
  (context as CarriesCall)[callOf] = { call, requestOptions };
}

/** What `carryCallName` carried on `context`: read by the guard of call-phase plugins. */
export function carriedCall(context: MiddlewareContext): CarriesCall[typeof callOf] {
  return (context as CarriesCall)[callOf];
}

// Failures the SDK would have retried, but may not send again, with the reason: said in the
// message, where "1 attempt made" with `maxRetries: 2` would leave the caller guessing.
const notSentAgain = new WeakMap<object, string>();

/** Why a request was not sent again, by `noteNotSentAgain`'s reason. */
const notSentAgainReasons = [
  "a stream is read once (a Blob is sent again)",
  "the server may have acted, and its Idempotency-Key was not the one sent",
  "the server may have acted (an idempotencyKey allows it)",
  "the server may have acted, and a stream is read once (an idempotencyKey and a Blob allow it)",
];

/**
 * Marks `error`, a failure worth a retry, as one of a request that may not be sent again: its
 * body a stream read once (0), or a create the server may have acted on, whose key a plugin
 * dropped or changed (1) or that had none (2), or both none and a stream (3: a key alone would
 * not let it go again, nor a Blob alone).
 */
export function noteNotSentAgain(error: unknown, reason: 0 | 1 | 2 | 3): void {
  if (typeof error === "object" && error !== null) notSentAgain.set(error, notSentAgainReasons[reason] as string);
}

// The plain `CohereError`s the SDK makes during a call (fetch refused the request, a token function
// or a plugin failed, a part of the SDK did not load), named like the typed failures. A plugin's
// own `CohereError` is not among them: it reaches the caller in its own words.
const madeInCalls = new WeakSet<object>();

/**
 * A `CohereError` the SDK makes during a call, which the call's failure names:
 * `batches.list (GET /v2/batches): The token function failed: vault sealed`.
 */
export function callFailure(message: string, options?: ErrorOptions): CohereError {
  const error = new CohereError(message, options);
  madeInCalls.add(error);
  return error;
}

/**
 * `error` where it is a `CohereError`, else one in its place: a failure of the SDK's own work that
 * is not of its making (a write refused on a context a plugin froze) is typed like any other,
 * its words cleaned of the call's tokens, the value kept as `cause` unless it quotes one.
 */
export function typedFailure(context: MiddlewareContext, error: unknown): unknown {
  if (CohereError.is(error)) return error;
  const cause = carriesToken(context, error) ? undefined : { cause: error };
  return callFailure(`The call failed: ${describeThrown(context, error)}`, cause);
}

// The mark of an error already named, on the error (under `Symbol.for`): an error the other
// build (ESM or CJS) named, rethrown into this one's call, is not named a second time.
const named = Symbol.for("cohere-batches.named");

/**
 * The caller's abort of a method that ended before or between its calls (its code still
 * loading, a wait's pause), named as a call's abort is: `waitUntilDone: The request was
 * aborted`. `detail` is said after it (what the abort leaves behind). Marked as named: a call
 * it passes through does not name it again.
 */
export function abortNamed(name: string, reason: unknown, detail?: string): CohereAbortError {
  const error = new CohereAbortError(reason);
  Object.defineProperty(error, named, { value: true });
  retitle(error, `${name}: ${error.message}${detail === undefined ? "" : ` (${detail})`}`);
  return error;
}

/**
 * `error`, a failure of the SDK's that ended a method before its call was sent (an upload's data
 * that failed while a browser gathered it, or its abort or timeout then; a part of the SDK that
 * did not load), named as the call would have named it:
 * `waitUntilDone: cohere-batches could not load the waiter: ...`.
 */
export function namedBeforeCall(error: unknown, name: string): unknown {
  // Not a refusal of input ("Invalid request: ..."), which names the input.
  const ofTheCall = madeInCalls.has(error as object) || CohereAbortError.is(error) || CohereTimeoutError.is(error);
  if (ofTheCall && !(named in (error as object))) {
    Object.defineProperty(error, named, { value: true });
    retitle(error as Error, `${name}: ${(error as Error).message}`);
  }
  return error;
}

/**
 * Sets `failure`'s message, and the header of its stack to match. Throws when the message will
 * not take (frozen, read-only).
 */
function retitle(failure: Error, message: string): void {
  const header = `${failure.name}: ${failure.message}`;
  // Read first: V8 writes `stack` when it is first read, and after the message changed it
  // would already hold the new one (which contains the old), to be named a second time.
  const stack = failure.stack;
  if (!Reflect.set(failure, "message", message)) throw failure;
  // The header only (the old message may also be in the class name), and no replacement
  // patterns: `$'` and the like in a server's words are text.
  if (typeof stack === "string" && stack.startsWith(header))
    Reflect.set(failure, "stack", `${failure.name}: ${message}${stack.slice(header.length)}`);
}

/**
 * Rewrites, once, the message of a failure that reached the caller so it says which call failed
 * and after how many attempts: `GET /v2/batches/{id} -> 404: batch not found`,
 * `batches.list (GET /v2/batches) timed out after 0.2 s per attempt; 3 attempts made`; then
 * cleans it of the secrets the call sent (its token, a signed URL's query): every call's failure
 * passes here, whoever made it (a user's plugin may throw a `CohereError` that quotes
 * `request.url` or the `Authorization` it read). The error object stays the same (middleware
 * that saw it hold the same one); other errors pass as they are.
 */
export function nameTheCall(error: unknown, call: FailedCall, context: MiddlewareContext): unknown {
  if (typeof error !== "object" || error === null) return error;
  let fresh: boolean;
  try {
    fresh = !(named in error);
  } catch {
    // A Proxy whose `has` trap throws: replaced by a plain error, cleaned (see `redactError`).
    return redactError(context, error);
  }
  if (fresh) {
    const failure = error as Error;
    try {
      Object.defineProperty(error, named, { value: true });
      // Inside the try: an error of the other build is named too, and a look-alike whose fields
      // throw as they are read stays as it is.
      const message = messageFor(error, call);
      if (!message) return redactError(context, error);
      retitle(failure, message);
      if (ApiError.is(error) && error.url === undefined) Object.defineProperty(error, "url", { value: call.url });
    } catch {
      // An error that will not take its name (frozen, a read-only message, a trap that throws)
      // goes on as it is, its class kept.
    }
  }
  return redactError(context, error);
}

/**
 * The pause an answer asked for, in words. A plugin's `ApiError` may carry any number: one that
 * is not a pause (negative, `NaN`) is left out rather than quoted.
 */
function pauseAsked(pause: number | undefined): string {
  if (typeof pause !== "number" || !(pause >= 0)) return "";
  // Rounded to the millisecond first: a pause under half of one is none.
  const shown = Math.round(pause * 1000) / 1000;
  if (shown === 0) return "; the server asked for a retry at once";
  return `; the server asked for a pause of ${pause > 86_400 ? "over a day" : `${shown} s`}`;
}

/** How a call's failure names it: `batches.list (GET /v2/batches)`. */
export function callName(operation: string, method: string, route: string): string {
  return `${operation} (${method.toUpperCase()} ${route})`;
}

/** A download's `callName`: its label stands for its route (the signed URL is secret). */
export function downloadCallName(operation: string, label: string | undefined): string {
  return callName(operation, "get", label ?? "{signed-url}");
}

function messageFor(error: object, call: FailedCall): string | undefined {
  const reason = notSentAgain.get(error);
  const message = messageOf(error, call);
  return reason && message ? `${message}; not sent again: ${reason}` : message;
}

function messageOf(error: object, { operation, method, route, attempts }: FailedCall): string | undefined {
  const made = attempts === 1 ? "1 attempt made" : `${attempts} attempts made`;
  const verb = method.toUpperCase();
  const name = callName(operation, method, route);
  if (ApiError.is(error)) {
    const answer = describeAnswer(error.status, error.body);
    // A pause the server asked for is said: past the retry layer's cap, it is why the call ended.
    const asked = pauseAsked(error.retryAfterInSeconds);
    return `${verb} ${route} -> ${error.status}${answer === undefined ? "" : `: ${answer}`}${asked}${attempts > 1 ? ` (${made})` : ""}`;
  }
  if (CohereTimeoutError.is(error)) {
    // An attempt's timeout says so; another (a plugin's own time, a body's silence) keeps its words.
    return error.message === `Timed out after ${error.timeoutInSeconds} s`
      ? `${name} timed out after ${error.timeoutInSeconds} s per attempt; ${made}`
      : `${name}: ${error.message}`;
  }
  if (CohereConnectionError.is(error)) return `${name}: ${error.message}; ${made}`;
  // Not retried: no count of attempts. An abort says the call too, and so does a plain
  // `CohereError` of the SDK's (`callFailure`); a plugin's own reaches the caller unchanged
  // (docs/writing-plugins.md).
  if (CohereParseError.is(error) || CohereAbortError.is(error) || madeInCalls.has(error))
    return `${name}: ${(error as Error).message}`;
  return undefined;
}
