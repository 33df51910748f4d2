import type { MiddlewareContext } from "../core/middleware.js";
import { tokensOf } from "./secrets.js";

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
export function tokenPattern(token: string, flags: "gi" | "i"): RegExp | undefined {
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
