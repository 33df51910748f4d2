import { detectBrowserLike } from "./browser-detection.js";
import type { Runtime } from "./runtime.js";

/**
 * The default build, for workers and edge runtimes (Cloudflare workerd, Vercel edge, Deno,
 * Bun): feature detection only, no `process`; configuration comes from options.
 */
export const runtime: Runtime = {
  userAgent: undefined,
  isBrowserLike: detectBrowserLike,
};
