import type { MiddlewareContext } from "../core/middleware.js";
import { describeCause } from "./cause-chain.js";
import { clipText } from "./clip-text.js";
import { redactTokens } from "./secrets.js";

/**
 * What users' code threw (a custom fetch, a token function), in words for a call's message,
 * cleaned of the tokens the call knows: see `describeThrownValue`.
 */
export function describeThrown(context: MiddlewareContext, error: unknown): string {
  return describeThrownValue(error, (text) => redactTokens(context, text));
}

function thrownValueName(error: unknown): string {
  if (error === "") return "an empty string";
  if (typeof error === "bigint") return `${error}n`;
  if (typeof error === "function") return "a function";
  return String(error);
}

/**
 * What a value threw, in words, passed through `clean` (a call's token redaction; none for the
 * caller's own data thrown through `JSON.stringify`): a thrown string or number as it is
 * (`throw "no route"`), cut to 200 characters only once it is cleaned (a token cut in two would
 * no longer be recognised); any other value that is not an object named (`null was thrown`);
 * else the innermost cause's message.
 */
export function describeThrownValue(error: unknown, clean: (text: string) => string = (text) => text): string {
  if (typeof error === "object" && error !== null) return clean(describeCause(error));
  if ((typeof error === "string" && error !== "") || typeof error === "number")
    return clipText(clean(String(error)), 200);
  // A symbol's description is the thrower's text: cleaned and cut like a string.
  return `${clipText(clean(thrownValueName(error)), 200)} was thrown`;
}
