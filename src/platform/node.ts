import { VERSION } from "../version.js";
import { detectBrowserLike } from "./browser-detection.js";
import type { Runtime } from "./runtime.js";

/** The Node build: environment variables and a `User-Agent`. */
export const runtime: Runtime = {
  hasEnvironment: true,
  readEnvironment: (name) => process.env[name],
  userAgent: `cohere-batches/${VERSION} node/${process.version} ${process.platform}-${process.arch}`,
  // A Node test environment such as happy-dom or jsdom makes a page; treat it as one.
  isBrowserLike: detectBrowserLike,
};
