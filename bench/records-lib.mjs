// A results download with no network in the way, for the end-to-end benches: a `fetch` that
// answers the dataset retrieve with one part and the part's download with `openBody()`, so
// `client.datasets.records(id)` runs its whole path (retrieve, download pipeline, streamed body,
// decoder, toBatchResult) over bytes already in memory or on disk.
import { CohereClient } from "../dist/node/index.mjs";

const PART_URL = "https://storage.bench.test/out-1/part-0.avro";

/** A client whose fetch serves one output dataset whose single part's body is `openBody()` (a ReadableStream). */
export function benchClient(openBody) {
  const fetch = async (request) => {
    if (request.url === PART_URL)
      return new Response(openBody(), { status: 200, headers: { "content-type": "application/octet-stream" } });
    const dataset = {
      id: "out-1",
      name: "out",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      dataset_type: "batch-chat-v2-output",
      validation_status: "validated",
      dataset_parts: [{ id: "p0", name: "part-0.avro", index: 0, url: PART_URL }],
    };
    return Response.json({ dataset });
  };
  return new CohereClient({ token: "bench", fetch, maxRetries: 0 });
}

/** A ReadableStream over `chunks` (Buffers), one chunk per pull, as a download arrives. */
export function streamOf(chunks) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]));
      else controller.close();
    },
  });
}
