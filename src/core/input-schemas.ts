// The valibot schemas of what callers give: header names and values, URL text, plain objects,
// functions, seconds, counts. Checked by `checkInput` (see `input.ts`).
import * as v from "valibot";

// fetch sends header values as bytes: a character above U+00FF makes it throw a bare TypeError,
// and CR, LF or NUL would be header injection.
const headerValuePattern = /^[^\r\n\0\u0100-\uFFFF]*$/;
const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A string that may be sent as an HTTP header value: Latin-1, without CR, LF or NUL. */
export const headerValueSchema = v.pipe(
  v.string("must be a string"),
  v.check((value) => headerValuePattern.test(value), "must be Latin-1 text without CR, LF or NUL"),
);

/**
 * True when `value` can be percent-encoded into a URL: it holds no lone UTF-16 surrogate
 * (`encodeURIComponent` throws a bare URIError on one). In a `u` regex a surrogate pair reads
 * as one code point, so only a lone surrogate matches `\p{Cs}`.
 */
export function isWellFormed(value: string): boolean {
  // The runtime's own where it has one (ES2024): it reads a one-byte string's flag, not its text.
  return (value as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !/\p{Cs}/u.test(value);
}

/** A string that goes into the URL: a path segment or a query value. */
export const urlTextSchema = v.pipe(
  v.string("must be a string"),
  v.check(isWellFormed, "must not contain a lone UTF-16 surrogate (it cannot be put in a URL)"),
);

/** How `plainObjectSchema` ends a message that names the entry at fault (see `checkInput`). */
export const ENTRY_AT_FAULT = " is not one";

/**
 * A plain object of the caller's (an object literal, of any realm: not a `Headers`, a `Map`, a
 * `URLSearchParams` or an array, whose entries are not its own fields and were lost or sent as
 * their methods' text), checked entry by entry. What passes on is a frozen copy of its entries,
 * read once (a getter read again at sending, or at each retry, could give what was never
 * checked), without those set to `undefined`.
 * Not `v.record`: that drops keys such as `constructor` and `prototype`, which would silently
 * lose a header or a body field. The copy is a plain object (a plugin reading
 * `context.options.headers` may call its methods).
 */
export function plainObjectSchema<T extends Record<string, unknown>>(
  isEntry: (key: string, value: unknown) => boolean,
  message: string,
) {
  const badKey = (value: object) => Object.entries(value).find(([key, entry]) => !isEntry(key, entry))?.[0];
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, message),
    v.transform((value) => {
      const copy: Record<string, unknown> = {};
      // `__proto__` defined, not assigned (which would set the prototype and lose the entry).
      for (const [key, entry] of Object.entries(value)) {
        // Left out, as an option set to `undefined` is (and as ky and axios leave out such a
        // header or query parameter): `{ page_size: opts.size }` with no size is no page size.
        if (entry === undefined) continue;
        if (key === "__proto__") Object.defineProperty(copy, key, { value: entry, enumerable: true });
        else copy[key] = entry;
      }
      return Object.freeze(copy) as T;
    }),
    v.check(
      (value: T) => badKey(value) === undefined,
      // The entry is named, not shown: a header's value may be a secret.
      (issue) => `${message}; its entry ${JSON.stringify(badKey(issue.input as T))}${ENTRY_AT_FAULT}`,
    ),
  );
}

/**
 * True for an object literal's kind of object, of any realm: its prototype an `Object.prototype`
 * (whose own prototype is none, and which has nothing enumerable to pass on: the senders read
 * inherited entries too), or none.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null) return true;
  if (Object.getPrototypeOf(prototype) !== null) return false;
  for (const _inherited in prototype) return false;
  return true;
}

/**
 * Headers that fetch refuses to send (Node's throws, browsers drop them) or that the SDK's own
 * framing sets: refused as bad input instead of failing as a "connection error" that is retried.
 */
const unsendableHeaderNames: ReadonlySet<string> = new Set([
  // Node's fetch drops it without a word, in any case: the SDK sends header names in lower case.
  "__proto__",
  "connection",
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
]);

/** A check that `headers` sets none of `names` (lower-case), in any case. */
export function withoutHeaders(names: readonly string[], message: string) {
  return v.check<Record<string, string>, string>(
    (headers) => Object.keys(headers).every((name) => !names.includes(name.toLowerCase())),
    message,
  );
}

/**
 * Extra headers: valid names (RFC 9110 tokens) fetch will send, Latin-1 string values without
 * CR, LF or NUL; not the two the SDK sets (the token's `Authorization` would silently win, and
 * a `Content-Type` would silently replace the one of the body the SDK sends, a multipart
 * upload's boundary included).
 */
export const headersSchema = v.pipe(
  plainObjectSchema<Record<string, string>>(
    (name, value) =>
      headerNamePattern.test(name) &&
      !unsendableHeaderNames.has(name.toLowerCase()) &&
      typeof value === "string" &&
      headerValuePattern.test(value),
    "must be an object of valid header names (not one fetch refuses, such as Transfer-Encoding) to Latin-1 string values without CR, LF or NUL",
  ),
  withoutHeaders(["authorization", "content-type"], "must not set Authorization or Content-Type (the SDK sets both)"),
);

/** True for a header name: an RFC 9110 token. */
export function isHeaderName(name: string): boolean {
  return headerNamePattern.test(name);
}

/** A function of the caller's (a callback, a clock): only its kind can be checked. */
export function functionSchema<F>() {
  return v.custom<F>((value) => typeof value === "function", "must be a function");
}

/** A non-empty string, e.g. a create field or the client name. */
export const nonEmptyStringSchema = v.pipe(
  v.string("must be a string"),
  v.check((value) => value !== "", "must be a non-empty string"),
);

/** A number of seconds for a timer: positive, finite, and within what `setTimeout` can hold. */
export const secondsSchema = v.pipe(
  v.number("must be a number of seconds"),
  // setTimeout stores its delay in 32 bits; a larger value fires at once.
  v.check(
    (seconds) => seconds > 0 && seconds <= 2_147_483,
    "must be more than 0 and at most 2147483 (about 24.8 days)",
  ),
);

/** A count of retries. */
export const retryCountSchema = v.pipe(
  v.number("must be a number"),
  v.check((count) => Number.isInteger(count) && count >= 0 && count <= 100, "must be a whole number from 0 to 100"),
);

/** A byte count for `maxResponseBytes`: a positive safe integer. */
export const byteCountSchema = v.pipe(
  v.number("must be a number of bytes"),
  v.check((bytes) => Number.isSafeInteger(bytes) && bytes > 0, "must be a positive whole number of bytes"),
);
