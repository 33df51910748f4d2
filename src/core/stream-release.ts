import type { MiddlewareContext } from "./middleware.js";

// How every fetch of a streamed download's call ends with the call (`sendDownload` ends them when
// the call fails, and when the caller is done with the body), carried on the call's context for
// the transport. A response a user's plugin was handed and dropped, or whose clone it is still
// reading, would otherwise keep its connection open after the call ended: aborting its fetch
// closes it, clones included. The code is the download's (a lazy chunk), not the page's.
const streamRelease: unique symbol = Symbol();

/** What the transport keeps of an attempt linked to its call's end. */
export interface ReleaseLink {
  /** Records the attempt's response, whose body the release cancels first. */
  fetched(response: Response): void;
  /** Stops following the call's end: the attempt's response is not handed up (a failure, an error status). */
  unlink(): void;
}

/** Links an attempt's fetch (its controller) to its call's end. */
export type LinkToRelease = (controller: AbortController) => ReleaseLink;

type WithStreamRelease = { [streamRelease]?: LinkToRelease };

/** Carries `link` (see above) on `context`. */
export function setStreamRelease(context: MiddlewareContext, link: LinkToRelease): void {
  (context as WithStreamRelease)[streamRelease] = link;
}

/** How an attempt of `context` is linked to its call's end, when it is a streamed download's. */
export function streamReleaseOf(context: MiddlewareContext): LinkToRelease | undefined {
  return (context as WithStreamRelease)[streamRelease];
}
