// Avro's binary encoding of values, one encoder per schema type, for the fake's output files.
// The mirror of src/internal/decoders/avro-schema.ts; kept apart because the SDK only reads.
import type { AvroSink } from "./avro-sink.js";

export type AvroEncoder = (value: unknown, sink: AvroSink) => void;

type Schema = string | Schema[] | SchemaObject;
interface SchemaObject {
  type: Schema;
  name?: string;
  namespace?: string;
  fields?: { name: string; type: Schema }[];
  symbols?: string[];
  size?: number;
  items?: Schema;
  values?: Schema;
}

/** An encoder and a test of whether a value fits the type (to pick a union's branch). */
interface Compiled {
  encode: AvroEncoder;
  fits: (value: unknown) => boolean;
}

const isInteger = (value: unknown) => Number.isSafeInteger(value);
const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);

// A Map: a type named `constructor` (a valid Avro name) found Object's function in a literal.
const PRIMITIVES = new Map(
  Object.entries<Compiled>({
    null: { encode: () => {}, fits: (v) => v === null || v === undefined },
    // -2^31 is an int too (a test of the absolute value refused it).
    int: {
      encode: (v, s) => s.writeLong(v as number),
      fits: (v) => isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31,
    },
    boolean: { encode: (v, s) => s.writeBoolean(v as boolean), fits: (v) => typeof v === "boolean" },
    long: { encode: (v, s) => s.writeLong(v as number), fits: isInteger },
    float: { encode: (v, s) => s.writeFloat(v as number), fits: (v) => typeof v === "number" },
    double: { encode: (v, s) => s.writeDouble(v as number), fits: (v) => typeof v === "number" },
    bytes: { encode: (v, s) => s.writeBytes(v as Uint8Array), fits: (v) => v instanceof Uint8Array },
    string: { encode: (v, s) => s.writeString(v as string), fits: (v) => typeof v === "string" },
  }),
);

/** The encoder for values of `schema` (records, enums, fixed, arrays, maps, unions, primitives). */
export function compileEncoder(schema: unknown): AvroEncoder {
  const { encode, fits } = compile(schema as Schema, new Map());
  // A record tests each field as it writes it (the record itself must be an object). A value of
  // any other type was written unchecked: an enum's unknown symbol as index -1, a fixed of the
  // wrong size, an int of 2^40.
  const record = typeof schema === "object" && schema !== null && (schema as SchemaObject).type === "record";
  return (value, sink) => {
    if (record ? !isObject(value) : !fits(value)) throw new TypeError(`Avro: the schema cannot hold ${shown(value)}`);
    encode(value, sink);
  };
}

/** A value as a message shows it: JSON where JSON can write it (not a BigInt, a cycle, a symbol). */
function shown(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol" || typeof value === "function") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function compile(schema: Schema, names: Map<string, Compiled>): Compiled {
  if (typeof schema === "string") {
    const found = PRIMITIVES.get(schema) ?? names.get(schema);
    if (!found) throw new TypeError(`Avro schema: unknown type ${schema}`);
    return found;
  }
  if (Array.isArray(schema)) return union(schema.map((branch) => compile(branch, names)));
  switch (schema.type) {
    case "record":
      return record(schema, names);
    case "enum": {
      const symbols = schema.symbols ?? [];
      const fits = (v: unknown) => symbols.includes(v as string);
      return named(schema, names, { encode: (v, s) => s.writeLong(symbols.indexOf(v as string)), fits });
    }
    case "fixed": {
      const fits = (v: unknown) => v instanceof Uint8Array && v.length === schema.size;
      return named(schema, names, { encode: (v, s) => s.writeRaw(v as Uint8Array), fits });
    }
    case "array":
      return collection(compile(schema.items as Schema, names), Array.isArray, (v) =>
        (v as unknown[]).map((x) => [undefined, x]),
      );
    case "map":
      return collection(compile(schema.values as Schema, names), isObject, (v) => Object.entries(v as object));
    default:
      return compile(schema.type, names);
  }
}

function named(schema: SchemaObject, names: Map<string, Compiled>, compiled: Compiled): Compiled {
  if (schema.name) names.set(schema.name, compiled);
  return compiled;
}

function record(schema: SchemaObject, names: Map<string, Compiled>): Compiled {
  // Registered first, so a field may refer to the record itself.
  const fields: { name: string; type: Compiled }[] = [];
  const compiled: Compiled = {
    encode: (v, s) => {
      for (const field of fields) {
        const value = fieldValue(v, field.name);
        if (!field.type.fits(value))
          throw new TypeError(`Avro record: field ${field.name} cannot hold ${shown(value)}`);
        field.type.encode(value, s);
      }
    },
    fits: (v) => isObject(v) && fields.every((field) => field.type.fits(fieldValue(v, field.name))),
  };
  named(schema, names, compiled);
  for (const field of schema.fields ?? []) fields.push({ name: field.name, type: compile(field.type, names) });
  return compiled;
}

/** A record's field (`null` where it has none): a field `constructor` it lacks is not Object's. */
function fieldValue(record: unknown, name: string): unknown {
  const inherited = !Object.hasOwn(record as object, name) && name in Object.prototype;
  return inherited ? null : ((record as Record<string, unknown>)[name] ?? null);
}

function union(branches: Compiled[]): Compiled {
  const branchOf = (v: unknown) => branches.findIndex((branch) => branch.fits(v));
  return {
    encode: (v, s) => {
      const index = branchOf(v);
      if (index < 0) throw new TypeError(`Avro union: no branch fits ${shown(v)}`);
      s.writeLong(index);
      (branches[index] as Compiled).encode(v, s);
    },
    fits: (v) => branchOf(v) >= 0,
  };
}

/** Arrays and maps: one block of all the items, then the empty block that ends them. */
function collection(
  item: Compiled,
  fits: (v: unknown) => boolean,
  entries: (v: unknown) => [string | undefined, unknown][],
): Compiled {
  return {
    encode: (v, s) => {
      const list = entries(v);
      if (list.length > 0) s.writeLong(list.length);
      for (const [key, value] of list) {
        if (key !== undefined) s.writeString(key);
        item.encode(value, s);
      }
      s.writeLong(0);
    },
    fits: (v) => fits(v) && entries(v).every(([, value]) => item.fits(value)),
  };
}
