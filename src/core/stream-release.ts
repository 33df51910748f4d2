import type { MiddlewareContext } from "./middleware.js";

// The signal that ends every fetch of a streamed download's call (`sendDownload` fires it when
// the call fails, and when the caller is done with the body), carried on the call's context for
// the transport. A response a user's plugin was handed and dropped, or whose clone it is still
// reading, would otherwise keep its connection open after the call ended: aborting its fetch
// closes it, clones included.
const streamRelease: unique symbol = Symbol();

type WithStreamRelease = { [streamRelease]?: AbortSignal };

/** Carries `signal` (see above) on `context`. */
export function setStreamRelease(context: MiddlewareContext, signal: AbortSignal): void {
  (context as WithStreamRelease)[streamRelease] = signal;
}

/** The release signal of `context`, when it is a streamed download's. */
export function streamReleaseOf(context: MiddlewareContext): AbortSignal | undefined {
  return (context as WithStreamRelease)[streamRelease];
}
