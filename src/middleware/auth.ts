import { CohereError } from "../core/errors/cohere-error.js";
import { isToken } from "../core/input.js";
import type { Middleware } from "../core/middleware.js";

/**
 * Where the API token comes from: the token itself, or a function that returns it (or a
 * promise of it), called before every attempt so a rotated key is picked up by the next retry.
 * @public
 */
export type TokenSupplier = string | (() => string | Promise<string>);

/**
 * Sets `Authorization: Bearer <token>` on each attempt.
 *
 * @remarks
 * Runs per attempt (below retry), so a token function is called again for a retry. A token
 * function that throws, or returns something that is not a non-empty header-safe string,
 * fails the call with a `CohereError` whose message never contains the returned value.
 * @public
 */
export function authMiddleware(token: TokenSupplier): Middleware {
  return async (request, next) => {
    request.headers.set("Authorization", `Bearer ${await resolveToken(token)}`);
    return next(request);
  };
}

async function resolveToken(token: TokenSupplier): Promise<string> {
  if (typeof token === "string") return token;
  let value: unknown;
  try {
    value = await token();
  } catch (error) {
    throw new CohereError("The token function failed", { cause: error });
  }
  if (!isToken(value)) {
    throw new CohereError(
      "The token function must return a non-empty string of visible ASCII (no spaces or line breaks)",
    );
  }
  return value;
}
