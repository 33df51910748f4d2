// `datasets.records(id)` and `batches.results(id)`: a dataset's parts downloaded from their signed
// URLs, in `index` order, and decoded as they arrive, one Avro block in memory at a time.
import { runtime } from "#platform";
import type { ApiClient } from "../core/api-client.js";
import { ApiError } from "../core/errors/api-error.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { CohereConnectionError } from "../core/errors/connection-error.js";
import { CohereTimeoutError } from "../core/errors/timeout-error.js";
import type { RequestOptions } from "../core/request-options.js";
import { type BatchResult, toBatchResult } from "../internal/decoders/batch-result.js";
import { loadAvroDecoder } from "../internal/decoders/load-avro.js";
import { loadOperations } from "../resources/datasets/raw-datasets-client.js";
import type { DatasetPart } from "../resources/datasets/types.js";

/** Statuses a storage host answers for an expired or refused signed URL: fresh URLs may pass. */
const refusedUrlStatuses = new Set([400, 403]);

type Decode = (body: AsyncIterable<Uint8Array>, part: string) => AsyncIterable<unknown>;

/** What reading one dataset needs: where its parts are, and how to get fresh URLs for them. */
interface DatasetReading {
  readonly api: ApiClient;
  readonly id: string;
  readonly options: RequestOptions | undefined;
  readonly decode: Decode;
  parts: DatasetPart[];
}

/**
 * Every record of dataset `id`, part by part. Nothing is fetched until the first `next()`.
 *
 * @remarks
 * A part refused by its host (400, 403: an expired signed URL) makes it retrieve the dataset
 * once for fresh URLs and read that part again; a body that breaks off mid-part is read again up
 * to `maxRetries` times. Either way the records of the part already yielded are skipped, so no
 * record is yielded twice.
 */
export async function* readDatasetRecords(
  api: ApiClient,
  id: string,
  options?: RequestOptions,
): AsyncGenerator<BatchResult, void, undefined> {
  const reading: DatasetReading = { api, id, options, decode: await decoder(), parts: await partsOf(api, id, options) };
  for (let position = 0; position < reading.parts.length; position++) yield* readPart(reading, position);
}

async function decoder(): Promise<Decode> {
  const { decodeAvroContainer, MAX_BLOCK_BYTES } = await loadAvroDecoder();
  const inflateRaw = runtime.nativeInflateRaw?.(MAX_BLOCK_BYTES);
  return (body, part) => decodeAvroContainer(body, inflateRaw === undefined ? { part } : { part, inflateRaw });
}

/** The dataset's parts in `index` order, each with a download URL. */
async function partsOf(api: ApiClient, id: string, options: RequestOptions | undefined): Promise<DatasetPart[]> {
  // Loaded, not imported: a static import of a lazy chunk makes the bundler split shared chunks.
  const { dataset } = (await (await loadOperations()).retrieve(api, id, options)).data;
  const parts = [...(dataset.dataset_parts ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const missing = parts.find((part) => typeof part.url !== "string" || part.url === "");
  if (missing !== undefined) throw new CohereError(`${describePart(id, missing)} has no download URL`);
  return parts;
}

async function* readPart(reading: DatasetReading, position: number): AsyncGenerator<BatchResult, void, undefined> {
  const maxRetries = reading.api.resolveOptions(reading.options).maxRetries;
  let yielded = 0;
  let refreshed = false;
  let resumed = 0;
  for (;;) {
    const part = reading.parts[position] as DatasetPart;
    const label = describePart(reading.id, part);
    let receiving = false;
    try {
      const { body } = await reading.api.download(
        { operation: "datasets.download", url: part.url as string },
        reading.options,
      );
      receiving = true;
      // One refresh per refusal: a fresh URL that worked may expire again later.
      refreshed = false;
      let seen = 0;
      for await (const record of reading.decode(body, label)) {
        if (seen++ < yielded) continue;
        yielded++;
        yield toBatchResult(record, label);
      }
      return;
    } catch (error) {
      if (!refreshed && error instanceof ApiError && refusedUrlStatuses.has(error.status)) {
        refreshed = true;
        reading.parts = await partsOf(reading.api, reading.id, reading.options);
        if (reading.parts.length <= position) throw new CohereError(`${label} is gone from the refreshed dataset`);
        continue;
      }
      if (!receiving || resumed >= maxRetries || !brokeOff(error)) throw error;
      resumed++;
    }
  }
}

/** A body that stopped coming (reset, stalled, cut short): the part can be read again. */
function brokeOff(error: unknown): boolean {
  return error instanceof CohereConnectionError || error instanceof CohereTimeoutError;
}

function describePart(id: string, part: DatasetPart): string {
  return `part ${part.index ?? "?"} (${part.name}) of dataset ${id}`;
}
