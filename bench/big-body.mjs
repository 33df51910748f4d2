// `npm run bench:big-body`: a 200 whose body is 600 MiB, read with the default maxResponseBytes
// (64 MiB). Prints the error, the time and the process's peak RSS: memory stays bounded
// because the read stops at the cap and the connection is closed.
import { createServer } from "node:http";
import { CohereClient } from "cohere-batches";

const megabytes = Number(process.env.BODY_MIB ?? 600);
let sentMiB = 0;
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  response.on("error", () => {});
  const pump = () => {
    while (sentMiB < megabytes && !response.destroyed) {
      sentMiB++;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
    response.end();
  };
  pump();
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const client = new CohereClient({ token: "bench-token", baseUrl: `http://127.0.0.1:${server.address().port}` });
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const error = await client.batches.list().catch((e) => e);
const ms = performance.now() - started;
server.closeAllConnections();
server.close();
console.log(`${megabytes} MiB body: ${error?.name}: ${error?.message}`);
console.log(
  `${ms.toFixed(0)} ms; the server wrote ${sentMiB} MiB before the client hung up; RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
