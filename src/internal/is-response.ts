/**
 * A `Response` by shape, so that one from another realm (a test DOM, a polyfill, a custom
 * fetch) passes, and junk (`undefined`, a plain object) does not.
 */
export function isResponse(value: unknown): value is Response {
  // The runtime's own (every call's, as a rule): its getters never throw, and none is read.
  if (value instanceof Response) return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Response>;
  try {
    return (
      typeof candidate.status === "number" &&
      typeof candidate.headers?.get === "function" &&
      typeof candidate.arrayBuffer === "function" &&
      "body" in candidate &&
      // Read once here, so that a getter that throws makes junk of it, not a raw error later.
      typeof candidate.ok !== "symbol" &&
      typeof candidate.url !== "symbol"
    );
  } catch {
    // A getter or a Proxy that throws: junk too, not a failure of the connection.
    return false;
  }
}
