import type * as v from "valibot";

/** What a structural check returns for a value that fails: valibot then says why. */
export const FAILED: unique symbol = Symbol("failed");

/** Returns the value valibot would output for `input`, or `FAILED`. */
export type StructuralCheck = (input: unknown) => unknown;

/** The parts of a valibot schema object the compiler reads. */
interface SchemaNode {
  readonly type: string;
  readonly async?: boolean;
  readonly pipe?: unknown;
  readonly default?: unknown;
  readonly fallback?: unknown;
  readonly wrapped?: SchemaNode;
  readonly item?: SchemaNode;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
}

const compiled = new WeakMap<object, StructuralCheck | null>();
const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/**
 * A plain-JavaScript check of a response body, compiled once from the operation's valibot
 * schema (the one source of truth), or `undefined` when the schema uses a feature it does not
 * know (pipes, defaults, transforms, ...): valibot alone checks those.
 *
 * @remarks
 * valibot builds datasets and issue paths on every value; a 1,000-batch page cost more to check
 * than to `JSON.parse`. The compiled check does only what valibot's success path does: the same
 * tests, and the same output (known keys in schema order, then the other own keys of a loose
 * object except `__proto__`, `prototype` and `constructor`; a new array). On failure the caller
 * runs valibot, which words the issues. test/core/structural-check.test.ts proves they agree.
 */
export function structuralCheck(schema: v.GenericSchema): StructuralCheck | undefined {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema as unknown as SchemaNode) ?? null;
    compiled.set(schema, check);
  }
  return check ?? undefined;
}

function compile(node: SchemaNode): StructuralCheck | undefined {
  if (node.async || node.pipe !== undefined || node.default !== undefined || node.fallback !== undefined) return;
  switch (node.type) {
    case "string":
    case "boolean":
      return (input) => (typeof input === node.type ? input : FAILED);
    case "number":
      return (input) => (typeof input === "number" && !Number.isNaN(input) ? input : FAILED);
    case "unknown":
      return (input) => input;
    case "array":
      return arrayCheck(node.item);
    case "loose_object":
    case "object":
      return objectCheck(node.entries, node.type === "loose_object");
    case "exact_optional":
      return node.wrapped && compile(node.wrapped);
    case "optional":
    case "nullable":
      return optionalCheck(node.wrapped, node.type === "optional" ? undefined : null);
  }
}

function arrayCheck(itemNode: SchemaNode | undefined): StructuralCheck | undefined {
  const item = itemNode && compile(itemNode);
  if (item === undefined) return;
  return (input) => {
    if (!Array.isArray(input)) return FAILED;
    const output = new Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const value = item(input[i]);
      if (value === FAILED) return FAILED;
      output[i] = value;
    }
    return output;
  };
}

function optionalCheck(wrappedNode: SchemaNode | undefined, absent: undefined | null): StructuralCheck | undefined {
  const wrapped = wrappedNode && compile(wrappedNode);
  return wrapped && ((input) => (input === absent ? input : wrapped(input)));
}

function objectCheck(entries: SchemaNode["entries"], loose: boolean): StructuralCheck | undefined {
  if (entries === undefined) return;
  const keys = Object.keys(entries);
  const checks: StructuralCheck[] = [];
  const required: boolean[] = [];
  for (const key of keys) {
    const entry = entries[key] as SchemaNode;
    const check = compile(entry);
    if (check === undefined) return;
    checks.push(check);
    required.push(entry.type !== "exact_optional" && entry.type !== "optional" && entry.type !== "nullish");
  }
  return (input) => {
    if (!input || typeof input !== "object") return FAILED;
    const record = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key in record) {
        const value = (checks[i] as StructuralCheck)(record[key]);
        if (value === FAILED) return FAILED;
        output[key] = value;
      } else if (required[i]) return FAILED;
    }
    if (loose)
      for (const key in record)
        if (
          hasOwn(record, key) &&
          key !== "__proto__" &&
          key !== "prototype" &&
          key !== "constructor" &&
          !hasOwn(entries, key)
        )
          output[key] = record[key];
    return output;
  };
}
