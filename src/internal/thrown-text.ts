import type { MiddlewareContext } from "../core/middleware.js";
import { describeCause } from "./cause-chain.js";
import { clipText } from "./clip-text.js";
import { redactTokens } from "./secrets.js";

/**
 * What users' code threw (a custom fetch, a token function), in words for a call's message,
 * cleaned of the tokens the call knows: a thrown string or number as it is (`throw "no route"`),
 * cut to 200 characters only once it is cleaned (a token cut in two would no longer be
 * recognised), else the innermost cause's message.
 */
export function describeThrown(context: MiddlewareContext, error: unknown): string {
  if ((typeof error !== "string" && typeof error !== "number") || error === "")
    return redactTokens(context, describeCause(error));
  return clipText(redactTokens(context, String(error)), 200);
}
