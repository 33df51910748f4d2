import { sourceFailure } from "./source-failure.js";
import type { PartSource } from "./upload-sources.js";
import type { UploadPart } from "./uploads.js";

// The framing of `multipart/form-data` around each file part (see `uploads.ts`'s remarks).

const encoder = new TextEncoder();

const escapeName = (name: string) => name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

function partHead(boundary: string, part: UploadPart, type: string, first: boolean): Uint8Array {
  const disposition = `form-data; name="${escapeName(part.field)}"; filename="${escapeName(part.filename)}"`;
  const opening = first ? "" : "\r\n";
  return encoder.encode(
    `${opening}--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${type}\r\n\r\n`,
  );
}

export function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `cohere-batches-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A part's content type: a Blob's own, else bytes. A Blob whose `type` throws fails as the data. */
function partType(source: PartSource): string {
  try {
    return "blob" in source && source.blob.type !== "" ? source.blob.type : "application/octet-stream";
  } catch (error) {
    return sourceFailure(error);
  }
}

/** The body's segments in order: each part's head and its source, then the closing boundary. */
export function framedParts(
  boundary: string,
  parts: readonly UploadPart[],
  sources: readonly PartSource[],
): (Uint8Array | PartSource)[] {
  const segments: (Uint8Array | PartSource)[] = [];
  sources.forEach((source, i) => {
    const part = parts[i] as UploadPart;
    segments.push(partHead(boundary, part, partType(source), i === 0), source);
  });
  segments.push(encoder.encode(`\r\n--${boundary}--\r\n`));
  return segments;
}
