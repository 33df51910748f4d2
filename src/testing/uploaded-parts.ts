/**
 * The download parts of uploaded datasets. Cohere gives every validated dataset's parts download
 * URLs (its Python SDK reads any dataset's parts as Avro), so once an upload is `validated`, each
 * `.jsonl` file of it (`data` is part 0, `eval_data` part 1) is served by the download origin
 * like an output dataset's parts: signed, expiring URLs, written with the same codec and block
 * size, and written once, at its first download.
 *
 * A part is an Avro object container file of the lines validation kept, in file order (a line
 * dropped under `skip_malformed_input` is not in it), one record per line. Its schema is a record
 * of every top-level key of the file's kept lines that the dataset retains (the type's required
 * fields, `keep_fields` and `optional_fields`; see `retained`), in the order first seen, each a nullable
 * string: a string value as it is, any other value as its JSON text (`{"texts":["a"]}`, `5`,
 * `true`), `null` where a line lacks the key or holds `null`. So a batch input line
 * `{ custom_id, body }` is stored as `{ custom_id, body: <body's JSON text> }`, and
 * `datasets.records()`, which parses `body` JSON text, yields it back as uploaded. A key that is
 * not an Avro name (`[A-Za-z_][A-Za-z0-9_]*`) is left out. `.csv` and `.txt` files are not parsed
 * by the fake's validation, so their parts have no URL.
 *
 * @packageDocumentation
 */
import { writeAvroContainer } from "./avro-writer.js";
import { keptRecords, requiredFields } from "./checked-lines.js";
import type { DatasetRecord, DatasetStore } from "./dataset-store.js";
import type { DatasetUpload } from "./dataset-upload.js";
import type { DownloadOrigin } from "./download-origin.js";
import { msToMicros } from "./timestamp.js";

/** What the parts need: the uploads, the download origin, and how files are written. */
export interface UploadedPartsParts {
  readonly store: DatasetStore;
  readonly downloads: DownloadOrigin;
  readonly writeOptions: { readonly codec: "deflate" | "null"; readonly blockRecords: number };
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The parts of the uploaded datasets, as the download origin serves them.
 *
 * @example
 * ```ts
 * const url = uploaded.url(record, 0, clock.now()); // a signed URL for a `.jsonl` part
 * const bytes = await uploaded.partBytes(record.id, 0, clock.now()); // once validated
 * ```
 */
export class UploadedParts {
  readonly #parts: UploadedPartsParts;
  // Keyed by the stored record: a deleted (or reset) dataset's files go with it.
  readonly #written = new WeakMap<DatasetRecord, Promise<Uint8Array<ArrayBuffer>>[]>();

  constructor(parts: UploadedPartsParts) {
    this.#parts = parts;
  }

  /** The signed URL of part `index` of `record`, handed out at `nowMs`; `undefined` for a part without one. */
  url(record: DatasetRecord, index: number, nowMs: number): string | undefined {
    return served(record, index) === undefined ? undefined : this.#parts.downloads.url(record.id, index, nowMs);
  }

  /**
   * The bytes of part `index` of uploaded dataset `datasetId` at `nowMs`: `undefined` unless it
   * is stored (not deleted), validated, and the part has a URL.
   */
  partBytes(datasetId: string, index: number, nowMs: number): Promise<Uint8Array<ArrayBuffer>> | undefined {
    const { store, writeOptions } = this.#parts;
    const record = store.get(datasetId);
    if (record === undefined || store.status(record, msToMicros(nowMs)).status !== "validated") return undefined;
    const file = served(record, index);
    if (file === undefined) return undefined;
    const written = this.#written.get(record) ?? [];
    this.#written.set(record, written);
    written[index] ??= writePart(file, record.upload, writeOptions);
    return written[index];
  }
}

/** The uploaded file of part `index` of `record`, if that part has a URL (a `.jsonl` file). */
function served(record: DatasetRecord, index: number): File | undefined {
  const { data, evalData } = record.upload;
  const file = index === 0 ? data : index === 1 ? evalData : undefined;
  return file?.name.toLowerCase().endsWith(".jsonl") ? file : undefined;
}

/** The Avro file of `file`'s kept lines (see the module's documentation for the schema). */
async function writePart(
  file: File,
  upload: DatasetUpload,
  options: UploadedPartsParts["writeOptions"],
): Promise<Uint8Array<ArrayBuffer>> {
  const lines = await keptRecords(file, file.name, upload);
  const keys = new Set<string>();
  const kept = retained(upload);
  for (const record of lines)
    for (const key of Object.keys(record)) if (AVRO_NAME.test(key) && kept(key)) keys.add(key);
  const fields = [...keys].map((name) => ({ name, type: ["null", "string"], default: null }));
  const schema = { type: "record", name: "UploadedRecord", fields };
  const records = lines.map((line) => Object.fromEntries([...keys].map((key) => [key, fieldValue(line[key])])));
  return writeAvroContainer(schema, records, options);
}

function fieldValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Which fields a part keeps. The spec: "By default the Dataset will retain only the required
 * fields indicated in the schema for the corresponding Dataset type" (`requiredFields`), plus
 * `keep_fields` and `optional_fields`; of a type whose required fields are not known, every field.
 */
function retained(upload: DatasetUpload): (key: string) => boolean {
  const required = requiredFields(upload.type);
  if (required.length === 0) return () => true;
  const kept = new Set([...required, ...upload.keepFields, ...upload.optionalFields]);
  return (key) => kept.has(key);
}
