// The benchmarks' one loopback server: node:http on 127.0.0.1, port 0, run as a child process
// (`fork`) that sends its port to the parent over IPC.
//
// Why a separate process: the machine has 2 cores. With the server in the client's process,
// every client's time would include the same server work, which dilutes the ratios toward 1.0
// and couples them to how the server's work interleaves with the client's. In its own process
// the server gets (roughly) the other core, and the client process's CPU time (reported next
// to wall time) is the client's work alone. The server is kept cheap (prebuilt bodies, no
// validation) so that it is not the bottleneck at concurrency 32 / 256: there, fetch's wall
// µs/call is below its sequential figure.
//
// Routes:
//   GET /v2/batches/{id}  -> {"batch":{...16 fields...}} (prebuilt bytes; the id is echoed)
//   GET /v2/batches       -> a page generated on the fly: page_token = offset, page_size (max
//                            1000), total from the `x-bench-total` request header (default
//                            100000); next_page_token is absent on the last page.
import { createServer } from "node:http";

const BATCH_ID = "0b9f3a52-6c1e-4d7a-9a43-5f2e8c7d1a90";

/** One realistic batch, every field of the spec's `Batch`, in wire (snake_case) form. */
export function batchJson(id, index = 0) {
  return (
    `{"id":"${id}","name":"nightly-eval-${index}","creator_id":"7c1e4b2a-93d5-4f0e-8b6a-2d4c9e1f3a57",` +
    `"org_id":"f3a9c2d1-5b7e-4a8c-9d0f-1e2b3c4d5e6f","status":"BATCH_STATUS_IN_PROGRESS",` +
    `"created_at":"2026-11-29T12:00:00.123456Z","updated_at":"2026-11-29T12:04:31.987654Z",` +
    `"input_dataset_id":"nightly-eval-input-9k2jd8","output_dataset_id":"nightly-eval-${index}-output-x7p3qa",` +
    `"input_tokens":"18446744073","output_tokens":"9223372036","model":"command-r-plus-08-2024",` +
    `"num_records":25000,"num_successful_records":18213,"num_failed_records":12,` +
    `"status_reason":"processing records"}`
  );
}

/** A uuid-shaped id for list item `n`, cheap to build. */
function listId(n) {
  const hex = n.toString(16).padStart(12, "0");
  return `5e0c7a1d-2b3f-4c8e-9a6d-${hex}`;
}

const retrieveHeaders = (length) => ({
  "content-type": "application/json",
  "content-length": String(length),
  "x-request-id": "req-0b9f3a52",
});

function handle(request, response) {
  const url = request.url ?? "/";
  if (request.method !== "GET" || url.startsWith("/v2/batches") === false) {
    response.writeHead(404, { "content-type": "application/json" }).end('{"message":"not found"}');
    return;
  }
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.startsWith("/v2/batches/")) {
    const id = decodeURIComponent(path.slice("/v2/batches/".length));
    const body = id === BATCH_ID ? retrieveBody : Buffer.from(`{"batch":${batchJson(id)}}`);
    response.writeHead(200, retrieveHeaders(body.length)).end(body);
    return;
  }
  const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
  const total = Number(request.headers["x-bench-total"] ?? 100_000);
  const offset = Number(query.get("page_token") || 0);
  const size = Math.min(Number(query.get("page_size") || 50), 1000);
  const end = Math.min(offset + size, total);
  const items = [];
  for (let n = offset; n < end; n++) items.push(batchJson(listId(n), n));
  const next = end < total ? `,"next_page_token":"${end}"` : "";
  const body = Buffer.from(`{"batches":[${items.join(",")}]${next}}`);
  response.writeHead(200, retrieveHeaders(body.length)).end(body);
}

const retrieveBody = Buffer.from(`{"batch":${batchJson(BATCH_ID)}}`);

/** Starts the server in this process; resolves with its base URL. */
export async function listen() {
  const server = createServer({ keepAliveTimeout: 60_000 }, handle);
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, baseUrl: `http://127.0.0.1:${server.address().port}` };
}

export { BATCH_ID };

// As a child process: listen, report the URL, exit when the parent goes.
if (process.send !== undefined && process.argv[2] === "--child") {
  const { baseUrl } = await listen();
  process.send({ baseUrl });
  process.on("disconnect", () => process.exit(0));
}
