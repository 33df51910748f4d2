import { CohereError } from "../core/errors/cohere-error.js";
import type { MiddlewareContext } from "../core/middleware.js";
import { holdsToken } from "./holds-token.js";
import { redactHeaders, redactTokens } from "./redact-tokens.js";
import { tokensOf } from "./secrets.js";

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
 * message that does not. Never throws.
 */
export function redactError(context: MiddlewareContext, error: unknown): unknown {
  if (typeof error !== "object" || error === null || tokensOf(context) === undefined) return error;
  try {
    const redaction = new ErrorRedaction(context, error);
    cleaning.add(error);
    // Each step throws `error` where it cannot be cleaned in place.
    for (const key of Reflect.ownKeys(error)) redaction.cleanField(key);
    redaction.checkComputed();
    return error;
  } catch {
    // Replaced below.
  } finally {
    cleaning.delete(error);
  }
  return replacement(context, error);
}

/** A `CohereError` with `error`'s message redacted, for an error that cannot be cleaned in place. */
function replacement(context: MiddlewareContext, error: object): CohereError {
  let message = "(its message could not be read)";
  try {
    message = redactTokens(context, String((error as Error).message));
  } catch {
    // Kept as above.
  }
  return new CohereError(message);
}

/** One `redactError` under way: the error's fields cleaned so far, and one budget for its walks. */
class ErrorRedaction {
  readonly #context: MiddlewareContext;
  readonly #error: object;
  readonly #built: Map<PropertyKey, unknown> | undefined;
  readonly #budget = { left: 1_000_000 };
  // What each value of a field is cleaned to; the error itself stays as it is.
  readonly #cleaned: Map<unknown, unknown>;

  constructor(context: MiddlewareContext, error: object) {
    this.#context = context;
    this.#error = error;
    this.#built = builtKeys.get(error);
    this.#cleaned = new Map<unknown, unknown>([[error, error]]);
  }

  /** Gives the field `key` a clean value, or drops it (a cause); throws the error where it cannot. */
  cleanField(key: string | symbol): void {
    // The brand of `CohereError.is` (class names, fixed) is the SDK's.
    if (key === brand) return;
    if (this.#holds(key)) throw this.#error;
    const value: unknown = Reflect.get(this.#error, key);
    if (!this.#cleaned.has(value)) this.#cleaned.set(value, this.#cleanOf(key, value));
    const clean = this.#cleaned.get(value);
    // `Object.is`: a NaN field is unchanged too (`NaN !== NaN` replaced the whole error).
    if (Object.is(clean, value)) return;
    if (key === "cause") {
      if (!Reflect.deleteProperty(this.#error, key)) throw this.#error;
      return;
    }
    Object.defineProperty(this.#error, key, { value: clean });
    // A Proxy's trap may say it took the value and keep another.
    if (!Object.is(Reflect.get(this.#error, key), clean)) throw this.#error;
  }

  /**
   * Throws the error where a log shows a token that own fields may not hold: a message, stack,
   * name, cause or `toJSON` a class computes (from private state, say).
   */
  checkComputed(): void {
    if (this.#built !== undefined) return;
    const { message, stack, name, cause } = this.#error as Record<string, unknown>;
    if ([message, stack, name].some((text) => this.#holds(String(text))) || this.#holds(cause) !== false)
      throw this.#error;
    if (this.#holds(JSON.stringify(this.#error) ?? "")) throw this.#error;
  }

  #cleanOf(key: string | symbol, value: unknown): unknown {
    const verdict = this.#holds(value);
    // Too large to tell: kept only as the SDK built it (redacted then).
    const unknown = verdict === undefined && this.#built?.get(key) !== value;
    return verdict === true ? cleanValue(this.#context, value) : unknown ? "[REDACTED]" : value;
  }

  #holds(value: unknown): boolean | undefined {
    return typeof value === "string"
      ? redactTokens(this.#context, value) !== value
      : holdsToken(this.#context, value, this.#budget);
  }
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
function cleanValue(context: MiddlewareContext, value: unknown): unknown {
  if (typeof value === "string") return redactTokens(context, value);
  if (value instanceof Headers) return redactHeaders(context, value);
  if (value instanceof Error) return cleaning.has(value) ? "[REDACTED]" : redactError(context, value);
  if (Array.isArray(value) && value.some((item) => item instanceof Error))
    return value.map((item) =>
      holdsToken(context, item, { left: 1_000_000 }) === false ? item : cleanValue(context, item),
    );
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return JSON.parse(redactTokens(context, text));
  } catch {
    // Not plain data (a BigInt, a cycle, a getter that throws).
  }
  return "[REDACTED]";
}
