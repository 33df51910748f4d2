/**
 * True for upload data whose size is known before it is read, and is 0: an empty string, list,
 * `Set`, `Map`, `Blob` or bytes. Uploaded, it would fail validation ("no valid records") before
 * anything said why; `datasets.create` and `batches.run` refuse it before sending. Bytes only:
 * another typed array or a DataView is no kind of data, and the upload says so.
 */
export function knownEmpty(x: unknown): boolean {
  // Data that throws as it is read (a Proxy) is not known to be empty: the upload's reader names it.
  try {
    if (typeof x === "string" || Array.isArray(x)) return x.length === 0;
    if (x instanceof ArrayBuffer || x instanceof Uint8Array) return x.byteLength === 0;
    return (x instanceof Blob || x instanceof Set || x instanceof Map) && x.size === 0;
  } catch {
    return false;
  }
}
