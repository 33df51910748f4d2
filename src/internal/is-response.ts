/**
 * A `Response` by shape, so that one from another realm (a test DOM, a polyfill, a custom
 * fetch) passes, and junk (`undefined`, a plain object) does not.
 */
export function isResponse(value: unknown): value is Response {
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
