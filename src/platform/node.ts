import { VERSION } from "../version.js";
import { detectBrowserLike } from "./browser-detection.js";
import type { Runtime } from "./runtime.js";

/** The Node build: environment variables and a `User-Agent`. */
export const runtime: Runtime = {
  hasEnvironment: true,
  // Deno runs this build too, and without `--allow-env` reading a variable throws (NotCapable):
  // a variable it may not read is one that is not set.
  readEnvironment: (name) => {
    try {
      return process.env[name];
    } catch {
      return undefined;
    }
  },
  userAgent: `cohere-batches/${VERSION} node/${process.version} ${process.platform}-${process.arch}`,
  // A Node test environment such as happy-dom or jsdom makes a page; treat it as one.
  isBrowserLike: detectBrowserLike,
  nativeInflateRaw: (maxOutputLength) => {
    // `getBuiltinModule` (Node 20.16+) loads zlib on first use without an import at startup.
    const zlib = process.getBuiltinModule?.("node:zlib") as typeof import("node:zlib") | undefined;
    if (zlib === undefined) return undefined;
    return (block) => zlib.inflateRawSync(block, { maxOutputLength });
  },
};
