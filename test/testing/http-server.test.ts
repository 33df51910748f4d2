import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { FakeCohere, type FakeCohereServer, ManualClock, startFakeCohereServer } from "../../src/testing/index.node.js";

const AUTH = { authorization: "Bearer test-token" };
const servers: FakeCohereServer[] = [];

async function start(fake = new FakeCohere()): Promise<{ fake: FakeCohere; server: FakeCohereServer }> {
  const server = await startFakeCohereServer(fake);
  servers.push(server);
  return { fake, server };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// Resolves with how the raw socket ended: the bytes received and whether it errored.
function rawRequest(url: string): Promise<{ error?: string; status?: number }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers: AUTH }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      res.on("error", (error) => resolve({ status: res.statusCode ?? 0, error: error.message }));
    });
    req.on("error", (error) => resolve({ error: error.message }));
    req.end();
  });
}

// A GET to 127.0.0.1:`port` naming another `host` in its Host header, as a client that reached
// the server as `localhost:<port>` (or through a proxy) sends.
function requestWithHost(
  port: number,
  path: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { ...headers, host } }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("startFakeCohereServer", () => {
  it("listens on 127.0.0.1 on a free port and serves the fake", async () => {
    const { server } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const response = await fetch(`${server.url}/v2/batches`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ batches: [] });
  });

  it("adds CORS headers to every response, errors and faults included", async () => {
    const { fake, server } = await start();
    fake.inject("list", { type: "status", status: 429, retryAfter: "1" });
    for (const [path, headers] of [
      ["/v2/batches", AUTH],
      ["/v2/batches", {}],
      ["/nope", AUTH],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, { headers });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const exposed = response.headers.get("access-control-expose-headers") ?? "";
      for (const name of ["x-request-id", "retry-after", "retry-after-ms"]) expect(exposed).toContain(name);
      await response.arrayBuffer();
    }
  });

  it("answers CORS preflights without recording them, echoing requested headers", async () => {
    const { fake, server } = await start();
    const response = await fetch(`${server.url}/v2/batches/abc:cancel`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "Authorization, X-Custom-Thing",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, DELETE, OPTIONS");
    const allowed = (response.headers.get("access-control-allow-headers") ?? "").split(", ");
    for (const name of [
      "authorization",
      "content-type",
      "x-client-name",
      "idempotency-key",
      "x-request-id",
      "x-custom-thing",
    ]) {
      expect(allowed).toContain(name);
    }
    expect(fake.count()).toBe(0);
  });

  it("drop destroys the socket before any byte of response", async () => {
    const { fake, server } = await start();
    fake.inject("list", { type: "drop" });
    const result = await rawRequest(`${server.url}/v2/batches`);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it("reset-mid-body sends the status line, then breaks the connection", async () => {
    const { fake, server } = await start();
    fake.addBatches(3);
    fake.inject("list", { type: "reset-mid-body", afterAction: true });
    const result = await rawRequest(`${server.url}/v2/batches`);
    expect(result.status).toBe(200);
    expect(result.error).toMatch(/aborted|ECONNRESET|socket hang up/);
  });

  it("close() ends promptly while a response body is stalled, and the client sees the break", async () => {
    const { fake, server } = await start();
    fake.inject("list", { type: "stall-body" });
    const response = await fetch(`${server.url}/v2/batches`, { headers: AUTH });
    expect(response.status).toBe(200);
    const body = response.text();
    body.catch(() => undefined);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(body).rejects.toBeInstanceOf(TypeError);
  });

  it("close() ends promptly while a delayed response is pending, and is safe to call twice", async () => {
    const { fake, server } = await start();
    fake.inject("create", { type: "delay", ms: 10_000 });
    const pending = fetch(`${server.url}/v2/batches`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }),
    });
    pending.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await Promise.all([server.close(), server.close()]);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toBeInstanceOf(TypeError);
    expect(fake.listBatches()).toHaveLength(0);
  });

  it("passes the request body, method, query and headers through to the fake", async () => {
    const { fake, server } = await start();
    await fetch(`${server.url}/v2/batches?page_size=3&order_by=updated_at`, {
      headers: { ...AUTH, "X-Client-Name": "demo" },
    });
    const response = await fetch(`${server.url}/v2/batches`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json", "idempotency-key": "k" },
      body: JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" }),
    });
    expect(response.status).toBe(200);
    const [list, create] = fake.requests;
    expect(list?.url).toBe(`${server.url}/v2/batches?page_size=3&order_by=updated_at`);
    expect(list?.headers["x-client-name"]).toBe("demo");
    expect(create).toMatchObject({
      operation: "create",
      method: "POST",
      body: '{"name":"n","input_dataset_id":"d","model":"m"}',
    });
    expect(create?.headers["idempotency-key"]).toBe("k");
  });

  it("routes by the port that received a request, not by its Host header", async () => {
    const clock = new ManualClock();
    const { server } = await start(new FakeCohere({ clock, seed: 3 }));
    const created = await fetch(`${server.url}/v2/batches`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ name: "n", input_dataset_id: "seeded", model: "m" }),
    });
    const { batch } = (await created.json()) as { batch: { output_dataset_id: string } };
    clock.advance(3_600_000);
    const retrieved = await fetch(`${server.url}/v1/datasets/${batch.output_dataset_id}`, { headers: AUTH });
    const { dataset } = (await retrieved.json()) as { dataset: { dataset_parts: { url: string }[] } };
    const signed = new URL(dataset.dataset_parts[0]?.url as string);
    const downloadPort = Number(new URL(server.downloadUrl).port);
    // A signed URL reached as localhost:<port> is still a download.
    const download = await requestWithHost(downloadPort, signed.pathname + signed.search, `localhost:${downloadPort}`);
    expect(download.status).toBe(200);
    expect(download.body.startsWith("Obj\u0001")).toBe(true);
    // The download port does not serve the API, whatever the Host: a token is refused as there
    // (and recorded), and without one the path names no object.
    const withToken = await requestWithHost(downloadPort, "/v2/batches", `localhost:${downloadPort}`, AUTH);
    expect(withToken.status).toBe(400);
    expect(withToken.body).toContain("InvalidAuthentication");
    const api = await requestWithHost(downloadPort, "/v2/batches", `localhost:${downloadPort}`);
    expect(api.status).toBe(404);
    expect(api.body).toContain("NoSuchKey");
    // And the API port is the API, even when the Host names the download origin.
    const listed = await requestWithHost(server.port, "/v2/batches", new URL(server.downloadUrl).host, AUTH);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({ batches: [{ output_dataset_id: batch.output_dataset_id }] });
  });

  it.each([
    ["empty", ""],
    ["a port out of range", "x:99999"],
    ["a path", "a/b"],
    ["a host and a bare slash", "localhost:1234/"],
    ["a host and a query mark", "a?"],
    ["a host and a fragment mark", "a#"],
  ])("serves a request whose Host header is %s as any other (the port decides)", async (_, host) => {
    const { fake, server } = await start();
    const listed = await requestWithHost(server.port, "/v2/batches", host, AUTH);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({ batches: [] });
    expect(fake.requests.at(-1)).toMatchObject({ operation: "list", url: `${server.url}/v2/batches` });
  });

  it("accepts a target in absolute form, as a client sends it to a proxy (RFC 9112 3.2.2); refuses `*` and a bare word", async () => {
    const { fake, server } = await start();
    fake.addBatches(2);
    // Node's request sends a path that is a URL as the request line's target, as it is.
    const page = await requestWithHost(server.port, `${server.url}/v2/batches?page_size=1`, "elsewhere:1", AUTH);
    expect(page.status).toBe(200);
    expect((JSON.parse(page.body) as { batches: unknown[] }).batches).toHaveLength(1);
    // The target's host wins over the Host header (the request log shows what was served).
    expect(fake.requests.at(-1)).toMatchObject({ operation: "list", url: `${server.url}/v2/batches?page_size=1` });
    for (const target of ["*", "v2/batches"]) {
      const refused = await requestWithHost(server.port, target, `127.0.0.1:${server.port}`, AUTH);
      expect(refused.status).toBe(400);
    }
  });

  it("refuses a second server for a fake already served (its download origin would move)", async () => {
    const { fake, server } = await start();
    await expect(startFakeCohereServer(fake)).rejects.toThrow(`already served at ${server.url}`);
    expect(fake.downloadOrigin).toBe(server.downloadUrl);
    await server.close();
    const again = await startFakeCohereServer(fake);
    servers.push(again);
    expect(fake.downloadOrigin).toBe(again.downloadUrl);
  });

  it("refuses the second of two starts made at once, and the first's close frees the fake for a third", async () => {
    const fake = new FakeCohere();
    const [first, second] = await Promise.allSettled([startFakeCohereServer(fake), startFakeCohereServer(fake)]);
    expect(first.status).toBe("fulfilled");
    expect(second.status).toBe("rejected");
    expect(String((second as PromiseRejectedResult).reason)).toContain("already served (its server is starting)");
    const server = (first as PromiseFulfilledResult<FakeCohereServer>).value;
    servers.push(server);
    expect(fake.downloadOrigin).toBe(server.downloadUrl);
    // Freed as close() is called: a server started at once serves the fake.
    const closed = server.close();
    const third = await startFakeCohereServer(fake);
    servers.push(third);
    await closed;
    expect(fake.downloadOrigin).toBe(third.downloadUrl);
  });

  it("a start whose listen fails leaves nothing listening and the fake free", async () => {
    const { server: taken } = await start();
    const fake = new FakeCohere();
    await expect(startFakeCohereServer(fake, { port: taken.port })).rejects.toThrow(/EADDRINUSE/);
    const server = await startFakeCohereServer(fake);
    servers.push(server);
    expect(fake.downloadOrigin).toBe(server.downloadUrl);
  });

  it.each([
    [{ port: "my-port" }, "port must be an integer from 0 to 65535"],
    [{ port: -1 }, "port must be an integer from 0 to 65535"],
    [{ port: 1.5 }, "port must be an integer from 0 to 65535"],
    // It said "got null" (JSON's word for NaN and Infinity).
    [{ port: Number.NaN }, "port must be an integer from 0 to 65535, got NaN"],
    [{ port: Number.POSITIVE_INFINITY }, "port must be an integer from 0 to 65535, got Infinity"],
    [{ port: "80" }, 'port must be an integer from 0 to 65535, got "80"'],
    [{ host: 127 }, "host must be an address of this machine"],
    [{ host: "" }, "host must be an address of this machine"],
    [{ prot: 0 }, "prot is not an option"],
  ])("refuses the options %j before listening", async (options, message) => {
    await expect(startFakeCohereServer(new FakeCohere(), options as never)).rejects.toThrow(message);
  });

  it("refuses something that is not a FakeCohere before listening", async () => {
    await expect(startFakeCohereServer(undefined as never)).rejects.toThrow("fake must be a FakeCohere");
    await expect(startFakeCohereServer({} as never)).rejects.toThrow("fake must be a FakeCohere");
  });

  it("can listen on a chosen port", async () => {
    const { server: first } = await start();
    const port = first.port;
    await first.close();
    const server = await startFakeCohereServer(new FakeCohere(), { port, host: "127.0.0.1" });
    servers.push(server);
    expect(server.port).toBe(port);
  });
});
