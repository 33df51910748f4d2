// A hostile server for the hostile-user soak: redirects (307 to the real fake, 303 on a POST,
// 307 to a port that refuses), a paginator that cycles tokens, status 600, a body over the cap,
// and a 400 that echoes the Authorization it received. It counts create POSTs per batch name,
// so the soak can prove that no create without an idempotency key was sent twice.
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";

/** A loopback port with nothing listening on it. */
async function refusingPort() {
  const probe = createTcpServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const cycle = { "": "A", A: "B", B: "A" };
const wireBatch = { id: "b-hostile", name: "hostile", input_dataset_id: "ds", model: "m" };

function json(response, status, body, headers = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** @param {string} fakeUrl the real fake's base URL, where 307s point */
export async function startHostileServer(fakeUrl) {
  const refused = `http://127.0.0.1:${await refusingPort()}`;
  const createPosts = new Map();
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString();
    const scenario = request.headers["x-soak-scenario"];
    if (request.method === "POST" && request.url === "/v2/batches") {
      const name = JSON.parse(body || "{}").name;
      createPosts.set(name, (createPosts.get(name) ?? 0) + 1);
    }
    switch (scenario) {
      case "redirect-307":
        response.writeHead(307, { location: `${fakeUrl}${request.url}` });
        return response.end();
      case "redirect-refused":
        response.writeHead(307, { location: `${refused}${request.url}` });
        return response.end();
      case "redirect-303":
        response.writeHead(303, { location: `${fakeUrl}/v2/batches/${wireBatch.id}` });
        return response.end();
      case "cycle": {
        const token = new URL(request.url, "http://x").searchParams.get("page_token") ?? "";
        return json(response, 200, { batches: [wireBatch], next_page_token: cycle[token] });
      }
      case "status-600":
        return json(response, 600, { message: "odd" });
      case "huge": {
        response.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent++ < 32) if (!response.write(chunk)) return void response.once("drain", pump);
          response.end();
        };
        response.on("error", () => {});
        return pump();
      }
      case "echo-token":
        return json(
          response,
          400,
          { message: `bad ${request.headers.authorization}` },
          {
            "x-echo": String(request.headers.authorization),
          },
        );
      default:
        return json(response, 404, { message: "no scenario" });
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    createPosts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
