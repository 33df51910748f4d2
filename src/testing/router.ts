/**
 * Maps a request's method and path to one of the batches or datasets operations.
 *
 * Choices (where Cohere's gateway behaviour is not in the spec):
 * - an unknown path is 404, a known path with another method is 405 with an `Allow` header;
 * - paths match exactly: no trailing slash, and `/v2/batches/{id}/cancel` (a slash) is 404;
 * - the cancel action is `POST` on the id followed by a literal `:cancel` (as the SDK sends it);
 *   a percent-encoded colon (`%3Acancel`) is part of the id, which is then percent-decoded, so
 *   `GET /v2/batches/a%3Acancel` retrieves the batch `a:cancel`.
 *
 * @packageDocumentation
 */
import type { Operation } from "./wire.js";

/** A request that addresses one operation. */
export interface MatchedRoute {
  readonly kind: "matched";
  readonly operation: Exclude<Operation, "unknown">;
  /** The decoded batch or dataset id, for the operations on one. */
  readonly id?: string;
}

/** A request whose path names no endpoint (404). */
export interface RouteNotFound {
  readonly kind: "not-found";
  readonly operation: "unknown";
}

/** A request to a known path with a method it does not take (405). */
export interface RouteMethodNotAllowed {
  readonly kind: "method-not-allowed";
  readonly operation: "unknown";
  /** The methods the path accepts, for the `Allow` header. */
  readonly allow: string;
}

/** The outcome of {@link routeRequest}. */
export type Route = MatchedRoute | RouteNotFound | RouteMethodNotAllowed;

const CANCEL_SUFFIX = /:cancel$/;

/**
 * Finds the operation a request addresses.
 *
 * @param method - The HTTP method (any case).
 * @param pathname - The raw, still percent-encoded path (`new URL(url).pathname`).
 *
 * @example
 * ```ts
 * routeRequest("POST", "/v2/batches/abc:cancel"); // { kind: "matched", operation: "cancel", id: "abc" }
 * routeRequest("GET", "/v2/batches/abc%3Acancel"); // { kind: "matched", operation: "retrieve", id: "abc:cancel" }
 * ```
 */
export function routeRequest(method: string, pathname: string): Route {
  const verb = method.toUpperCase();
  if (pathname.startsWith("/v1/datasets")) return routeDatasets(verb, pathname);
  if (pathname === "/v2/batches") {
    if (verb === "GET") return { kind: "matched", operation: "list" };
    if (verb === "POST") return { kind: "matched", operation: "create" };
    return { kind: "method-not-allowed", operation: "unknown", allow: "GET, POST" };
  }
  const match = /^\/v2\/batches\/([^/]+)$/.exec(pathname);
  const segment = match?.[1];
  if (segment === undefined) return { kind: "not-found", operation: "unknown" };
  const isCancel = CANCEL_SUFFIX.test(segment);
  const rawId = isCancel ? segment.replace(CANCEL_SUFFIX, "") : segment;
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    // Malformed percent-encoding names no batch.
    return { kind: "not-found", operation: "unknown" };
  }
  if (id === "") return { kind: "not-found", operation: "unknown" };
  if (isCancel) {
    return verb === "POST"
      ? { kind: "matched", operation: "cancel", id }
      : { kind: "method-not-allowed", operation: "unknown", allow: "POST" };
  }
  return verb === "GET"
    ? { kind: "matched", operation: "retrieve", id }
    : { kind: "method-not-allowed", operation: "unknown", allow: "GET" };
}

function decodedId(segment: string): string | undefined {
  try {
    const id = decodeURIComponent(segment);
    return id === "" ? undefined : id;
  } catch {
    return undefined;
  }
}

function methodNotAllowed(allow: string): RouteMethodNotAllowed {
  return { kind: "method-not-allowed", operation: "unknown", allow };
}

// `/v1/datasets/usage` is a fixed path for GET; any other segment is a dataset id.
function routeDatasets(verb: string, pathname: string): Route {
  if (pathname === "/v1/datasets") {
    if (verb === "GET") return { kind: "matched", operation: "datasets.list" };
    if (verb === "POST") return { kind: "matched", operation: "datasets.create" };
    return methodNotAllowed("GET, POST");
  }
  // The spec's dataset id excludes `usage` (`^(?!usage$).*$`): no delete or retrieve of it.
  if (pathname === "/v1/datasets/usage")
    return verb === "GET" ? { kind: "matched", operation: "datasets.usage" } : methodNotAllowed("GET");
  const segment = /^\/v1\/datasets\/([^/]+)$/.exec(pathname)?.[1];
  const id = segment === undefined ? undefined : decodedId(segment);
  if (id === undefined) return { kind: "not-found", operation: "unknown" };
  if (verb === "GET") return { kind: "matched", operation: "datasets.retrieve", id };
  if (verb === "DELETE") return { kind: "matched", operation: "datasets.delete", id };
  return methodNotAllowed("GET, DELETE");
}
