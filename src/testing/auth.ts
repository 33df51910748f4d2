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
 * `Bearer <accepted token>` is "invalid api token", Cohere's own words, each followed by how
 * to authenticate against the fake (a user's first test usually forgets the token).
 *
 * @example
 * ```ts
 * authenticate(request.headers, new Set(["test-token"])); // { ok: true, token: "test-token" }
 * ```
 */
const howToAuthenticate =
  " (the fake accepts the tokens given to it as `new FakeCohere({ tokens })`, by default 'test-token': " +
  "pass `token` to the client)";

export function authenticate(headers: Headers, accepted: ReadonlySet<string>): AuthResult {
  const header = headers.get("authorization")?.trim() ?? "";
  if (header === "") return { ok: false, message: `no api key supplied${howToAuthenticate}` };
  const match = /^bearer\s+(\S+)$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !accepted.has(token))
    return { ok: false, message: `invalid api token${howToAuthenticate}` };
  return { ok: true, token };
}
