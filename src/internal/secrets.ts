import type { MiddlewareContext } from "../core/middleware.js";

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

export const tokensOf = (context: MiddlewareContext | undefined) =>
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
