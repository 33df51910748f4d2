/**
 * A `Request` by shape (its URL, method and headers), so that one from another realm or a
 * polyfill passes, and junk (a string, `null`, `{}`, a Proxy whose getters throw) does not.
 */
export function isRequestLike(request: unknown): boolean {
  try {
    const { url, method, headers } = request as Request;
    return typeof url === "string" && typeof method === "string" && typeof headers?.set === "function";
  } catch {
    return false;
  }
}
