// Whether a user's attempt-phase plugin has run in a call: its attempts' signals then fire as
// each attempt ends (see `timeoutMiddleware`), which the SDK's own layers never need.
import type { MiddlewareContext } from "./middleware.js";

const pluginInAttempts: unique symbol = Symbol();

type Marked = { [pluginInAttempts]?: true };

/** Marks `context`: an attempt-phase plugin runs in its attempts (the guard of users' middleware). */
export function markPluginInAttempts(context: MiddlewareContext): void {
  (context as Marked)[pluginInAttempts] = true;
}

/** True once an attempt-phase plugin has run in `context`'s call. */
export function hasPluginInAttempts(context: MiddlewareContext): boolean {
  return (context as Marked)[pluginInAttempts] === true;
}
