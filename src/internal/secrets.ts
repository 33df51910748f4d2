import type { MiddlewareContext } from "../core/middleware.js";
import { CohereError } from "../core/errors/cohere-error.js";

/**
 * The tokens each call has sent, so that text a server sends back can be cleaned of them before
 * it goes into an error: a server or proxy that echoes `Authorization` must not put the key
 * into a message, a stack, `toJSON()` or `util.inspect`. Kept on the call's context, which
 * lives exactly as long as the call, under a module-private symbol (a `WeakMap` entry per call
 * costs every garbage collection).
 */
const sentTokens: unique symbol = Symbol();

// The list is held by a function, not as an array: a plugin that logs its context
// (`util.inspect`, even with `showHidden`) shows a function, never the tokens in its closure.
type RememberingContext = MiddlewareContext & { [sentTokens]?: () => string[] };

const tokensOf = (context: MiddlewareContext | undefined) =>
  (context as RememberingContext | undefined)?.[sentTokens]?.();

/**
 * Records a token the call is about to send. A token shorter than 8 characters is not a real
 * key (Cohere's have 40) and redacting it would garble every message that contains its letters.
 */
export function rememberToken(context: MiddlewareContext, token: string): void {
  if (token.length < 8) return;
  const tokens = shareTokens(context);
  if (!tokens.includes(token)) tokens.push(token);
}

/**
 * The call's list of sent tokens, made if it has none yet. Made before a copy of the context (a
 * hedge's second run of the attempts), it is shared: a token one run remembers is redacted by both.
 */
export function shareTokens(context: MiddlewareContext): string[] {
  const held = tokensOf(context);
  if (held !== undefined) return held;
  const list: string[] = [];
  (context as RememberingContext)[sentTokens] = () => list;
  return list;
}

/**
 * `text` with every token the call has sent replaced by `[REDACTED]`, as sent and as JSON escapes
 * it, in any case (a server that puts the echo into a host name has it lowercased by the URL).
 */
export function redactTokens(context: MiddlewareContext | undefined, text: string): string {
  const tokens = tokensOf(context);
  if (tokens === undefined) return text;
  let redacted = text;
  // The escaped form first: replacing the token inside it would break the escape.
  for (const token of tokens)
    for (const form of new Set([JSON.stringify(token).slice(1, -1), token])) redacted = anyCase(redacted, form);
  return redacted;
}

/** `text` with `form` replaced in any case. */
function anyCase(text: string, form: string): string {
  return text.replace(new RegExp(form.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&"), "gi"), "[REDACTED]");
}

/** Headers with every token the call has sent replaced by `[REDACTED]` in their values. */
export function redactHeaders(context: MiddlewareContext | undefined, headers: Headers): Headers {
  if (tokensOf(context) === undefined) return headers;
  const redacted = new Headers();
  headers.forEach((value, name) => {
    redacted.append(name, redactTokens(context, value));
  });
  return redacted;
}

/**
 * True when `error` or one of its causes holds a token the call sent (in any case: a host name
 * is lowercased) in a string field, at any depth: a failure to follow a redirect whose URL a server built from the echoed token (its
 * host name, its `input`). Such an error is not kept as a cause: `util.inspect` shows every
 * field of every cause. Anything that cannot be read counts as holding it.
 */
export function carriesToken(context: MiddlewareContext, error: unknown): boolean {
  const tokens = tokensOf(context)?.map((token) => token.toLowerCase());
  if (tokens === undefined) return false;
  // Every field at any depth, the causes' included, walked once: an AggregateError's `errors`,
  // an HTTP client's `config.headers`, a `Request`, `Headers` or `URL` it kept. Bytes are no
  // text, and are not walked. The walk is bounded (values and characters: a cause may hold
  // megabytes); what is too large to walk counts as holding it.
  let budget = 1_000_000;
  const spend = (cost: number) => {
    budget -= cost;
    if (budget < 0) throw new RangeError();
  };
  const seen = new Set<unknown>();
  const visit = (value: unknown): boolean => {
    if (typeof value === "string") {
      spend(1 + value.length / 4);
      const text = value.toLowerCase();
      return tokens.some((token) => text.includes(token));
    }
    if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return false;
    spend(100);
    seen.add(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
    if (value instanceof URL || value instanceof URLSearchParams || value instanceof String)
      return visit(String(value));
    if (value instanceof Request) return visit(value.url) || visit(value.headers);
    if (value instanceof Headers || value instanceof Map || value instanceof Set) {
      for (const item of value as Iterable<unknown>) if (visit(item)) return true;
      return false;
    }
    if (Array.isArray(value) && value.length * 100 > budget) throw new RangeError();
    const keys = Reflect.ownKeys(value);
    if (keys.length * 100 > budget) throw new RangeError();
    return keys.some((key) => visit(key) || visit((value as Record<PropertyKey, unknown>)[key]));
  };
  try {
    return visit(error);
  } catch {
    return true;
  }
}

/**
 * `error` cleaned, in place, of every token the call has sent, so that a `CohereError` a user's
 * plugin or fetch made, quoting the signed URL or the `Authorization` it read, reaches the
 * caller, a span's status and a log clean, with its class (users match on it; a retry decision
 * too). Each own field (symbol-keyed ones included) that holds one is given a clean value: a
 * string redacted, a `Headers` copied with its values redacted, plain data through JSON, and
 * anything else, or what cannot be copied so, `"[REDACTED]"`; a cause that holds one is
 * dropped. An error that still holds one after that (frozen, a field that would not change,
 * traps that throw) is replaced by a `CohereError` with a message that does not. Never throws.
 */
export function redactError(context: MiddlewareContext, error: unknown): unknown {
  // One bounded walk for the whole error: most failures hold nothing the call sent.
  if (typeof error !== "object" || error === null || redacted.has(error) || !carriesToken(context, error)) return error;
  try {
    const cleaned = new Map<unknown, unknown>();
    for (const key of Reflect.ownKeys(error)) {
      const value: unknown = Reflect.get(error, key);
      if (!cleaned.has(value)) cleaned.set(value, carriesToken(context, value) ? cleanValue(context, value) : value);
      const clean = cleaned.get(value);
      if (clean === value) continue;
      if (key === "cause") Reflect.deleteProperty(error, key);
      else Object.defineProperty(error, key, { value: clean });
      // A Proxy's trap may say it took the value and keep another.
      if (key !== "cause" && Reflect.get(error, key) !== clean) throw error;
    }
    return error;
  } catch {
    // Replaced below.
  }
  let message = "(its message could not be read)";
  try {
    message = redactTokens(context, String((error as Error).message));
  } catch {
    // Kept as above.
  }
  return new CohereError(message);
}

// The SDK's own errors built from what a server sent (an `ApiError`, a body that failed its
// check), redacted as they were built: `redactError` leaves them as they are (their body may be
// too large or too deep to walk, and it would take their class away for it).
const redacted = new WeakSet<object>();

/** Marks `error` as built redacted (see above). */
export function builtRedacted<T extends object>(error: T): T {
  redacted.add(error);
  return error;
}

/** `value` (holding a token, or too large to tell) as it may be kept: see `redactError`. */
function cleanValue(context: MiddlewareContext, value: unknown): unknown {
  if (typeof value === "string") return redactTokens(context, value);
  if (value instanceof Headers) return redactHeaders(context, value);
  try {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length < 1_000_000) return JSON.parse(redactTokens(context, text));
  } catch {
    // Not plain data (a BigInt, a cycle, a getter that throws).
  }
  return "[REDACTED]";
}
