// Turns a writer's schema (the JSON of a container file's `avro.schema`) into one reader
// function per type, nested as the schema is. Closures, not generated code: avsc compiles its
// readers with `new Function`, which Cloudflare workerd refuses ("Code generation from strings
// disallowed"), and this runs everywhere the SDK does.
import { arrayReader, mapReader } from "./avro-collections.js";
import { type AvroCursor, AvroFormatError } from "./avro-cursor.js";
import { fieldsReader, ownEntries } from "./avro-records.js";

export type AvroReader = (cursor: AvroCursor) => unknown;

type Schema = string | Schema[] | SchemaObject;
interface SchemaObject {
  type: Schema;
  name?: unknown;
  namespace?: unknown;
  fields?: unknown;
  symbols?: unknown;
  size?: unknown;
  items?: unknown;
  values?: unknown;
}

/** Named types (records, enums, fixed) by full name; a reference may precede the end of its definition. */
type Names = Map<string, AvroReader>;

// A Map: a type named `constructor` or `valueOf` (valid Avro names) found Object's in a literal.
const PRIMITIVES = new Map(
  Object.entries<AvroReader>({
    null: () => null,
    boolean: (c) => c.readBoolean(),
    int: (c) => c.readLong(),
    long: (c) => c.readLongValue(),
    float: (c) => c.readFloat(),
    double: (c) => c.readDouble(),
    bytes: (c) => c.readBytes(),
    string: (c) => c.readString(),
  }),
);

/** The reader for `schema`; throws an `AvroFormatError` for a schema it cannot read. */
export function compileSchema(schema: unknown): AvroReader {
  try {
    return compile(schema as Schema, "", new Map());
  } catch (error) {
    // A schema of the wrong shape (a field that is null, fields that are not objects) fails as
    // a TypeError somewhere inside: it is a file we cannot read all the same.
    if (error instanceof AvroFormatError) throw error;
    throw new AvroFormatError(`invalid schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function compile(schema: Schema, namespace: string, names: Names): AvroReader {
  if (typeof schema === "string") return primitiveOrReference(schema, namespace, names);
  if (Array.isArray(schema)) return unionReader(schema, namespace, names);
  if (typeof schema !== "object" || schema === null)
    throw new AvroFormatError(`invalid schema ${JSON.stringify(schema)}`);
  switch (schema.type) {
    case "record":
    case "error":
      return recordReader(schema, namespace, names);
    case "enum":
      return named(schema, namespace, names, () => enumReader(schema));
    case "fixed":
      return named(schema, namespace, names, () => fixedReader(schema));
    case "array":
      return arrayReader(compile(schema.items as Schema, namespace, names));
    case "map":
      return mapReader(compile(schema.values as Schema, namespace, names));
    default:
      // `{"type": "string", "logicalType": ...}` and friends: the underlying type's reader.
      return compile(schema.type, namespace, names);
  }
}

function fullName(name: unknown, namespace: string): string {
  if (typeof name !== "string" || name === "") throw new AvroFormatError("named type without a name");
  return name.includes(".") || namespace === "" ? name : `${namespace}.${name}`;
}

function primitiveOrReference(name: string, namespace: string, names: Names): AvroReader {
  const reader = PRIMITIVES.get(name) ?? names.get(fullName(name, namespace)) ?? names.get(name);
  if (!reader) throw new AvroFormatError(`unknown type ${JSON.stringify(name)}`);
  return reader;
}

/** Registers a named type before building it, so recursive references resolve (late, through the map). */
function named(schema: SchemaObject, namespace: string, names: Names, build: () => AvroReader) {
  const name = fullName(schema.name, typeof schema.namespace === "string" ? schema.namespace : namespace);
  let reader: AvroReader | undefined;
  names.set(name, (c) => (reader as AvroReader)(c));
  reader = build();
  names.set(name, reader);
  return reader;
}

function recordReader(schema: SchemaObject, namespace: string, names: Names) {
  return named(schema, namespace, names, () => {
    const own = fullName(schema.name, typeof schema.namespace === "string" ? schema.namespace : namespace);
    const inner = own.includes(".") ? own.slice(0, own.lastIndexOf(".")) : "";
    if (!Array.isArray(schema.fields)) throw new AvroFormatError(`record ${own} has no fields`);
    const fields = schema.fields as { name: string; type: Schema }[];
    const keys = fields.map((field) => field.name);
    const readers = fields.map((field) => compile(field.type, inner, names));
    if (keys.includes("__proto__"))
      return (c: AvroCursor) =>
        ownEntries(
          keys,
          readers.map((read) => read(c)),
        );
    return fieldsReader(keys, readers);
  });
}

function unionReader(branches: Schema[], namespace: string, names: Names): AvroReader {
  // Branches yield bare values (a nullable union gives the value or null, not `{ string: "x" }`).
  const readers = branches.map((branch) => compile(branch, namespace, names));
  return (c) => {
    const index = c.readLong();
    const reader = readers[index];
    if (!reader) throw new AvroFormatError(`union branch ${index} out of range`);
    return reader(c);
  };
}

function enumReader(schema: { symbols?: unknown }): AvroReader {
  const symbols = schema.symbols;
  if (!Array.isArray(symbols)) throw new AvroFormatError("enum without symbols");
  return (c) => {
    const index = c.readLong();
    if (index < 0 || index >= symbols.length) throw new AvroFormatError(`enum index ${index} out of range`);
    return symbols[index];
  };
}

function fixedReader(schema: { size?: unknown }): AvroReader {
  const size = schema.size;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0)
    throw new AvroFormatError("fixed without a size");
  return (c) => c.readFixed(size);
}
