/** An output dataset as `GET /v1/datasets` shows it: named and typed after the batch that wrote it. */
import type { WireDataset } from "./dataset-wire.js";
import type { OutputFile } from "./output-files.js";
import type { WireBatch } from "./wire.js";

/** The wire form of `batch`'s output dataset, its parts `files` behind the URLs `partUrl` signs. */
export function outputDatasetWire(
  batch: WireBatch,
  files: OutputFile[],
  partUrl: (index: number) => string,
): WireDataset {
  const id = batch.output_dataset_id;
  return {
    id,
    name: `${batch.name}-output`,
    created_at: batch.updated_at,
    updated_at: batch.updated_at,
    dataset_type: outputType(batch),
    validation_status: "validated",
    validation_warnings: [],
    required_fields: [],
    preserve_fields: [],
    dataset_parts: files.map((file, index) => ({
      id: `${id}-part-${index}`,
      name: `part-${index}.avro`,
      index,
      size_bytes: file.bytes.byteLength,
      num_rows: file.rows,
      url: partUrl(index),
    })),
  };
}

export function outputType(batch: WireBatch): string {
  return batch.model.includes("embed") ? "batch-embed-v2-output" : "batch-chat-v2-output";
}
