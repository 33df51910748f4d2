import { CohereError } from "../core/errors/cohere-error.js";
import { isPlainObject } from "../core/input-schemas.js";
import { sentAsGiven } from "../core/json-as-sent.js";
import { describeThrownValue } from "./thrown-text.js";

/** An object line's kind of item (see `isPlainObject`); a Proxy that refuses to say is not one. */
export function isObjectLine(value: unknown): value is Record<string, unknown> {
  try {
    return isPlainObject(value);
  } catch {
    return false;
  }
}

/** One JSONL line; refuses what is not a plain object or cannot be written as JSON, naming it. */
export function jsonLine(item: unknown, where: string): string {
  if (!isObjectLine(item)) throw new CohereError(`Invalid ${where} must be a plain object, got ${describe(item)}`);
  let line: string | undefined;
  try {
    line = JSON.stringify(item, sentAsGiven);
  } catch (error) {
    throw new CohereError(`Invalid ${where} cannot be written as JSON: ${describeThrownValue(error)}`);
  }
  // A `toJSON` may give anything: each line must still be one JSON object.
  if (line?.[0] !== "{") throw new CohereError(`Invalid ${where} must be written as a JSON object`);
  return `${line}\n`;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (name === "") return "an instance of an anonymous class";
    if (typeof name === "string" && name !== "Object") return name;
    // No class's: an `Object.create(defaults)`, whose inherited fields JSON would leave out.
    for (const key in value) if (!Object.hasOwn(value, key)) return "an object with inherited fields";
    return "an object whose prototype is not Object.prototype";
  } catch {
    return "an object that cannot be read";
  }
}
