import type { MiddlewareContext } from "./middleware.js";

// The origin of a download's signed URL, carried on the call's context for the last layer of
// the download pipeline, which refuses a request a plugin sent elsewhere (see
// `signedUrlGuardMiddleware`).
const signedUrlOrigin: unique symbol = Symbol();

type WithSignedUrlOrigin = { [signedUrlOrigin]?: string };

/** Carries `origin` (see above) on `context`. */
export function setSignedUrlOrigin(context: MiddlewareContext, origin: string): void {
  (context as WithSignedUrlOrigin)[signedUrlOrigin] = origin;
}

/** The origin of the signed URL `context` downloads, when it is a download's. */
export function signedUrlOriginOf(context: MiddlewareContext): string | undefined {
  return (context as WithSignedUrlOrigin)[signedUrlOrigin];
}
