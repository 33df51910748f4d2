import type { MiddlewareContext } from "./middleware.js";
import { type ReleaseLink, setStreamRelease } from "./stream-release.js";

/**
 * Has every fetch of `context`'s call end once it fails or its body is done with (see
 * `setStreamRelease`), and returns what ends them.
 */
export function releaseOfFetches(context: MiddlewareContext): () => void {
  const connection = new AbortController();
  setStreamRelease(context, (controller) => linkToRelease(connection.signal, controller));
  return () => connection.abort();
}

/**
 * Ends the attempt's fetch (`controller`) when `release` fires. The response's body is cancelled
 * first, when nothing reads it (a plugin handed on a clone of it): undici cancels it on the
 * abort otherwise, and a clone's branch rejects that cancel, unhandled. Not awaited: a branch's
 * cancel waits for its clone's. The abort carries no reason (see the transport).
 */
function linkToRelease(release: AbortSignal, controller: AbortController): ReleaseLink {
  let response: Response | undefined;
  const end = () => {
    const body = response?.body;
    try {
      if (body && !body.locked) body.cancel().catch(() => {});
    } catch {
      // Not a web stream: a custom fetch's Node stream, which its fetch ends on the abort.
    }
    controller.abort();
  };
  release.addEventListener("abort", end, { once: true });
  return {
    fetched: (fetched) => {
      response = fetched;
    },
    unlink: () => release.removeEventListener("abort", end),
  };
}
