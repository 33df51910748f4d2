/** The fingerprint of a dataset upload, by which `Idempotency-Key` tells a retry from another upload. */
import type { DatasetUpload } from "./dataset-upload.js";
import { bytesFingerprint } from "./idempotency.js";

/**
 * What makes two uploads "the same request" for `Idempotency-Key`: the query parameters (in any
 * order: they are sorted) and, for each file part (`data`, `eval_data`), its filename and bytes.
 * Not the body's bytes: the multipart framing (the boundary, chosen anew each time a client
 * serialises a FormData, and the part headers) carries no meaning, and an SDK's retry rebuilds it.
 */
export async function uploadFingerprint(params: URLSearchParams, upload: DatasetUpload): Promise<string> {
  const query = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const parts: [string, string, string][] = [];
  for (const [part, file] of [
    ["data", upload.data],
    ["eval_data", upload.evalData],
  ] as const) {
    if (file) parts.push([part, file.name, bytesFingerprint(new Uint8Array(await file.arrayBuffer()))]);
  }
  return JSON.stringify([query, parts]);
}
