import type { MiddlewareContext } from "../core/middleware.js";
import { rememberToken, tokensOf } from "./secrets.js";

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
