/**
 * The files of an output dataset: the batch's output records (see output-records.ts), split into
 * parts, each an Avro object container file.
 *
 * @packageDocumentation
 */
import { writeAvroContainer } from "./avro-writer.js";
import { keptRecords } from "./checked-lines.js";
import type { DatasetRecord } from "./dataset-store.js";
import { type InputLine, OUTPUT_SCHEMA, outputRecords } from "./output-records.js";
import type { WireBatch } from "./wire.js";

/** How to write them. */
export interface OutputFileSettings {
  readonly parts: number;
  readonly codec: "deflate" | "null";
  readonly blockRecords: number;
  readonly failEveryNth: number;
}

/** One written part: its bytes, and how many records it holds (the part's `num_rows`). */
export interface OutputFile {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly rows: number;
}

/**
 * The most records the fake writes for one output dataset. Its files are written in memory when
 * first read (a million records took 18 s and 900 MiB; a batch seeded with 30 million ran the
 * process out of memory), so a batch's `num_records` is kept to this where it is set
 * (`addBatches`, `lifecycle.numRecords`); an uploaded dataset of more lines feeds a batch whose
 * output, read, answers a 500 that says so.
 */
export const MAX_OUTPUT_RECORDS = 100_000;

/**
 * One file per part for `batch`, from the lines of its uploaded `input` (a seeded batch, with no
 * upload, gets made-up lines `"1"`, `"2"`, ...): `num_records` records in all.
 *
 * @throws RangeError (the promise rejects) for a batch of more than {@link MAX_OUTPUT_RECORDS} records.
 */
export async function writeOutputFiles(
  batch: WireBatch,
  input: DatasetRecord | undefined,
  settings: OutputFileSettings,
): Promise<OutputFile[]> {
  const count = batch.num_records ?? 0;
  if (count > MAX_OUTPUT_RECORDS)
    throw new RangeError(
      `the fake writes output datasets of at most ${MAX_OUTPUT_RECORDS} records in memory; batch ${batch.id} has ${count}: seed or configure fewer num_records`,
    );
  const lines = input === undefined ? [] : await keptLines(input);
  const padded = Array.from({ length: count }, (_, i): InputLine => lines[i] ?? { custom_id: String(i + 1) });
  const embed = input === undefined ? batch.model.includes("embed") : input.upload.type.includes("embed");
  const records = outputRecords({ lines: padded, embed, failEveryNth: settings.failEveryNth });
  const { parts, codec, blockRecords } = settings;
  const perPart = Math.max(1, Math.ceil(records.length / parts));
  const chunks = [];
  for (let start = 0; start < records.length || chunks.length === 0; start += perPart)
    chunks.push(records.slice(start, start + perPart));
  return Promise.all(
    chunks.map(async (chunk) => ({
      bytes: await writeAvroContainer(OUTPUT_SCHEMA, chunk, { codec, blockRecords }),
      rows: chunk.length,
    })),
  );
}

/**
 * The lines of `input`'s data that validation kept, as objects: a line it dropped under
 * `skip_malformed_input` (a repeated `custom_id`, none at all) is no request, and has no output
 * record. (Only lines that were not JSON were left out: a batch over `a`, `a`, `c` answered
 * `a` twice and never `c`.)
 */
async function keptLines({ upload }: DatasetRecord): Promise<InputLine[]> {
  // A kept line that is not JSON (a CSV or text file's) has a made-up record (see `padded`).
  return (await keptRecords(upload.data, upload.data.name, upload)) as InputLine[];
}
