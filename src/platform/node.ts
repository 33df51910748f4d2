import { Buffer } from "node:buffer";
import { EventEmitter, getMaxListeners, setMaxListeners } from "node:events";
import { types } from "node:util";
import { VERSION } from "../version.js";
import { detectBrowserLike } from "./browser-detection.js";
import { environmentDefaults } from "./environment-defaults.js";
import type { Runtime } from "./runtime.js";

/** The variables the runtime refused to read. */
const refused = new Set<string>();

/** The Node build: environment variables and a `User-Agent`. */
export const runtime: Runtime = {
  // Deno runs this build too, and without `--allow-env` reading a variable throws (NotCapable):
  // a variable it may not read is one that is not set, and a message about it says why.
  environment: environmentDefaults(
    (name) => {
      try {
        return process.env[name];
      } catch {
        refused.add(name);
        return undefined;
      }
    },
    (name) =>
      refused.has(name)
        ? "the runtime refused to read it: in Deno, run with --allow-env=CO_API_KEY,CO_API_URL,COHERE_LOG"
        : undefined,
  ),
  userAgent: `cohere-batches/${VERSION} ${runtimeVersion()} ${process.platform}-${process.arch}`,
  // A Node test environment such as happy-dom or jsdom makes a page; treat it as one.
  isBrowserLike: detectBrowserLike,
  nativeInflateRaw: (maxOutputLength) => {
    // `getBuiltinModule` (Node 20.16+) loads zlib on first use without an import at startup.
    const zlib = process.getBuiltinModule?.("node:zlib") as typeof import("node:zlib") | undefined;
    if (zlib === undefined) return undefined;
    return (block) => zlib.inflateRawSync(block, { maxOutputLength });
  },
  // As Node's fetch does for the signals it is given (1,500, one listener per call in flight),
  // where the limit is still the default: 3,000, as a call through a call-phase plugin keeps two
  // (its run's and its attempt's), and 750 of them warned of a leak that was not there.
  // `node:events` is imported, not looked up with `getBuiltinModule` as zlib is: Node loads it
  // before any user code (so the import costs nothing), and Node 20 before 20.16 has no
  // `getBuiltinModule` (20 calls in flight on one signal warned of a leak there).
  allowAbortListeners: (signal) => {
    try {
      if (getMaxListeners(signal) === EventEmitter.defaultMaxListeners) setMaxListeners(3000, signal);
    } catch {
      // Not an EventTarget of Node's (a test DOM's signal): Node sets no limit on it.
    }
  },
  isProxy: types.isProxy,
  utf8Length: (text) => Buffer.byteLength(text, "utf8"),
};

/**
 * The runtime and its version. Bun and Deno run this build too, and `process.version` there is
 * the Node version they emulate: a server's figures would count them as Node.
 */
function runtimeVersion(): string {
  // A `process` shim without `versions` is no Bun or Deno.
  const { bun, deno } = (process.versions ?? {}) as { bun?: string; deno?: string };
  if (bun !== undefined) return `bun/${bun}`;
  if (deno !== undefined) return `deno/${deno}`;
  return `node/${process.version}`;
}
