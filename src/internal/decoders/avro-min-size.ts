// The fewest bytes a value of a schema can take, so that a block's record count can be checked
// against its size before the records are read: a corrupt count of 2^50 would otherwise spin
// through records that each read nothing past the block's end.

// A Map: a named type `constructor` found Object's function in a literal, and the bound was NaN.
const FIXED_WIDTH = new Map([
  ["null", 0],
  ["float", 4],
  ["double", 8],
]);
const VARINT_TYPES = new Set(["boolean", "int", "long", "bytes", "string", "enum", "array", "map"]);

/**
 * A lower bound on the encoded size of one value of `schema`. Named references count 0 (their
 * definition may be recursive), which only loosens the bound.
 */
export function minEncodedSize(schema: unknown): number {
  if (typeof schema === "string") return FIXED_WIDTH.get(schema) ?? (VARINT_TYPES.has(schema) ? 1 : 0);
  if (Array.isArray(schema)) return 1; // the branch index
  if (typeof schema !== "object" || schema === null) return 0;
  const { type, fields, size } = schema as { type?: unknown; fields?: unknown; size?: unknown };
  if (type === "record" || type === "error") {
    return Array.isArray(fields) ? fields.reduce((sum: number, field) => sum + minEncodedSize(field?.type), 0) : 0;
  }
  if (type === "fixed") return typeof size === "number" && size > 0 ? size : 0;
  return minEncodedSize(type);
}
