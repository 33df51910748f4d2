// What JSON sends of a caller's value, refused where it is not what the caller wrote: the
// replacer of `bodyParams` and of an upload's object lines.
import { describeValue } from "./input.js";
import { isPlainObject, isWellFormed } from "./input-schemas.js";

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
