import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { structuralCheck } from "../../src/core/structural-check.js";
import * as batches from "../../src/resources/batches/schemas.js";
import * as datasets from "../../src/resources/datasets/schemas.js";

// The response schemas the SDK checks 2xx bodies against, each compiled to a structural check.
const responseSchemas: Record<string, v.GenericSchema> = {
  batch: batches.batchResponseSchema,
  listBatches: batches.listBatchesResponseSchema,
  cancelBatch: batches.cancelBatchResponseSchema,
  createDataset: datasets.createDatasetResponseSchema,
  getDataset: datasets.getDatasetResponseSchema,
  listDatasets: datasets.listDatasetsResponseSchema,
  deleteDataset: datasets.deleteDatasetResponseSchema,
  datasetUsage: datasets.datasetUsageResponseSchema,
};

interface Node {
  type: string;
  wrapped?: Node;
  item?: Node;
  entries?: Record<string, Node>;
}

// Keys valibot treats specially, and ones that collide with a schema's own keys.
const awkwardKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "id", "batch", "name", "x");

/** Bodies shaped by the schema itself, mostly valid, with wrong types, missing and extra keys mixed in. */
function bodyFor(node: Node, dirty: boolean, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({}));
  const valid = validFor(node, dirty, depth);
  return dirty ? fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: wrong, weight: 1 }) : valid;
}

/** Half the bodies are built clean (of the right types, every required key), half dirty. */
const bodiesFor = (node: Node) => fc.oneof(bodyFor(node, false), bodyFor(node, true));

function validFor(node: Node, dirty: boolean, depth: number): fc.Arbitrary<unknown> {
  switch (node.type) {
    case "string":
      // With the ids the SDK cannot address, which a response schema's checks refuse.
      return fc.oneof({ arbitrary: fc.string({ maxLength: 8 }), weight: 6 }, fc.constantFrom("", ".", "..", "usage"));
    case "number":
      return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(bodyFor(node.item as Node, dirty, depth + 1), { maxLength: depth > 2 ? 1 : 4 });
    case "exact_optional":
    case "optional":
      return bodyFor(node.wrapped as Node, dirty, depth);
    case "nullable":
      return fc.oneof(fc.constant(null), bodyFor(node.wrapped as Node, dirty, depth));
    case "loose_object":
    case "object": {
      const entries = node.entries ?? {};
      const known = fc.record(
        Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, bodyFor(entry, dirty, depth + 1)])),
        { requiredKeys: [] },
      );
      // Most objects carry every required key; some lose a few (the record above drops any key).
      const full = fc.record(
        Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, bodyFor(entry, dirty, depth + 1)])),
      );
      const extra = fc.dictionary(fc.oneof(awkwardKey, fc.string({ maxLength: 4 })), fc.jsonValue({ maxDepth: 1 }), {
        maxKeys: 3,
      });
      return fc
        .tuple(dirty ? fc.oneof({ arbitrary: full, weight: 4 }, { arbitrary: known, weight: 1 }) : full, extra)
        .map(([own, more]) => {
          const object: Record<string, unknown> = {};
          // defineProperty: `object.__proto__ = x` would set the prototype, not a key.
          for (const [key, value] of [...Object.entries(more), ...Object.entries(own)])
            Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
          return object;
        });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** True when `value` holds an array where `node` expects an object (valibot takes it). */
function arrayWhereObjectExpected(node: Node, value: unknown): boolean {
  if (node.wrapped) return arrayWhereObjectExpected(node.wrapped, value);
  if (node.type === "array" && Array.isArray(value))
    return value.some((item) => arrayWhereObjectExpected(node.item as Node, item));
  if (!node.type.endsWith("object") || typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return true;
  const record = value as Record<string, unknown>;
  return Object.entries(node.entries ?? {}).some(
    ([key, entry]) => Object.hasOwn(record, key) && arrayWhereObjectExpected(entry, record[key]),
  );
}

/** The body as the SDK sees it: JSON text parsed (so `__proto__` is an own key, as from the network). */
const wire = (body: unknown): unknown => JSON.parse(JSON.stringify(body) ?? "null");

describe("the structural check of 2xx bodies", () => {
  it.each(Object.entries(responseSchemas))(
    "compiles the %s response schema (valibot is not the only check)",
    (_, schema) => {
      expect(structuralCheck(schema)).toBeTypeOf("function");
    },
  );

  it.each(Object.entries(responseSchemas))(
    "agrees with valibot on thousands of generated %s bodies: same verdict, same data",
    (_, schema) => {
      const check = structuralCheck(schema) as (input: unknown) => boolean;
      let fastPassed = 0;
      let failed = 0;
      fc.assert(
        fc.property(bodiesFor(schema as unknown as Node), (body) => {
          // Each side gets its own parse: the fast check works in place.
          const slow = v.safeParse(schema, wire(body));
          const json = wire(body);
          const fast = check(json);
          // What passes the fast check is valibot's data; what fails it is valibot's to judge.
          if (fast) {
            fastPassed++;
            expect(slow.success).toBe(true);
            expect(json).toStrictEqual(slow.success && slow.output);
          } else if (!slow.success) failed++;
          // The one case the fast check leaves to valibot: an array where an object is expected,
          // which valibot takes (and copies into an object) and the types do not.
          else expect(arrayWhereObjectExpected(schema as unknown as Node, wire(body))).toBe(true);
        }),
        { numRuns: 3000 },
      );
      // Both kinds were generated in numbers, so the agreement covers valid and invalid bodies.
      expect(fastPassed).toBeGreaterThan(1000);
      expect(failed).toBeGreaterThan(50);
    },
  );

  it("leaves schemas with pipes, defaults or unknown kinds to valibot alone", () => {
    expect(structuralCheck(v.pipe(v.string(), v.minLength(1)))).toBeUndefined();
    expect(structuralCheck(v.looseObject({ a: v.optional(v.string(), "x") }))).toBeUndefined();
    expect(structuralCheck(v.strictObject({ a: v.string() }))).toBeUndefined();
    expect(structuralCheck(v.looseObject({ a: v.union([v.string(), v.number()]) }))).toBeUndefined();
  });

  it("compiles a pipe of v.check actions: the schema's check, then each check's test", () => {
    const check = structuralCheck(
      v.looseObject({
        id: v.pipe(
          v.string(),
          v.check((id) => id !== "", "empty"),
        ),
      }),
    );
    expect(check?.({ id: "b" })).toBe(true);
    expect(check?.({ id: "" })).toBe(false);
    expect(check?.({ id: 1 })).toBe(false);
  });

  it("drops __proto__, prototype and constructor from a loose object, as valibot does", () => {
    const json = JSON.parse('{"id":"b","__proto__":{"polluted":1},"constructor":1,"prototype":2,"z":3}');
    expect(structuralCheck(v.looseObject({ id: v.string() }))?.(json)).toBe(true);
    expect(json).toStrictEqual({ id: "b", z: 3 });
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
  });
});
