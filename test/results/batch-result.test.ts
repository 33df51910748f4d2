// What results() yields for a decoded output record: JSON text in `body` and `error` parsed,
// everything else as Avro decoded it.
import { describe, expect, it } from "vitest";
import { CohereParseError } from "../../src/core/errors/index.js";
import { toBatchResult } from "../../src/internal/decoders/batch-result.js";

const PART = "part 0 of dataset ds-out";

describe("toBatchResult", () => {
  it("parses a body of JSON text into its value (an embed response)", () => {
    const body = { id: "e1", embeddings: { float: [[0.25, -1]] }, texts: ["hello"] };
    expect(toBatchResult({ custom_id: "1", body: JSON.stringify(body) }, PART)).toEqual({ custom_id: "1", body });
  });

  it("parses an error of JSON text, and keeps a plain-text error as text", () => {
    expect(toBatchResult({ custom_id: "2", body: null, error: '{"message":"invalid"}' }, PART)).toEqual({
      custom_id: "2",
      body: null,
      error: { message: "invalid" },
    });
    expect(toBatchResult({ custom_id: "3", error: "invalid request" }, PART).error).toBe("invalid request");
  });

  it("parses the JSON text of a string: the message without its quotes (it kept them)", () => {
    expect(toBatchResult({ custom_id: "5", error: '"quota exceeded"' }, PART).error).toBe("quota exceeded");
    expect(toBatchResult({ custom_id: "6", error: '"a \\"quoted\\" word"' }, PART).error).toBe('a "quoted" word');
    // Text that starts with a quote and is not JSON stays as it is.
    expect(toBatchResult({ custom_id: "7", error: '"unterminated' }, PART).error).toBe('"unterminated');
  });

  it("keeps text that only looks like JSON, and text JSON would turn into another type", () => {
    expect(toBatchResult({ body: "{not json" }, PART).body).toBe("{not json");
    expect(toBatchResult({ body: "42" }, PART).body).toBe("42");
    expect(toBatchResult({ body: "true" }, PART).body).toBe("true");
    expect(toBatchResult({ body: "  [1, 2]" }, PART).body).toEqual([1, 2]);
  });

  it("passes other fields through untouched, JSON text included", () => {
    const raw = new Uint8Array([1, 2]);
    const result = toBatchResult({ custom_id: "4", body: "{}", meta: '{"a":1}', raw, status: "OK" }, PART);
    expect(result).toEqual({ custom_id: "4", body: {}, meta: '{"a":1}', raw, status: "OK" });
  });

  it("keeps a custom_id that is a string or null (a nullable union), and refuses one of another type", () => {
    // The type says string or null: a number or bytes would be a value the type says cannot exist.
    expect(toBatchResult({ custom_id: null, error: "x" }, PART).custom_id).toBeNull();
    expect(toBatchResult({ body: "{}" }, PART).custom_id).toBeUndefined();
    for (const [id, described] of [
      [7, "number"],
      [new Uint8Array([49]), "bytes"],
      [["1"], "an array"],
    ] as const) {
      expect(() => toBatchResult({ custom_id: id, body: "{}" }, PART)).toThrow(CohereParseError);
      expect(() => toBatchResult({ custom_id: id, body: "{}" }, PART)).toThrow(
        `${PART}: a record's custom_id is not a string but ${described}`,
      );
    }
  });

  it("keeps a body that is already a value (bytes, a nested record)", () => {
    const bytes = new Uint8Array([123, 125]);
    expect(toBatchResult({ body: bytes }, PART).body).toBe(bytes);
    expect(toBatchResult({ body: { text: "x" } }, PART).body).toEqual({ text: "x" });
  });

  it("rejects a record that is not an object, naming the part", () => {
    for (const value of [null, "text", 3, [1], new Uint8Array(1)]) {
      const error = (() => {
        try {
          toBatchResult(value, PART);
        } catch (caught) {
          return caught;
        }
      })();
      expect(CohereParseError.is(error)).toBe(true);
      expect((error as CohereParseError).issues[0]).toMatch(/^part 0 of dataset ds-out: a record is not an object/);
    }
  });
});
