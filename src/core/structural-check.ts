import type * as v from "valibot";

/**
 * True when `input` passes; the value itself is then the data (freshly parsed JSON, owned by
 * the call), with the keys valibot drops from a loose object (`__proto__`, `prototype`,
 * `constructor`) deleted.
 */
export type StructuralCheck = (input: unknown) => boolean;

/** The parts of a valibot schema object the compiler reads. */
interface SchemaNode {
  readonly type: string;
  readonly async?: boolean;
  readonly pipe?: readonly SchemaNode[];
  /** A `v.check` action's test. */
  readonly requirement?: (input: unknown) => boolean;
  readonly default?: unknown;
  readonly fallback?: unknown;
  readonly wrapped?: SchemaNode;
  readonly item?: SchemaNode;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
}

const compiled = new WeakMap<object, StructuralCheck | null>();
const unsafeKeys = ["__proto__", "prototype", "constructor"];

/**
 * A plain-JavaScript check of a response body, compiled once from the operation's valibot
 * schema (the one source of truth), or `undefined` when the schema uses a feature it does not
 * know (defaults, transforms, unions, pipes of anything but `v.check`s, ...): valibot alone
 * checks those.
 *
 * @remarks
 * valibot builds datasets, issue paths and a copy of every object on every value: a 1,000-batch
 * page cost more to check than to `JSON.parse`. The compiled check makes the same tests in
 * place and copies nothing; valibot runs only on a failure, to word the issues.
 * test/unit/structural-check.test.ts proves that both agree on thousands of generated bodies.
 */
export function structuralCheck(schema: v.GenericSchema): StructuralCheck | undefined {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema as unknown as SchemaNode) ?? null;
    compiled.set(schema, check);
  }
  return check ?? undefined;
}

// The checks of the primitive types: a field of one is tested inline (see `objectCheck`).
const isString: StructuralCheck = (input) => typeof input === "string";
const isBoolean: StructuralCheck = (input) => typeof input === "boolean";
// JSON has no NaN, but a plugin's body is any value: valibot refuses NaN.
const isNumber: StructuralCheck = (input) => typeof input === "number" && !Number.isNaN(input);

function compile(node: SchemaNode): StructuralCheck | undefined {
  if (node.async || node.default !== undefined || node.fallback !== undefined) return;
  if (node.pipe) {
    // The schema's check, then its `v.check`s' tests (as valibot, on a value the schema passed).
    const checks = node.pipe.map(compile);
    return checks.every(Boolean) ? (input) => checks.every((check) => (check as StructuralCheck)(input)) : undefined;
  }
  const { type, wrapped, item, entries } = node;
  if (type === "check") return node.requirement;
  if (type === "string") return isString;
  if (type === "boolean") return isBoolean;
  if (type === "number") return isNumber;
  if (type === "unknown") return () => true;
  if (type === "exact_optional") return wrapped && compile(wrapped);
  if (type === "optional" || type === "nullable") {
    const absent = type === "optional" ? undefined : null;
    const check = wrapped && compile(wrapped);
    return check && ((input) => input === absent || check(input));
  }
  if (type === "array") {
    const check = item && compile(item);
    return check && ((input) => Array.isArray(input) && input.every(check));
  }
  if ((type === "loose_object" || type === "object") && entries) return objectCheck(entries, type === "object");
}

function objectCheck(entries: Readonly<Record<string, SchemaNode>>, strip: boolean): StructuralCheck | undefined {
  const keys = Object.keys(entries);
  const checks: StructuralCheck[] = [];
  for (const key of keys) {
    const check = compile(entries[key] as SchemaNode);
    if (check === undefined) return;
    checks.push(check);
  }
  // A field of a primitive type is tested by `typeof` here rather than through a call: most
  // fields of a batch are strings, and the calls cost more than the tests.
  const types = checks.map((check) =>
    check === isString ? "string" : check === isBoolean ? "boolean" : check === isNumber ? "number" : undefined,
  );
  const required = keys.map((key) => !/optional|nullish/.test((entries[key] as SchemaNode).type));
  return (input) => {
    if (!input || typeof input !== "object" || Array.isArray(input)) return false;
    const record = input as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const value = record[key];
      // One lookup for a field that is there; `in` only to tell a missing field from `undefined`.
      if (value === undefined && !(key in record)) {
        if (required[i]) return false;
        continue;
      }
      const type = types[i];
      if (type === undefined ? !(checks[i] as StructuralCheck)(value) : typeof value !== type || Number.isNaN(value))
        return false;
    }
    // valibot's output of an object keeps known keys only, of a loose one drops these three.
    for (const key of unsafeKeys) if (Object.hasOwn(record, key) && !Object.hasOwn(entries, key)) delete record[key];
    if (strip) for (const key in record) if (!Object.hasOwn(entries, key)) delete record[key];
    return true;
  };
}
