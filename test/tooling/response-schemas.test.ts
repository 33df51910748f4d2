// The committed response schemas (test/generated/*.schema.json) are derived from Cohere's specs
// by scripts/response-schemas.mjs: the constraints stay, the prose goes. These tests hold the
// derivation to that on a small spec, and check the committed files are usable as they are.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { responseSchemas, specWithoutProse, withoutProse } from "../../scripts/response-schemas.mjs";

const spec = {
  paths: {
    "/v1/things/{id}": {
      description: "prose",
      get: {
        summary: "prose",
        responses: {
          "200": {
            description: "prose",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
          "404": { $ref: "#/components/responses/NotFound" },
          "204": { description: "no body" },
        },
      },
      delete: { requestBody: {}, responses: { "200": { content: { "text/plain": { schema: { type: "string" } } } } } },
    },
  },
  components: {
    responses: {
      NotFound: {
        description: "prose",
        content: { "application/json": { schema: { type: "object", "x-fern-type-name": "E" } } },
      },
    },
    schemas: {
      Thing: {
        type: "object",
        description: "prose",
        required: ["description"],
        properties: {
          description: { type: "string", description: "a property named description stays" },
          kind: { $ref: "#/components/schemas/Kind" },
          tags: { type: "array", items: { type: "string", example: "x" } },
        },
        example: { description: "d" },
      },
      Kind: { type: "string", enum: ["a", "b"], title: "prose", "x-fern-audiences": ["public"] },
      RequestOnly: { type: "object" },
    },
  },
};

describe("the response schemas derived from a spec", () => {
  it("keep every constraint and drop descriptions, titles, examples and x- extensions", () => {
    expect(withoutProse(spec.components.schemas.Thing)).toEqual({
      type: "object",
      required: ["description"],
      properties: {
        description: { type: "string" },
        kind: { $ref: "#/components/schemas/Kind" },
        tags: { type: "array", items: { type: "string" } },
      },
    });
  });

  it("give each operation's JSON responses by status, shared responses inlined, and only the schemas they reach", () => {
    const derived = responseSchemas(spec, "c");
    expect(derived).toEqual({
      $comment: "c",
      paths: {
        "/v1/things/{id}": {
          get: { "200": { $ref: "#/components/schemas/Thing" }, "404": { type: "object" } },
        },
      },
      components: {
        schemas: {
          Kind: { type: "string", enum: ["a", "b"] },
          Thing: withoutProse(spec.components.schemas.Thing),
        },
      },
    });
    expect(JSON.stringify(derived)).not.toContain("prose");
  });

  it.each(["batches", "datasets"])("the committed %s schema compiles, every reference resolves, no prose", (name) => {
    const text = readFileSync(new URL(`../generated/${name}-responses.schema.json`, import.meta.url), "utf8");
    const doc = JSON.parse(text) as ReturnType<typeof responseSchemas>;
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: "doc" });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, statuses] of Object.entries(methods)) {
        for (const status of Object.keys(statuses)) {
          const pointer = `/paths/${encodeURIComponent(path.replaceAll("/", "~1"))}/${method}/${status}`;
          expect(() => ajv.compile({ $ref: `doc#${pointer}` }), `${method} ${path} ${status}`).not.toThrow();
        }
      }
    }
    expect(text).not.toMatch(/"(description|title|summary|example|examples)": "/);
    expect(text).not.toMatch(/"x-/);
  });
});

describe("the spec that openapi-typescript reads for the committed types", () => {
  it("has no prose at any level (paths, operations, responses, schemas) and keeps every name and constraint", () => {
    const stripped = specWithoutProse(spec);
    expect(JSON.stringify(stripped)).not.toContain("prose");
    expect(JSON.stringify(stripped)).not.toContain('"x-');
    expect(stripped.paths["/v1/things/{id}"].get).toEqual({
      responses: {
        "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
        "404": { $ref: "#/components/responses/NotFound" },
        "204": {},
      },
    });
    // A property named `description` is data, not prose; so is a response named by its status.
    expect(stripped.components.schemas.Thing).toEqual(withoutProse(spec.components.schemas.Thing));
    expect(stripped.components.schemas.Kind).toEqual({ type: "string", enum: ["a", "b"] });
  });

  it.each(["openapi", "datasets-openapi"])(
    "the committed src/generated/%s.ts carries none of the spec's wording",
    (name) => {
      const text = readFileSync(new URL(`../../src/generated/${name}.ts`, import.meta.url), "utf8");
      expect(text).not.toMatch(/@description|@example/);
      // What is left in comments is openapi-typescript's own (formats, defaults, enums) and ours.
      const comments = text.match(/\/\*\*[\s\S]*?\*\//g) ?? [];
      for (const comment of comments) {
        expect(comment, comment).toMatch(
          /^\/\*\*\s*(\*?\s*(Format: [\w-]+|@default \S+|@enum \{string\}|@constant|The `\w+` of Cohere's \w+ spec, as openapi-typescript generates them\. @public|This file was auto-generated by openapi-typescript\.|Do not make direct changes to the file\.)\s*)*\*\/$/,
        );
      }
    },
  );
});
