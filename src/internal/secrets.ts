import type { MiddlewareContext } from "../core/middleware.js";
import { CohereError } from "../core/errors/cohere-error.js";

/**
 * The tokens each call has sent, so that text a server sends back can be cleaned of them before
 * it goes into an error: a server or proxy that echoes `Authorization` must not put the key
 * into a message, a stack, `toJSON()` or `util.inspect`. Kept on the call's context, which
 * lives exactly as long as the call, under a symbol (a `WeakMap` entry per call costs every
 * garbage collection). `Symbol.for`: a layer of the other build (ESM or CJS: a
 * `loggingMiddleware` imported by `require` into an ESM client) redacts the same call's tokens.
 */
const sentTokens: unique symbol = Symbol.for("cohere-batches.sent-tokens") as never;

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

// The last few tokens each token function returned: a call knows them from its start (see
// `rememberKnownTokens`). Keyed on the function, so a client let go of takes its list along.
const returnedTokens = new WeakMap<object, string[]>();

/** Records a token that `supplier` (a token function) returned, of its last 4. */
export function rememberReturnedToken(supplier: object, token: string): void {
  const returned = returnedTokens.get(supplier) ?? [];
  if (returned.includes(token)) return;
  returned.unshift(token);
  returned.length = Math.min(returned.length, 4);
  returnedTokens.set(supplier, returned);
}

/**
 * Records, at a call's start, the tokens its client is known to send: the string, or what the
 * token function returned before. A call-phase plugin may answer without any attempt (a cache
 * replaying an answer that echoed the token), and auth, which remembers each token sent, never runs.
 */
export function rememberKnownTokens(context: MiddlewareContext, supplier: string | object): void {
  if (typeof supplier === "string") rememberToken(context, supplier);
  else for (const token of returnedTokens.get(supplier) ?? []) rememberToken(context, token);
}

// Tokens a workflow's calls carry in their request options (see `carryTokens`), under a symbol
// of this module's: an object spread (`{ ...options, abortSignal }`) copies it, the options'
// checks do not see it (they read string keys).
const carried: unique symbol = Symbol("cohere-batches.carried-tokens") as never;
export interface CarriedTokens {
  readonly list: string[];
  /** The calls add the tokens they send to `list`. */
  readonly record: boolean;
}
// Held by a function, as the call's own list is: options a plugin logs (`context.options`) show a
// function, never the tokens. Read with care: the caller's options may be a Proxy that throws.
function carriedOf(options: object | undefined): CarriedTokens | undefined {
  try {
    return (options as { [carried]?: () => CarriedTokens } | undefined)?.[carried]?.();
  } catch {
    return undefined;
  }
}

/**
 * Makes `options` (a fresh object, and every copy spread from it) carry `list`: each call made
 * with them knows its tokens from its start (its errors, logs and plugins are cleaned of them),
 * and, with `record`, adds the tokens it sends. For a workflow (`run`) that outlives the client's
 * memory of the last 4 tokens with a token function that mints one per call: its upload and its
 * creates record theirs, of which a server may make the dataset's or the batch's id, and every
 * later call of the run (a poll, a cancel, `results()`) knows them.
 */
export function carryTokens<T extends object>(options: T, list: string[], record = false): T {
  const tokens: CarriedTokens = { list, record };
  Object.defineProperty(options, carried, { value: () => tokens, enumerable: true, configurable: true });
  return options;
}

/** `to`, or a copy of it that carries what `from` carries (options resolved from carrying ones). */
export function withCarriedTokens<T extends object>(from: object | undefined, to: T): T {
  const tokens = carriedOf(from);
  return tokens === undefined ? to : carryTokens({ ...to }, tokens.list, tokens.record);
}

/** `options` (a fresh object), its calls recording into the list they carry, if they carry one. */
export function recordingTokens<T extends object>(options: T): T {
  const tokens = carriedOf(options);
  return tokens === undefined ? options : carryTokens(options, tokens.list, true);
}

/**
 * At a call's start: the tokens its options carry, known to the call. Returns what they carry,
 * for `recordCarriedTokens` at the call's end (the options are read once).
 */
export function rememberCarriedTokens(
  context: MiddlewareContext,
  options: object | undefined,
): CarriedTokens | undefined {
  const tokens = carriedOf(options);
  if (tokens !== undefined) for (const token of tokens.list) rememberToken(context, token);
  return tokens;
}

/** At a call's end: the tokens it sent, added to the list its options carry to record. */
export function recordCarriedTokens(context: MiddlewareContext, tokens: CarriedTokens | undefined): void {
  if (tokens?.record)
    for (const token of tokensOf(context) ?? []) if (!tokens.list.includes(token)) tokens.list.push(token);
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
 * `text` with every token the call has sent replaced by `[REDACTED]`: as JSON escapes it (first:
 * replacing the token inside the escaped form would break the escape), then as sent, in any case
 * (a server that puts the echo into a host name has it lowercased by the URL), with any of its
 * characters percent-encoded, once or twice (see `tokenPattern`).
 */
export function redactTokens(context: MiddlewareContext | undefined, text: string): string {
  const tokens = tokensOf(context);
  if (tokens === undefined) return text;
  let redacted = text;
  // The longest first: a token that begins another (a rotated key) left the rest of it shown.
  for (const token of tokens.length > 1 ? [...tokens].sort((a, b) => b.length - a.length) : tokens) {
    redacted = redacted.split(JSON.stringify(token).slice(1, -1)).join("[REDACTED]");
    const pattern = tokenPattern(token, "gi");
    if (pattern !== undefined) redacted = redacted.replace(pattern, "[REDACTED]");
    else
      for (const form of new Set([token, token.toLowerCase(), token.toUpperCase()]))
        redacted = redacted.split(form).join("[REDACTED]");
  }
  return redacted;
}

/**
 * `token` as a server or a URL may echo it: each ASCII character as it is or percent-encoded,
 * once or twice (`+` as `%2B`, `%2b` or `%252B`: an id made of the token went into a path, and a
 * URL parser encodes some characters and not others); with the `i` flag, in any case. Built
 * character by character: it never throws, whatever the token holds (a lone surrogate).
 * `undefined` past 256 characters (no API key is that long): the pattern would be too large to
 * compile, and such a token is looked for as it is, lower- and upper-cased.
 */
function tokenPattern(token: string, flags: "gi" | "i"): RegExp | undefined {
  // Built once per token and flags: a failed call looks at its message, stack and fields, each
  // with every token it sent, and building one for a 40-character key costs tens of µs (500
  // calls aborted at once spent 0.2 ms each in it). Reused safely: `replace` with a global
  // pattern starts at 0 and leaves `lastIndex` at 0, and `test` without `g` does not use it.
  const key = flags + token;
  let pattern = patterns.get(key);
  if (pattern === undefined && token.length <= 256) {
    let source = "";
    for (const char of token) {
      const code = char.charCodeAt(0);
      const literal = char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
      source += code < 0x80 ? `(?:${literal}|%(?:25)?${code.toString(16).padStart(2, "0")})` : literal;
    }
    pattern = new RegExp(source, flags);
    // A few tokens per program (a client's, a function's rotations): past 32, start again.
    if (patterns.size === 32) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
}

const patterns = new Map<string, RegExp>();

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
  return holdsToken(context, error, { left: 1_000_000 }) !== false;
}

/**
 * Whether `value` holds a token the call sent (see `carriesToken`): `undefined` when it is too
 * large to tell within `budget` (values and characters), which the walks of one error share.
 */
function holdsToken(context: MiddlewareContext, value: unknown, budget: { left: number }): boolean | undefined {
  // Each as `redactTokens` finds it: in any case, percent-encoded or not.
  const tokens = tokensOf(context)?.map((token): ((text: string) => boolean) => {
    const pattern = tokenPattern(token, "i");
    const lower = token.toLowerCase();
    return pattern ? (text) => pattern.test(text) : (text) => text.toLowerCase().includes(lower);
  });
  if (tokens === undefined) return false;
  // Every field at any depth, the causes' included, walked once: an AggregateError's `errors`,
  // an HTTP client's `config.headers`, a `Request`, `Headers` or `URL` it kept. Bytes are no
  // text, and are not walked.
  const spend = (cost: number) => {
    budget.left -= cost;
    if (budget.left < 0) throw new RangeError();
  };
  const seen = new Set<unknown>();
  const visit = (value: unknown): boolean => {
    if (typeof value === "string") {
      spend(1 + value.length / 4);
      return tokens.some((holds) => holds(value));
    }
    if (typeof value === "symbol") return visit(value.description ?? "");
    if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return false;
    spend(100);
    seen.add(value);
    // What `util.inspect` shows of them cannot be read here: counted as holding it.
    if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) throw new TypeError();
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
    if (value instanceof URL || value instanceof URLSearchParams || value instanceof String)
      return visit(String(value));
    if (value instanceof Request) return visit(value.url) || visit(value.headers);
    if (value instanceof Headers || value instanceof Map || value instanceof Set) {
      for (const item of value as Iterable<unknown>) if (visit(item)) return true;
      return false;
    }
    if (Array.isArray(value)) spend(value.length * 100);
    const keys = Reflect.ownKeys(value);
    spend(keys.length * 100);
    return keys.some((key) => visit(key) || visit((value as Record<PropertyKey, unknown>)[key]));
  };
  try {
    return visit(value);
  } catch {
    // Too large or too deep to walk; anything that cannot be read counts as holding it.
    return budget.left < 0 ? undefined : true;
  }
}

/**
 * `error` cleaned, in place, of every token the call has sent, so that a `CohereError` a user's
 * plugin or fetch made, quoting the signed URL or the `Authorization` it read, reaches the
 * caller, a span's status and a log clean, with its class (users match on it; a retry decision
 * too). Each own field (symbol-keyed ones included) that holds one is given a clean value: a
 * string redacted, a `Headers` copied with its values redacted, an `Error` cleaned the same way,
 * plain data through JSON, and anything else, or what is too large to tell within one budget for
 * the whole error, `"[REDACTED]"` (unless it is a field an SDK error was built with, unchanged:
 * see `builtRedacted`); a cause that holds one is dropped. An error that still shows one after
 * that (frozen, a field that would not change, a key naming it, a message, stack, name, cause or
 * `toJSON` computed from private state, traps that throw) is replaced by a `CohereError` with a
 * message that does not. Never throws. The errors it holds (a cause, an `errors` array) are
 * walked on one budget of theirs, `held` (each walked on a budget of its own, items that share
 * one large object walked it again and again), apart from the error's own: their cost cannot make
 * its own fields too large to tell.
 */
export function redactError(context: MiddlewareContext, error: unknown, held?: { left: number }): unknown {
  if (typeof error !== "object" || error === null || tokensOf(context) === undefined) return error;
  const built = builtKeys.get(error);
  // A held error's own walks are on the budget of the errors held.
  const budget = held ?? { left: 1_000_000 };
  const nested = held ?? { left: 1_000_000 };
  const holds = (value: unknown) =>
    typeof value === "string" ? redactTokens(context, value) !== value : holdsToken(context, value, budget);
  try {
    const cleaned = new Map<unknown, unknown>([[error, error]]);
    cleaning.add(error);
    for (const key of Reflect.ownKeys(error)) {
      // The brand of `CohereError.is` (class names, fixed) is the SDK's.
      if (key === brand) continue;
      // A symbol's description is read as text, off the budget: a field that spent it left a
      // symbol naming the token "too large to tell", and kept.
      if (holds(typeof key === "symbol" ? (key.description ?? "") : key)) throw error;
      const value: unknown = Reflect.get(error, key);
      if (!cleaned.has(value)) {
        const verdict = holds(value);
        // Too large to tell: kept only as the SDK built it (redacted then).
        const unknown = verdict === undefined && built?.get(key) !== value;
        cleaned.set(value, verdict === true ? cleanValue(context, value, nested) : unknown ? "[REDACTED]" : value);
      }
      const clean = cleaned.get(value);
      // `Object.is`: a NaN field is unchanged too (`NaN !== NaN` replaced the whole error).
      if (Object.is(clean, value)) continue;
      if (key === "cause") {
        if (!Reflect.deleteProperty(error, key)) throw error;
        continue;
      }
      Object.defineProperty(error, key, { value: clean });
      // A Proxy's trap may say it took the value and keep another.
      if (!Object.is(Reflect.get(error, key), clean)) throw error;
    }
    // What a log shows that own fields may not hold: a message, stack, name, cause or `toJSON`
    // a class computes (from private state, say).
    if (built === undefined) {
      const { message, stack, name, cause } = error as Record<string, unknown>;
      // A cause kept as it was above was judged there (walked again, a large one was too large to
      // tell the second time, and the whole error was replaced).
      const judged = cleaned.has(cause) && cleaned.get(cause) === cause;
      if ([message, stack, name].some((text) => holds(String(text))) || (!judged && holds(cause) !== false))
        throw error;
      if (holds(JSON.stringify(error) ?? "")) throw error;
    }
    return error;
  } catch {
    // Replaced below.
  } finally {
    cleaning.delete(error);
  }
  let message = "(its message could not be read)";
  try {
    message = redactTokens(context, String((error as Error).message));
  } catch {
    // Kept as above.
  }
  return new CohereError(message);
}

const brand = Symbol.for("cohere-batches.error");

// The SDK's own errors built from what a server sent (an `ApiError`, a body that failed its
// check), redacted as they were built, with their fields then: `redactError` keeps a field that
// still holds the value it was built with when that value is too large or deep to walk (a body),
// which would otherwise take it away.
const builtKeys = new WeakMap<object, Map<PropertyKey, unknown>>();

/** Marks `error` as built redacted (see above). */
export function builtRedacted<T extends object>(error: T): T {
  builtKeys.set(error, new Map(Reflect.ownKeys(error).map((key) => [key, Reflect.get(error, key)])));
  return error;
}

// The errors being cleaned, so that one that holds itself (or holds one that holds it) is not
// cleaned over again until the stack runs out.
const cleaning = new Set<object>();

/** `value` (holding a token) as it may be kept: see `redactError`. */
function cleanValue(context: MiddlewareContext, value: unknown, budget: { left: number }): unknown {
  if (typeof value === "string") return redactTokens(context, value);
  if (value instanceof Headers) return redactHeaders(context, value);
  if (value instanceof Error) return cleaning.has(value) ? "[REDACTED]" : redactError(context, value, budget);
  if (Array.isArray(value) && value.some((item) => item instanceof Error))
    return value.map((item) =>
      holdsToken(context, item, budget) === false ? item : cleanValue(context, item, budget),
    );
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return JSON.parse(redactTokens(context, text));
  } catch {
    // Not plain data (a BigInt, a cycle, a getter that throws).
  }
  return "[REDACTED]";
}
