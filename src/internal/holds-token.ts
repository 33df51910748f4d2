import type { MiddlewareContext } from "../core/middleware.js";
import { tokenPattern } from "./redact-tokens.js";
import { tokensOf } from "./secrets.js";

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
export function holdsToken(context: MiddlewareContext, value: unknown, budget: { left: number }): boolean | undefined {
  const tokens = tokenMatchers(context);
  if (tokens === undefined) return false;
  const search = new TokenSearch(tokens, budget);
  try {
    return search.visit(value);
  } catch {
    // Too large or too deep to walk; anything that cannot be read counts as holding it.
    return budget.left < 0 ? undefined : true;
  }
}

/** Each token the call sent as `redactTokens` finds it: in any case, percent-encoded or not. */
function tokenMatchers(context: MiddlewareContext): ((text: string) => boolean)[] | undefined {
  return tokensOf(context)?.map((token): ((text: string) => boolean) => {
    const pattern = tokenPattern(token, "i");
    const lower = token.toLowerCase();
    return pattern ? (text) => pattern.test(text) : (text) => text.toLowerCase().includes(lower);
  });
}

/**
 * One walk of `holdsToken`: every field at any depth, the causes' included, walked once: an
 * AggregateError's `errors`, an HTTP client's `config.headers`, a `Request`, `Headers` or `URL`
 * it kept. Bytes are no text, and are not walked. Throws past its budget, or where a value
 * cannot be read.
 */
class TokenSearch {
  readonly #tokens: readonly ((text: string) => boolean)[];
  readonly #budget: { left: number };
  readonly #seen = new Set<unknown>();

  constructor(tokens: readonly ((text: string) => boolean)[], budget: { left: number }) {
    this.#tokens = tokens;
    this.#budget = budget;
  }

  // One method for every kind of value: the depth a walk can reach before the stack runs out is
  // that of one frame per level.
  visit(value: unknown): boolean {
    if (typeof value === "string") {
      this.#spend(1 + value.length / 4);
      return this.#tokens.some((holds) => holds(value));
    }
    if (typeof value === "symbol") return this.visit(value.description ?? "");
    if (value === null || (typeof value !== "object" && typeof value !== "function") || this.#seen.has(value))
      return false;
    this.#spend(100);
    this.#seen.add(value);
    // What `util.inspect` shows of them cannot be read here: counted as holding it.
    if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) throw new TypeError();
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
    if (value instanceof URL || value instanceof URLSearchParams || value instanceof String)
      return this.visit(String(value));
    if (value instanceof Request) return this.visit(value.url) || this.visit(value.headers);
    if (value instanceof Headers || value instanceof Map || value instanceof Set) {
      for (const item of value as Iterable<unknown>) if (this.visit(item)) return true;
      return false;
    }
    if (Array.isArray(value)) this.#spend(value.length * 100);
    const keys = Reflect.ownKeys(value);
    this.#spend(keys.length * 100);
    return keys.some((key) => this.visit(key) || this.visit((value as Record<PropertyKey, unknown>)[key]));
  }

  #spend(cost: number): void {
    this.#budget.left -= cost;
    if (this.#budget.left < 0) throw new RangeError();
  }
}
