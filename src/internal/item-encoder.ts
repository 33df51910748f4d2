import { CohereError } from "../core/errors/cohere-error.js";
import { isObjectLine, jsonLine } from "./json-line.js";
import { wellFormed } from "./well-formed.js";

const encoder = new TextEncoder();

/**
 * Turns the items of a collection or an iterable, one at a time, into the bytes they upload:
 * bytes as they are, text as UTF-8, a plain object as one JSONL line. `name` names an item in
 * errors (`data[2]`, `data item 2`) of `request` (`request`, `run request`); `end` refuses a
 * surrogate half no later item completed.
 */
export class ItemEncoder {
  readonly #request: string;
  readonly #name: (index: number) => string;
  readonly #collection: boolean;
  #index = 0;
  // A string may end in the first half of a surrogate pair whose second half starts the next:
  // encoded apart, each half would be sent as U+FFFD. The half waits for the next string.
  #half = "";
  // The first item says what the items are: chunks of text and bytes (a file's stream), or
  // objects (one line each). Mixed, a chunk after a line would be glued to the next line.
  #holdsObjects: boolean | undefined;
  // In a collection, the last line of the last text item, where it began at a line's start: one
  // that is a whole JSON object with no newline, and a next item that starts one, would be glued
  // onto one line (`text.split("\n")` given as data, or pages of lines joined without a final
  // newline). Only a line's start is known to be outside a JSON string (JSON text has no raw
  // newline): a chunk from a string's middle may parse whole (`{":":1}` of `{"{":":1}{"}`).
  // Blank items (no newline) between the two glue them all the same, and are passed over, as
  // empty bytes are; so are spaces, tabs and a "\r" (a CRLF file split at "\n") at the ends.
  #previousLine: string | undefined;
  #previousIndex = 0;
  #atLineStart = true;

  constructor(request: string, name: (index: number) => string, collection = false) {
    this.#request = request;
    this.#name = name;
    this.#collection = collection;
  }

  encode(item: unknown): Uint8Array {
    const chunk = typeof item === "string" || isBytes(item);
    this.#checkKind(item, chunk);
    const bytes = typeof item === "string" ? this.#encodeText(item) : this.#encodeOther(item, chunk);
    this.#index++;
    return bytes;
  }

  end(): void {
    if (this.#half) wellFormed(this.#half, this.#subject(this.#index - 1));
  }

  #subject(index: number): string {
    return `${this.#request}: ${this.#name(index)}`;
  }

  #checkKind(item: unknown, chunk: boolean): void {
    // Anything else (a number) is refused below, as a line that is not an object.
    if (chunk || isObjectLine(item)) this.#holdsObjects ??= !chunk;
    if (chunk ? this.#holdsObjects === true : this.#holdsObjects === false && isObjectLine(item))
      throw new CohereError(
        `Invalid ${this.#subject(this.#index)} is ${chunk ? "" : "not "}text or bytes, and the items before it are ${chunk ? "not" : "text or bytes"}: an iterable holds either chunks of JSONL (text or bytes) or plain objects (one line each)`,
      );
  }

  #encodeText(item: string): Uint8Array {
    if (this.#collection) this.#refuseGlued(item);
    const text = this.#half + item;
    const code = text.charCodeAt(text.length - 1);
    this.#half = code >= 0xd800 && code <= 0xdbff ? text.slice(-1) : "";
    return encoder.encode(wellFormed(this.#half ? text.slice(0, -1) : text, this.#subject(this.#index)));
  }

  /** Refuses `item` where it would be glued onto the line of a JSON object (see `#previousLine`). */
  #refuseGlued(item: string): void {
    const previous = this.#previousLine;
    if (/^[ \t\r]*\{/.test(item) && previous !== undefined && /\}[ \t\r]*$/.test(previous) && isJsonObject(previous))
      throw new CohereError(
        `Invalid ${this.#subject(this.#previousIndex)} ends a JSON object without a newline, so ${this.#name(this.#index)} would be glued onto its line: text items are chunks of JSONL, not lines (end each with "\n")`,
      );
    if (/^[ \t\r]*$/.test(item)) return;
    const newline = item.lastIndexOf("\n");
    this.#previousLine = newline >= 0 ? item.slice(newline + 1) : this.#atLineStart ? item : undefined;
    this.#previousIndex = this.#index;
    this.#atLineStart = newline === item.length - 1;
  }

  #encodeOther(item: unknown, chunk: boolean): Uint8Array {
    // A high surrogate no next chunk completed is never well formed: this refuses it.
    if (this.#half) wellFormed(this.#half, this.#subject(this.#index - 1));
    this.#half = "";
    // Bytes are not read for lines: after them, no line's start is known (but after none).
    if (!chunk || (item as Uint8Array).length > 0) {
      this.#previousLine = undefined;
      this.#atLineStart = !chunk;
    }
    return chunk ? (item as Uint8Array) : encoder.encode(jsonLine(item, this.#subject(this.#index)));
  }
}

/** True for text that is one JSON object with a field. */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
  } catch {
    return false;
  }
}

/** True for bytes; a Proxy that refuses to say (its prototype unreadable) is none, and is named as a line. */
function isBytes(item: unknown): item is Uint8Array {
  try {
    return item instanceof Uint8Array;
  } catch {
    return false;
  }
}
