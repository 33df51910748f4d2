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

/** `text` with every token the call has sent replaced by `[REDACTED]`, as sent and as JSON escapes it. */
export function redactTokens(context: MiddlewareContext | undefined, text: string): string {
  const tokens = tokensOf(context);
  if (tokens === undefined) return text;
  let redacted = text;
  for (const token of tokens) {
    // Also lowercased: a server that puts the echo into a host name has it lowercased by the URL.
    for (const form of new Set([token, JSON.stringify(token).slice(1, -1), token.toLowerCase()]))
      redacted = redacted.split(form).join("[REDACTED]");
  }
  return redacted;
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
 * `error` (an object) cleaned, in place, of every token the call has sent: each of its own
 * fields that holds one (`message`, `stack`, a `CohereParseError`'s `issues` and `text`, an
 * `ApiError`'s `body` or `requestId`, a user's subclass's own) is written back with the tokens
 * replaced (through JSON: a `Headers` that held one becomes a plain object), and a cause that
 * holds one is dropped (see `carriesToken`). The object stays the same, and so its class (users
 * match on them): a `CohereError` a user's plugin made, quoting the signed URL or the
 * `Authorization` it read, reaches the caller, a span's status and a log clean. One that cannot
 * be changed (frozen) is replaced by a `CohereError` with its message cleaned.
 */
export function redactError(context: MiddlewareContext, error: unknown): unknown {
  const fields = error as Record<string, unknown>;
  try {
    for (const key of Object.getOwnPropertyNames(error)) {
      const value = fields[key];
      if (carriesToken(context, value))
        if (key === "cause") delete fields[key];
        else fields[key] = JSON.parse(redactTokens(context, JSON.stringify(value)));
    }
  } catch {
    return new CohereError(redactTokens(context, String(fields.message)));
  }
  return error;
}
