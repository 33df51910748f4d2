// When a request that is not idempotent (a create) may go again: the server certainly did not
// act on it. Shared by the retry layer and the guard of users' plugins (a plugin's own retry).
import { ApiError } from "./errors/api-error.js";
import { CohereConnectionError } from "./errors/connection-error.js";
import { serverAnswered } from "./idempotency-key-sent.js";
import { refusedOnFirstHop } from "./redirects.js";

/**
 * Statuses after which the server certainly did not act on the request, so even a `create`
 * without an idempotency key may be sent again without making a second batch.
 */
const notActedOnStatuses: ReadonlySet<number> = new Set([429, 503]);

/**
 * True when the failed attempt of `context`'s call certainly did not reach the server's work
 * (429, 503, a connection refused on the first hop): a non-idempotent request may be sent again.
 * A status counts only as the server answered it: a plugin's own 503 (a fallback's, after a
 * send the server acted on) is no proof.
 */
export function serverCertainlyDidNotAct(error: unknown, context: object): boolean {
  if (ApiError.is(error)) return answeredUntouched(error.status, context);
  return connectionRefusedOnFirstHop(error);
}

/** True for a 429 or 503 that the server itself answered the call's last send with. */
export function answeredUntouched(status: number, context: object): boolean {
  return notActedOnStatuses.has(status) && serverAnswered(context, status);
}

/**
 * True when the request certainly never left: a connection refused on the first hop. `run`
 * trusts no status for this (a proxy answers 503 after the backend acted).
 */
export function connectionRefusedOnFirstHop(error: unknown): boolean {
  return CohereConnectionError.is(error) && refusedOnFirstHop(error);
}
