import { runtime } from "#platform";
import * as v from "valibot";
import { CohereError } from "./errors/cohere-error.js";
import { describeCause } from "../internal/cause-chain.js";

/**
 * Checks caller input against a valibot schema before anything is sent, and turns the most
 * useful problem into a `CohereError` that names the field, e.g.
 * `Invalid request: page_size must be a positive integer (got 0)`. An unknown key is reported
 * before a missing one (`inputDatasetId` is why `input_dataset_id` is missing), with the
 * spelling the schema knows when only the case style differs.
 */
export function checkInput<const Schema extends v.GenericSchema>(
  schema: Schema,
  value: unknown,
  what: string,
): v.InferOutput<Schema> {
  // Not through `whileReading`: this runs on every call, and a closure and the subject's text
  // would be built for each.
  let result: v.SafeParseResult<Schema>;
  // valibot's objects take an array (its keys are indexes), so `list([])` would be sent as
  // `list({})`: an array where options or a request belong is a mistake.
  if (Array.isArray(value) && "entries" in schema)
    throw new CohereError(
      `Invalid ${what}: ${(schema as { message?: string }).message ?? "must be an object"} (got an array)`,
    );
  try {
    result = v.safeParse(schema, value);
  } catch (error) {
    throw unreadable(`Invalid ${what}: it`, error);
  }
  if (result.success) return result.output;
  // A strict object reports an unknown key as "expected never".
  const issue = result.issues.find((candidate) => candidate.expected === "never") ?? result.issues[0];
  const field = issuePath(issue);
  // A message that names the entry at fault says all (the object's kind would mislead).
  const problem = issue.message.endsWith(ENTRY_AT_FAULT) ? issue.message : describeProblem(issue, field, schema);
  throw new CohereError(`Invalid ${what}: ${field ? `${field} ` : ""}${problem}`);
}

function describeProblem(issue: v.BaseIssue<unknown>, field: string, schema: v.GenericSchema): string {
  if (issue.expected === "never") {
    const known = "entries" in schema ? Object.keys(schema.entries as object) : [];
    const suggestion = suggestSpelling(field, known);
    return suggestion === undefined
      ? "is not a known field (misspelt?)"
      : `is not a known field; did you mean ${suggestion}?`;
  }
  // A missing key: valibot expects the key's name and received undefined.
  const key = issue.path?.[issue.path.length - 1]?.key;
  if (issue.received === "undefined" && issue.expected === `"${String(key)}"`) return "is required";
  // Never echo a secret, even a malformed one: it may be a real key with a typo.
  const shown = field === "token" ? "a value that is not shown" : describeValue(issue.input);
  return `${issue.message} (got ${shown})`;
}

/**
 * Runs `read` over caller input; what it throws (a getter or a `Proxy` that throws as the input
 * is read) is bad input too: `"<subject> could not be read (<why>)"`, before anything is sent.
 * The SDK's own refusals (`CohereError`s) pass as they are.
 */
export function whileReading<T>(subject: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw unreadable(subject, error);
  }
}

function unreadable(subject: string, error: unknown): CohereError {
  if (CohereError.is(error)) return error;
  return new CohereError(`${subject} could not be read (${describeCause(error)})`, { cause: error });
}

/** The known key an unknown one means when only the case style differs: `inputDatasetId` -> `input_dataset_id`. */
export function suggestSpelling(key: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => name.replace(/[_-]/g, "").toLowerCase();
  return known.find((name) => name !== key && bare(name) === bare(key));
}

/** Where a valibot issue is, as a dotted path (`batches.3.status`); empty at the top level. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join(".") ?? "";
}

/** A short, safe rendering of a bad value: enough to recognise it, never a whole secret. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "string")
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

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
const ENTRY_AT_FAULT = " is not one";

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
 * A `JSON.stringify` replacer that refuses a value JSON would not send as given: left out (a
 * function, a symbol), sent as `null` (`NaN`, `Infinity`, an invalid `Date`, `undefined` in an
 * array), or as `{}` or a map of indexes (a `Map`, a `Set`, bytes, `arguments`). A string (or a
 * name) with a lone UTF-16 surrogate is refused too: JSON writes it as an escape that Cohere's
 * gateway (Go) reads as U+FFFD. A boxed number, string or
 * boolean goes as its value, unboxed here once (JSON would unbox it again, through a `valueOf`
 * or `toString` that may answer otherwise the second time); any other `toJSON` decides; an
 * `undefined` field is left out, as an unset optional field. Used for `bodyParams` and for each
 * object line of an upload: what the caller wrote is what is sent. Each value is read once, by JSON.
 */
export function sentAsGiven(this: object, key: string, value: unknown): unknown {
  const sent = typeof value === "object" && value !== null && !Array.isArray(value) ? objectAsSent(value) : value;
  const refused =
    sent === refusedKind ||
    // An `undefined` field is left out, as an optional field unset; in an array it would be `null`.
    (sent === undefined
      ? Array.isArray(this)
      : typeof sent === "string"
        ? !isWellFormed(sent)
        : typeof sent === "object"
          ? sent === null && invalidDateGaveNull(this, key)
          : typeof sent === "number"
            ? !Number.isFinite(sent)
            : // A BigInt passes: JSON.stringify refuses it in its own words.
              typeof sent !== "boolean" && typeof sent !== "bigint");
  if (refused || !isWellFormed(key))
    throw new TypeError(
      `${JSON.stringify(key)} ${refused ? `holds ${sent === null ? "an invalid Date" : describeValue(sent === refusedKind ? value : sent)}` : "is a name with a lone UTF-16 surrogate"}, which JSON does not send as given`,
    );
  return sent;
}

/** What `objectAsSent` gives for an object of a kind JSON does not send as given. */
const refusedKind = Symbol("refused kind");

/**
 * What JSON sends for `value` (an object that is not an array): a box's primitive, the object
 * itself where it is sent by its fields, else `refusedKind`. Its kind and whether it has a tag of
 * its own are read once, for both questions.
 */
function objectAsSent(value: object): unknown {
  const kind = kindOf(value);
  const ownTag = Object.hasOwn(value, Symbol.toStringTag);
  // Only a box, or an object with a tag of its own (a disguise: a class's tag is inherited), pays
  // for trying each box's brand, whose failure throws.
  if (kind === "Number" || kind === "String" || kind === "Boolean" || ownTag) {
    const primitive = unboxed(value);
    if (primitive !== value) return primitive;
  }
  return isSentAsItsFields(value, kind, ownTag) ? value : refusedKind;
}

/**
 * The primitive of a boxed number, string or boolean (read once: its `valueOf`, `toString` or
 * `Symbol.toPrimitive`, converted as JSON converts it), else `value` itself. A box is told by
 * its internal slot, as JSON tells it, when it names its kind or hides it behind a
 * `Symbol.toStringTag` of its own; an object that only names itself `Number` is sent by its
 * fields. (A box given a tagged prototype, or wrapped in a Proxy, is judged by the kind it names.)
 */
function unboxed(value: object): unknown {
  for (const box of [Number, String, Boolean] as const) {
    try {
      // Throws for an object without the box's internal slot: a brand check that runs no code of the caller's.
      (box.prototype.valueOf as (this: object) => unknown).call(value);
    } catch {
      continue;
    }
    // JSON's conversions, which throw where it throws (a `valueOf` giving a BigInt, a `toString`
    // giving a symbol); `Number()` and `String()` would convert those.
    return box === Number
      ? +(value as unknown as number)
      : box === String
        ? `${value as unknown as string}`
        : Boolean.prototype.valueOf.call(value);
  }
  return value;
}

/** The kind `Object.prototype.toString` names (`Map`, `Arguments`, a class's own tag, `Object`). */
function kindOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * True when the `null` JSON got for `key` is what an invalid `Date` gives, told from the holder's
 * own data property, not by a second read of a getter (an invalid `Date` a getter gives passes:
 * telling it apart would take a second read). Any other `null` is the value: the holder's own, a
 * getter's, a Proxy's (a Vue `reactive` reads a `ref` it holds as the ref's `null`), or what a
 * library's `toJSON` gives for a value that is `null` (a signal, a MobX box), as it decides.
 */
function invalidDateGaveNull(holder: object, key: string): boolean {
  const own = Object.getOwnPropertyDescriptor(holder, key);
  if (own === undefined || !("value" in own)) return false;
  try {
    // A Date of any realm, told by its slot (the brand check throws for anything else), and invalid.
    return Number.isNaN(Date.prototype.getTime.call(own.value));
  } catch {
    return false;
  }
}

// Built-in kinds that keep their data where JSON does not look (entries, a message, bytes, internal
// slots), or namespaces of functions: JSON sends them as `{}` or a map of indexes.
const notSentAsFields =
  /^(Map|Set|Weak\w+|Error|Arguments|Math|JSON|Reflect|Atomics|Intl|Promise|RegExp|Symbol|\w*ArrayBuffer|Blob|File|FormData|Headers|URLSearchParams)$/;

/**
 * True when JSON sends `value` (an object that is not an array, nor a box) as what it holds: an
 * object whose data are its own fields, however many (an object literal of any realm, a class
 * instance, a module namespace). Not a built-in kind that keeps its data elsewhere (a `Map`'s
 * entries, an `Error`'s message, bytes, `arguments`, `Math`), whatever fields it also has. Told
 * by the kind `Object.prototype.toString` names: an instance of a class is `Object`, whatever
 * fields it has (none is `{}`); a kind of another name (a class may name its own with
 * `Symbol.toStringTag`; a runtime's objects name theirs, `AbortSignal`, `Response`) is sent by
 * its fields only when it has some, as an object that holds nothing there holds it elsewhere.
 * Misuse is what this catches, not disguise: a built-in kind wrapped in a Proxy, or named
 * otherwise by a tag and given fields of its own, is judged by what it shows.
 */
function isSentAsItsFields(value: object, kind: string, ownTag: boolean): boolean {
  return (
    !ArrayBuffer.isView(value) &&
    !notSentAsFields.test(kind) &&
    // `Object` by a tag of its own is no proof: a `Map` or an `Error` may wear it.
    ((kind === "Object" && !ownTag) ||
      Object.getPrototypeOf(value) === Object.prototype ||
      Object.keys(value).length > 0 ||
      isPlainObject(value))
  );
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

/**
 * True for an `AbortSignal`, recognised by what the SDK uses of it so that signals from another
 * realm (a test DOM) pass: a boolean `aborted` and listeners it can add and remove. Every
 * caller's signal is checked here before any use: in Node, its listener limit is raised to
 * fetch's (`allowAbortListeners`), since each call in flight keeps a listener on it.
 *
 * @throws What the value throws as it is used (a getter, a method that throws), so that such a
 * value is refused once, as input (`checkInput`), rather than wherever the SDK would use it.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null || !("aborted" in value)) return false;
  const signal = value as AbortSignal;
  if (typeof signal.addEventListener !== "function" || typeof signal.removeEventListener !== "function") return false;
  // Raised first: the listener tried here for a moment is then never the one Node warns of.
  runtime.allowAbortListeners?.(signal);
  signal.addEventListener("abort", ignoreAbort);
  signal.removeEventListener("abort", ignoreAbort);
  return typeof signal.aborted === "boolean";
}

function ignoreAbort(): void {}

const nativeAborted = Object.getOwnPropertyDescriptor(globalThis.AbortSignal?.prototype ?? {}, "aborted")?.get;
/** The fields of a signal the SDK reads: one of a caller's own over them is followed, not trusted. */
const readFields = ["aborted", "reason", "addEventListener", "removeEventListener"];
const mirrors = new WeakMap<AbortSignal, AbortController>();

/**
 * The signal the SDK listens to for a caller's `abortSignal` (one that `isAbortSignal` took): the
 * signal itself when it is this realm's own `AbortSignal`, whose fields cannot throw; else (a
 * Proxy, a look-alike, a signal of another realm) a signal of the SDK's that follows it, one per
 * caller's signal. What the caller's object does is then met once, here: a `reason` getter that
 * throws as the signal fires was an uncaught exception in the SDK's listener, an `aborted` getter
 * that throws at the second read a raw error out of the call. Such a signal aborts the calls on
 * it, with a `CohereError` that says so as its reason.
 */
export function trustedSignal(signal: AbortSignal): AbortSignal {
  try {
    // Throws for anything but this realm's own signal, a Proxy of one included.
    nativeAborted?.call(signal);
    if (
      nativeAborted !== undefined &&
      !runtime.isProxy?.(signal) &&
      Object.getPrototypeOf(signal) === AbortSignal.prototype &&
      // No field of its own over the prototype's that the SDK reads.
      !readFields.some((key) => Object.hasOwn(signal, key))
    )
      return signal;
  } catch {}
  const known = mirrors.get(signal);
  const mirror = known ?? new AbortController();
  if (known === undefined) {
    mirrors.set(signal, mirror);
    runtime.allowAbortListeners?.(mirror.signal);
  }
  const unreadableSignal = (error: unknown) => mirror.abort(unreadable("Invalid request options: abortSignal", error));
  const follow = () => {
    try {
      mirror.abort(signal.reason);
    } catch (error) {
      unreadableSignal(error);
    }
  };
  try {
    // Looked at for every call: a look-alike may be aborted without telling its listeners.
    if (signal.aborted) follow();
    else if (known === undefined) signal.addEventListener("abort", follow, { once: true });
  } catch (error) {
    unreadableSignal(error);
  }
  return mirror.signal;
}

/** An `AbortSignal` (see `isAbortSignal`), as the SDK listens to it (see `trustedSignal`). */
export const abortSignalSchema = v.pipe(
  v.custom<AbortSignal>(isAbortSignal, "must be an AbortSignal"),
  v.transform(trustedSignal),
);

/**
 * True for a usable API key: visible ASCII without spaces. Anything else could not be sent
 * intact (Headers trims spaces, fetch refuses non-Latin-1) or is a paste accident (a trailing
 * newline).
 */
export function isToken(value: unknown): value is string {
  return typeof value === "string" && /^[\x21-\x7E]+$/.test(value);
}
