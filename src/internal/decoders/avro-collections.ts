// Avro arrays and maps: blocks of items, each block a count (negative: followed by the block's
// byte size), until a count of 0.
import type { AvroCursor } from "./avro-cursor.js";
import { AvroFormatError } from "./avro-cursor.js";
import type { AvroReader } from "./avro-schema.js";

/**
 * Calls `read` once per item, block by block; an item past the end of the data is a format
 * error, and so is a count past the items the block can hold (`AvroCursor.itemsLeft`): items of
 * zero bytes never overrun.
 */
function forEachItem(c: AvroCursor, read: () => void): void {
  for (let count = c.readLong(); count !== 0; count = c.readLong()) {
    if (count < 0) {
      count = -count;
      c.readLong();
    }
    c.itemsLeft -= count;
    if (c.itemsLeft < 0) throw new AvroFormatError(`array or map says ${count} items in ${c.end - c.pos} bytes`);
    for (let i = 0; i < count; i++) {
      read();
      if (c.overran) throw new AvroFormatError("array or map runs past its block");
    }
  }
}

export function arrayReader(items: AvroReader): AvroReader {
  return (c) => {
    const out: unknown[] = [];
    forEachItem(c, () => out.push(items(c)));
    return out;
  };
}

export function mapReader(values: AvroReader): AvroReader {
  return (c) => {
    const out: Record<string, unknown> = {};
    forEachItem(c, () => {
      const key = c.readString();
      if (key === "__proto__") defineOwn(out, key, values(c));
      else out[key] = values(c);
    });
    return out;
  };
}

/** Sets an own, enumerable property, `__proto__` included (an assignment would set the prototype). */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
