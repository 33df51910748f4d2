// What a user's plugin returned, and what its `next()` answers: part of the guard of users'
// middleware (`guardUserMiddleware`).
import { isResponse } from "../internal/is-response.js";
import { describeUserValue } from "../internal/plugin-value-text.js";
import { checkResponse } from "./checked-response.js";
import { callFailure } from "./errors/call-failure.js";
import type { MiddlewareContext } from "./middleware.js";
import { hasKeptBody } from "./response-body.js";

/** What the plugin `name` returned, if the layers above can take it; else a `CohereError` saying why. */
export function pluginResponse(name: string, perCall: boolean, result: unknown): Response {
  if (!isResponse(result))
    throw callFailure(`Middleware "${name}" returned ${describeUserValue(result)}, not a Response`);
  // A response of `next()`'s passes up as it is, and the layers above mark it (its checked
  // data): frozen, it would fail there. One the plugin made itself is read into a new one.
  if (!perCall && hasKeptBody(result) && !Object.isExtensible(result))
    throw callFailure(
      `Middleware "${name}" returned a frozen or sealed Response, which the layers above cannot pass on: return one of its own (a clone)`,
    );
  return result;
}

/**
 * Whether a plugin's `response` passes on as it is: its body read by the SDK already (an answer
 * of `next()`'s), or a streamed 2xx (a download's), the caller's to read.
 */
export function passesUnread(response: Response, context: MiddlewareContext): boolean {
  return hasKeptBody(response) || (response.ok && context.responseKind === "stream");
}

/**
 * `checkResponse`, but for a streamed 2xx (a download's), which passes unread: the caller's
 * decoder reads it, each wait bounded as it reads.
 */
export function checked(response: Response, context: MiddlewareContext): Response | Promise<Response> {
  return response.ok && context.responseKind === "stream" && !hasKeptBody(response)
    ? response
    : checkResponse(response, context);
}
