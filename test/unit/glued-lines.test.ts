// Text items of an upload's collection are chunks of JSONL: one that ends a JSON object with no
// newline, and a next that starts one, would be sent glued onto one line for the server to refuse.
// The check must not refuse valid JSONL cut at any point.
import { describe, expect, it } from "vitest";
import { ItemEncoder } from "../../src/internal/item-encoder.js";

/** Encodes `items` as a collection's; the error's message, or undefined where all were taken. */
function refusal(items: readonly (string | Uint8Array)[]): string | undefined {
  const encoder = new ItemEncoder("request", (index) => `data[${index}]`, true);
  try {
    for (const item of items) encoder.encode(item);
    encoder.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const glued = (before: number, after: number) =>
  `Invalid request: data[${before}] ends a JSON object without a newline, so data[${after}] would be glued onto its line`;

describe("text items glued onto one line", () => {
  it.each([
    ["lines without their newlines", ['{"a":1}', '{"b":2}'], glued(0, 1)],
    ["spaces or tabs between them", ['{"a":1} ', '\t{"b":2}'], glued(0, 1)],
    ["the lines of a CRLF file split at LF", ['{"a":1}\r', '{"b":2}\r'], glued(0, 1)],
    ["an empty and a blank item between them", ['{"a":1}', "", " ", '{"b":2}'], glued(0, 3)],
    // Pages of lines joined with "\n", without a final one: the last line of the first is glued.
    ["pages joined without a final newline", ['{"a":1}\n{"b":2}', '{"c":3}\n'], glued(0, 1)],
    ["empty bytes between them", ['{"a":1}', new Uint8Array(0), '{"b":2}'], glued(0, 2)],
  ])("%s: refused", (_, items, message) => {
    expect(refusal(items)).toMatch(new RegExp(`^${message.replace(/[[\]]/g, "\\$&")}`));
  });

  it.each([
    // One valid line, `{"{":":1}{"}`, cut so that a middle chunk parses whole as an object.
    ["a line cut inside its strings", ['{"', '{":":1}', '{"}\n']],
    ["the same, a space at a cut", ['{"', '{":":1} ', '{"}\n']],
    ["the same, a blank item at a cut", ['{"', '{":":1}', "  ", '{"}\n']],
    ["lines with their newlines", ['{"a":1}\n', '{"b":2}\n']],
    ["a CRLF file cut after its CR", ['{"a":1}\r', '\n{"b":2}\r\n']],
    ["a nested object as a chunk of a line", ['{"a":', '{"b":1}', "}\n"]],
    ["blank items then a newline", ['{"a":1}', "  ", "\n", '{"b":2}\n']],
    ["lines of empty objects", ["{}", "{}\n"]],
  ])("%s: taken", (_, items) => {
    expect(refusal(items)).toBeUndefined();
  });
});
