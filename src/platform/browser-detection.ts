/**
 * True in a web page or a browser's web worker, where anything the page holds (an API key
 * included) is readable by its users. Cloudflare Workers, Vercel edge and Deno Deploy are
 * servers: they have `navigator` but no `document` and no `WorkerGlobalScope`.
 */
export function detectBrowserLike(): boolean {
  const scope = globalThis as {
    window?: { document?: unknown };
    WorkerGlobalScope?: unknown;
    navigator?: { userAgent?: string };
  };
  if (scope.window !== undefined && scope.window.document !== undefined) return true;
  if (
    typeof scope.WorkerGlobalScope === "function" &&
    globalThis instanceof (scope.WorkerGlobalScope as new () => object)
  ) {
    return scope.navigator?.userAgent !== "Cloudflare-Workers";
  }
  return false;
}
