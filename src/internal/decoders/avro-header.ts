// The header of an Avro object container file: magic, metadata (schema, codec), sync marker.
import { AvroCursor, AvroFormatError } from "./avro-cursor.js";

export interface AvroHeader {
  /** The writer's schema, parsed from `avro.schema`. */
  schema: unknown;
  /** `avro.codec`, if present. */
  codec: string | undefined;
  /** The 16 bytes that end the header and every block. */
  sync: Uint8Array;
  /** The header's length in bytes. */
  length: number;
}

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** True if `bytes` could still be the start of an Avro file (so a wrong body fails at its first bytes). */
function startsWithMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((byte, i) => i >= bytes.length || bytes[i] === byte);
}

/**
 * Parses the header at the start of `bytes`; `undefined` when `bytes` ends before the header
 * does (the caller reads more). Throws an AvroFormatError for a header that is not Avro.
 */
export function parseHeader(bytes: Uint8Array): AvroHeader | undefined {
  if (!startsWithMagic(bytes)) throw new AvroFormatError("not an Avro object container file (bad magic)");
  const cursor = new AvroCursor(bytes, MAGIC.length);
  const meta = new Map<string, Uint8Array>();
  try {
    for (let count = cursor.readLong(); count !== 0; count = cursor.readLong()) {
      if (cursor.overran) return undefined;
      if (count < 0) {
        count = -count;
        cursor.readLong();
      }
      for (let i = 0; i < count; i++) {
        meta.set(cursor.readString(), cursor.readBytes());
        if (cursor.overran) return undefined;
      }
    }
  } catch (error) {
    // A length past the bytes we have: more may be on the way.
    if (error instanceof AvroFormatError) return undefined;
    throw error;
  }
  if (cursor.pos + 16 > bytes.length) return undefined;
  const sync = bytes.slice(cursor.pos, cursor.pos + 16);
  return { schema: schemaOf(meta), codec: textOf(meta, "avro.codec"), sync, length: cursor.pos + 16 };
}

function textOf(meta: Map<string, Uint8Array>, key: string): string | undefined {
  const value = meta.get(key);
  if (value === undefined) return undefined;
  try {
    return utf8.decode(value);
  } catch {
    throw new AvroFormatError(`${key} is not UTF-8`);
  }
}

function schemaOf(meta: Map<string, Uint8Array>): unknown {
  const text = textOf(meta, "avro.schema");
  if (text === undefined) throw new AvroFormatError("no avro.schema");
  try {
    return JSON.parse(text);
  } catch {
    throw new AvroFormatError("avro.schema is not JSON");
  }
}
