import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { useFakeServer } from "../helpers/fake-server.js";
import { refusingPort, scriptedServer, sendJson } from "../helpers/scripted-server.js";

const server = useFakeServer();
const secret = "sk-very-secret-token-1234567890";

describe("the token never leaks", () => {
  it("is absent from errors' messages, toJSON, inspect and stacks", async () => {
    const client = new CohereClient({ token: secret, baseUrl: server.url, maxRetries: 0 });
    server.fake.inject("list", { type: "status", status: 500, body: { message: "boom" } });
    const errors = [
      await client.batches.list().catch((e: unknown) => e), // 500
      await client.batches.list().catch((e: unknown) => e), // 401: the fake does not know this token
      await client.batches.retrieve("").catch((e: unknown) => e), // bad input
      await new CohereClient({
        token: secret,
        baseUrl: `http://127.0.0.1:${await refusingPort()}`,
        maxRetries: 0,
      }).batches
        .list()
        .catch((e: unknown) => e),
    ];
    // Each call failed, each in its own way: otherwise there is nothing to check.
    expect(errors.map((error) => (error as Error).name)).toEqual([
      "InternalServerError",
      "UnauthorizedError",
      "CohereError",
      "CohereConnectionError",
    ]);
    for (const error of errors) {
      const text = [
        (error as Error).message,
        (error as Error).stack,
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
      ].join("\n");
      expect(text).not.toContain(secret);
    }
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(secret);
  });

  it("is redacted whole when one token the client sent begins another (a rotated key)", async () => {
    // The shorter was redacted first, and the longer one's rest was shown.
    const seen: string[] = [];
    const origin = await scriptedServer((request, response) => {
      const sent = String(request.headers.authorization).slice("Bearer ".length);
      if (!seen.includes(sent)) seen.push(sent);
      sendJson(response, 401, { message: `keys: ${seen.join(" ")}` });
    });
    const tokens = ["abcdefgh", "abcdefgh-SECRET-SUFFIX-xyz"];
    let calls = 0;
    const client = new CohereClient({
      token: () => tokens[Math.min(calls++, 1)] as string,
      baseUrl: origin.url,
      maxRetries: 0,
    });
    await client.batches.list().catch(() => undefined);
    const error = await client.batches.list().catch((e: unknown) => e);
    expect((error as Error).message).toBe("GET /v2/batches -> 401: keys: [REDACTED] [REDACTED]");
  });

  it("is not echoed when a token function returns something unusable", async () => {
    const client = new CohereClient({ token: () => `${secret}\n`, baseUrl: server.url });
    const error = await client.batches.list().catch((e: unknown) => e);
    expect(String((error as Error).message)).not.toContain(secret);
    expect(server.fake.requests).toHaveLength(0);
  });
});
