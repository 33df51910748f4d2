import type { Runtime } from "./runtime.js";

/** The browser build: never touches `process`, and always guards the API key. */
export const runtime: Runtime = {
  // Browsers refuse to let a page set User-Agent.
  userAgent: undefined,
  isBrowserLike: () => true,
};
