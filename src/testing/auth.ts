/**
 * Bearer-token checks, with the messages Cohere's API answers 401 with.
 *
 * @packageDocumentation
 */

/** The outcome of {@link authenticate}: the token, or the 401 message. */
export type AuthResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly message: string };

/**
 * Checks the `Authorization` header against the accepted tokens.
 *
 * No header (or an empty one) is "no api key supplied"; anything else that is not
 * `Bearer <accepted token>` is "invalid api token".
 *
 * @example
 * ```ts
 * authenticate(request.headers, new Set(["test-token"])); // { ok: true, token: "test-token" }
 * ```
 */
export function authenticate(headers: Headers, accepted: ReadonlySet<string>): AuthResult {
  const header = headers.get("authorization")?.trim() ?? "";
  if (header === "") return { ok: false, message: "no api key supplied" };
  const match = /^bearer\s+(\S+)$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !accepted.has(token)) return { ok: false, message: "invalid api token" };
  return { ok: true, token };
}
