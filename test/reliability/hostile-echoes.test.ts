import type { IncomingMessage, ServerResponse } from "node:http";
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  type ApiError,
  BadRequestError,
  CohereClient,
  CohereConnectionError,
  CohereDatasetValidationError,
  CohereError,
  CohereParseError,
  type MiddlewarePlugin,
  NotFoundError,
  ServiceUnavailableError,
} from "../../src/index.js";
import { recorder } from "../helpers/log-recorder.js";
import { outcome, refusingPort, scriptedServer, sendJson } from "../helpers/scripted-server.js";
import { everythingShown } from "../helpers/error-text.js";

// A server or proxy that echoes the token where the SDK did not look for it (a redirect's URL, a
// page token, a JSON escape), and error bodies the SDK could not read (too large, undecodable):
// API.md 7a (the token never shows) and 5 (a status is its class, whatever the body).

const token = "sk-live-0123456789abcdef-secret";
let minted = 0;
const client = (baseUrl: string, options: ConstructorParameters<typeof CohereClient>[0] = {}) =>
  new CohereClient({ token, baseUrl, maxRetries: 0, ...options });
/** A token function that mints a new token per call (the client remembers the last four it sent). */
const minting = () => `minted-${String(++minted).padStart(4, "0")}-qrstuvwxyzabcdef`;
/** The request of a run of one record. */
const oneRecordRun = {
  name: "n",
  model: "m",
  type: "batch-embed-v2-input",
  requests: [{ custom_id: "1", body: {} }],
} as const;

/**
 * What a run of one record on `api` throws when, once its create has reached the server
 * (`arrived`), six calls on the client mint six more tokens.
 */
async function runPastMintedTokens(api: CohereClient, arrived: Promise<void>, timeoutInSeconds: number) {
  const running = api.batches
    .run({ ...oneRecordRun, pollIntervalInSeconds: 0.05, timeoutInSeconds })
    .catch((e: unknown) => e);
  await arrived;
  await Promise.all(Array.from({ length: 6 }, () => api.batches.retrieve("other")));
  return running;
}

/** The id a retrieve (`GET /v2/batches/{id}`) asks for, which its answer must carry. */
const askedId = (url: URL): string | undefined =>
  /^\/v2\/batches\/([^/:]+)$/.exec(url.pathname)?.[1] && decodeURIComponent(url.pathname.slice("/v2/batches/".length));

/** Answers a run's upload (dataset ds-1) and the dataset, validated at once; false for any other request. */
function servesRunDataset(request: IncomingMessage, url: URL, response: ServerResponse): boolean {
  if (request.method === "POST" && url.pathname === "/v1/datasets") sendJson(response, 200, { id: "ds-1" });
  else if (url.pathname === "/v1/datasets/ds-1")
    sendJson(response, 200, {
      dataset: {
        id: "ds-1",
        name: "n",
        dataset_type: "batch-embed-v2-input",
        validation_status: "validated",
        created_at: "2026-12-01T00:00:00Z",
        updated_at: "2026-12-01T00:00:00Z",
      },
    });
  else return false;
  return true;
}

describe("the token never shows, wherever a server echoes it", () => {
  it.each([
    ["a host name", `http://${token}.invalid/`],
    ["a host that is no URL", `http://[${token}]/`],
    ["a path on a port out of range", `http://127.0.0.1:99999/${token}`],
  ])("in a redirect's Location, as %s", async (_, location) => {
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(302, { location });
      response.end();
    });
    const { error } = await outcome(client(origin.url).batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(CohereError);
    expect(everythingShown(error)).not.toContain(token);
  });

  it("in a redirect's host name, which the URL lowercases (real keys are mixed case)", async () => {
    const mixed = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd";
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(302, { location: `http://${mixed.toLowerCase()}.invalid/` });
      response.end();
    });
    const { error } = await outcome(
      new CohereClient({ token: mixed, baseUrl: origin.url, maxRetries: 0 }).batches.retrieve("b-1"),
    );
    expect(error).toBeInstanceOf(CohereError);
    expect(everythingShown(error).toLowerCase()).not.toContain(mixed.toLowerCase());
  });

  it("in a page token that listAll saw before", async () => {
    const origin = await scriptedServer((request, response) => {
      sendJson(response, 200, { batches: [], next_page_token: request.headers.authorization });
    });
    const walk = async () => {
      for await (const _ of client(origin.url).batches.listAll()) {
        // nothing: the pages are empty
      }
    };
    const { error } = await outcome(walk());
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/page token it had already sent/);
    expect(everythingShown(error)).not.toContain(token);
  });

  it("in an error body whose JSON escapes it otherwise than JSON.stringify does", async () => {
    const escaped = `\\u0073${token.slice(1)}`; // "\u0073k-live-...": the same string once parsed
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(`{"message":"bad key ${escaped}","echo":["${escaped}"]}`);
    });
    const { error } = await outcome(client(origin.url).batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(everythingShown(error)).not.toContain(token);
    expect((error as ApiError).body).toEqual({ message: "bad key [REDACTED]", echo: ["[REDACTED]"] });
  });
});

class QuotaError extends CohereError {
  static override readonly errorName: string = "QuotaError";
}

describe("the token never shows in what a plugin throws, or in what the log prints", () => {
  it.each([
    ["CohereConnectionError", (key: string) => new CohereConnectionError(`proxy refused ${key}`)],
    ["a user's subclass", (key: string) => new QuotaError(`quota spent for ${key}`)],
    ["CohereParseError", (key: string) => new CohereParseError(200, `{"key":"${key}"}`, [`bad key ${key}`])],
    [
      "ApiError whose body and request id quote it",
      (key: string) =>
        new BadRequestError({
          status: 400,
          body: { message: `bad key ${key}`, echo: [key] },
          headers: new Headers(),
          requestId: `req-${key}`,
        }),
    ],
    [
      "CohereError with a cause that holds it",
      (key: string) => new CohereError(`refused ${key}`, { cause: new Error(`for ${key}`) }),
    ],
  ])("a plugin's %s quoting the Authorization it read reaches the caller as thrown, cleaned", async (_, make) => {
    const origin = await scriptedServer((_request, response) => sendJson(response, 200, { batches: [] }));
    const thrown: Error[] = [];
    const plugin = {
      name: "quoting",
      handle: (request: Request) => {
        const error = make(request.headers.get("authorization") ?? "");
        thrown.push(error);
        throw error;
      },
    };
    const { error } = await outcome(client(origin.url, { middleware: [plugin] }).batches.list());
    // The class and the object are the plugin's (users match on them).
    expect(error).toBe(thrown[0]);
    expect((error as Error).constructor).toBe(thrown[0]?.constructor);
    expect((error as Error).message).toContain("Bearer [REDACTED]");
    expect(everythingShown(error)).not.toContain(token);
    expect(origin.received).toHaveLength(0);
  });

  it("a plugin's frozen CohereError quoting it is replaced by a CohereError with its message cleaned", async () => {
    const plugin = {
      name: "frozen",
      handle: (request: Request) => {
        throw Object.freeze(new CohereConnectionError(`refused ${request.headers.get("authorization")}`));
      },
    };
    const { error } = await outcome(client("http://127.0.0.1:9", { middleware: [plugin] }).batches.list());
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toContain("refused Bearer [REDACTED]");
    expect(everythingShown(error)).not.toContain(token);
  });

  it("a custom fetch's CohereError quoting the Authorization it was given is clean for the caller and the plugins around it", async () => {
    const thrown: Error[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const error = new CohereConnectionError(`proxy refused ${new Request(input, init).headers.get("authorization")}`);
      thrown.push(error);
      throw error;
    };
    const seen: string[] = [];
    const watcher = {
      name: "watcher",
      handle: (request: Request, next: (request: Request) => Promise<Response>) =>
        next(request).catch((error: unknown) => {
          seen.push(inspect(error));
          throw error;
        }),
    };
    const { error } = await outcome(client("http://127.0.0.1:9", { fetch, middleware: [watcher] }).batches.list());
    expect(error).toBe(thrown[0]);
    expect((error as Error).message).toContain("proxy refused Bearer [REDACTED]");
    expect(seen).toHaveLength(1);
    expect([everythingShown(error), ...seen].join("\n")).not.toContain(token);
  });

  it.each([200, 400])(
    "a server that echoes it in x-request-id and content-type (status %i) has it redacted in the log lines",
    async (status) => {
      const origin = await scriptedServer((request, response) => {
        const key = request.headers.authorization?.slice("Bearer ".length) ?? "";
        response.writeHead(status, { "content-type": `application/json; key=${key}`, "x-request-id": `req-${key}` });
        response.end(status === 200 ? '{"batches":[]}' : '{"message":"bad"}');
      });
      const { lines, logger } = recorder();
      await outcome(client(origin.url, { logLevel: "debug", logger }).batches.list());
      expect(lines).toHaveLength(1);
      const text = JSON.stringify(lines);
      expect(lines[0]?.data.requestId).toBe("req-[REDACTED]");
      expect(lines[0]?.data.responseHeaders).toMatchObject({
        "content-type": "application/json; key=[REDACTED]",
        "x-request-id": "req-[REDACTED]",
      });
      expect(text).not.toContain(token);
    },
  );
});

describe("the token never shows in what a call-phase plugin answers itself (a cache of earlier answers)", () => {
  const replaying = (status: number, body: string): MiddlewarePlugin => ({
    name: "replaying-cache",
    phase: "call",
    handle: async () => new Response(body, { status, headers: { "content-type": "application/json" } }),
  });

  it("a 404 whose body quotes it, replayed without next(): a NotFoundError without it", async () => {
    const cache = replaying(404, JSON.stringify({ message: `invalid api token ${token}` }));
    const { error } = await outcome(client("http://127.0.0.1:9", { middleware: [cache] }).batches.retrieve("b-1"));
    expect(NotFoundError.is(error), String(error)).toBe(true);
    expect(everythingShown(error)).not.toContain(token);
    expect((error as Error).message).toBe("GET /v2/batches/{id} -> 404: invalid api token [REDACTED]");
  });

  it("a token function's, once it has been sent: the cache's 404 replayed by the next call is a NotFoundError without it", async () => {
    const origin = await scriptedServer((request, response) =>
      sendJson(response, 404, { message: `invalid api token ${request.headers.authorization}` }),
    );
    const replayed: Response[] = [];
    const cache: MiddlewarePlugin = {
      name: "caching-404s",
      phase: "call",
      handle: async (request, next) => {
        const kept = replayed[0];
        if (kept !== undefined) return kept.clone();
        try {
          return await next(request);
        } catch (error) {
          replayed.push(
            new Response(JSON.stringify((error as ApiError).body).replace("Bearer [REDACTED]", `Bearer ${token}`), {
              status: 404,
            }),
          );
          throw error;
        }
      },
    };
    const api = new CohereClient({ token: async () => token, baseUrl: origin.url, maxRetries: 0, middleware: [cache] });
    await outcome(api.batches.retrieve("b-1"));
    const { error } = await outcome(api.batches.retrieve("b-1"));
    expect(origin.received).toHaveLength(1);
    expect(NotFoundError.is(error), String(error)).toBe(true);
    expect(everythingShown(error)).not.toContain(token);
  });

  it("a 2xx body that quotes it and fails the checks, replayed without next(): a CohereParseError without it", async () => {
    const cache = replaying(200, JSON.stringify({ batch: { id: token } }));
    const { error } = await outcome(client("http://127.0.0.1:9", { middleware: [cache] }).batches.retrieve("b-1"));
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect(everythingShown(error)).not.toContain(token);
  });
});

describe("a connection failure's stack says the call once", () => {
  it("as its message does", async () => {
    const port = await refusingPort();
    const { error } = await outcome(client(`http://127.0.0.1:${port}`).batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(CohereConnectionError);
    const firstLine = ((error as Error).stack as string).split("\n")[0] ?? "";
    expect(firstLine).toBe(`CohereConnectionError: ${(error as Error).message}`);
    expect(firstLine.match(/batches\.retrieve/g)).toHaveLength(1);
  });
});

describe("an error status stands, whatever its body", () => {
  it("a 503 whose body is over maxResponseBytes is a ServiceUnavailableError, retried", async () => {
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(503, { "content-type": "text/html", "retry-after": "0", "x-request-id": "req-1" });
      response.end(`<html>${"x".repeat(4096)}</html>`);
    });
    const { error } = await outcome(client(origin.url, { maxResponseBytes: 1024, maxRetries: 1 }).batches.list());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ApiError).requestId).toBe("req-1");
    expect(origin.received).toHaveLength(2);
  });

  it("a 404 whose gzip body does not decode is a NotFoundError", async () => {
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(404, { "content-encoding": "gzip", "content-length": "15" });
      response.end("not gzip at all");
    });
    const { error } = await outcome(client(origin.url).batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it.each([
    ["gzip", "not gzip at all"],
    ["br", "not br at all!!"],
  ])("a 200 whose %s body does not decode is a CohereParseError, not retried", async (encoding, body) => {
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(200, { "content-encoding": encoding, "content-length": String(body.length) });
      response.end(body);
    });
    const { error } = await outcome(client(origin.url, { maxRetries: 2 }).batches.retrieve("b-1"));
    expect(error).toBeInstanceOf(CohereParseError);
    expect((error as Error).message).toMatch(/cannot be decoded/);
    expect(origin.received).toHaveLength(1);
  });
});

describe("an echo in a 2xx answer that an error quotes", () => {
  /** What `waitUntilValidated` rejects with, from a server whose dataset failed validation with `fields`. */
  async function failedValidation(
    fields: (request: IncomingMessage) => Record<string, unknown>,
  ): Promise<CohereDatasetValidationError> {
    const origin = await scriptedServer((request, response) =>
      sendJson(response, 200, {
        dataset: {
          id: "ds-1",
          name: "n",
          dataset_type: "batch-embed-v2-input",
          validation_status: "failed",
          created_at: "2026-12-01T00:00:00Z",
          updated_at: "2026-12-01T00:00:00Z",
          ...fields(request),
        },
      }),
    );
    const error = await client(origin.url)
      .datasets.waitUntilValidated("ds-1", { pollIntervalInSeconds: 0.01, timeoutInSeconds: 5 })
      .catch((e: unknown) => e);
    expect(CohereDatasetValidationError.is(error), String(error)).toBe(true);
    return error as CohereDatasetValidationError;
  }

  it("a 2xx body that begins with the token: the parse error quotes no piece of it (JSON.parse quotes the body's start)", async () => {
    const origin = await scriptedServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`${token} is not a valid key`);
    });
    const { error } = await outcome(client(origin.url).batches.retrieve("b-1"));
    expect(CohereParseError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(CohereParseError);
    const shown = everythingShown(error);
    const pieces = Array.from({ length: token.length - 5 }, (_, i) => token.slice(i, i + 6));
    expect(pieces.filter((piece) => shown.includes(piece))).toEqual([]);
    expect((error as CohereParseError).issues).toEqual(["the body is not JSON"]);
  });

  it("a 2xx body that is not JSON keeps the position JSON.parse gives", async () => {
    const broken = await scriptedServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"batch":{} x');
    });
    const { error } = await outcome(client(broken.url).batches.retrieve("b-1"));
    expect((error as CohereParseError).issues).toEqual(["the body is not JSON at position 12"]);
  });

  it("a dataset that failed validation with the Authorization echoed in validation_error: CohereDatasetValidationError without it", async () => {
    const failed = await failedValidation((request) => ({
      validation_error: `line 3: unexpected header ${request.headers.authorization}`,
      validation_warnings: [`saw ${request.headers.authorization}`],
    }));
    expect(everythingShown(failed)).not.toContain(token);
    expect(failed.message).toBe("Dataset ds-1 failed validation: line 3: unexpected header Bearer [REDACTED]");
    expect(failed.validationError).toBe("line 3: unexpected header Bearer [REDACTED]");
    expect(failed.warnings).toEqual(["saw Bearer [REDACTED]"]);
    expect(failed.dataset.id).toBe("ds-1");
  });

  it.each([
    ["a token", token],
    // A new token per call: by the deadline, the one the create sent is no longer among the last four.
    [
      "a token function minting a new token per call",
      () => `minted-${String(++minted).padStart(4, "0")}-abcdefghijklmnop`,
    ],
  ] as const)(
    "a run whose batch id echoes %s: its deadline's error names the batch without it",
    async (_, supplier) => {
      const stamp = "2026-12-01T00:00:00Z";
      const origin = await scriptedServer((request, response) => {
        const url = new URL(request.url ?? "/", "http://x");
        // The id a proxy made of the token it saw (a retrieve answers for the batch asked for).
        const id = askedId(url) ?? (request.headers.authorization ?? "").slice("Bearer ".length);
        const batch = { id, name: "n", input_dataset_id: "ds-1", model: "m", status: "BATCH_STATUS_QUEUED" };
        if (servesRunDataset(request, url, response)) return;
        return sendJson(response, 200, { batch: { ...batch, created_at: stamp, updated_at: stamp } });
      });
      const error = await client(origin.url, { token: supplier })
        .batches.run({ ...oneRecordRun, pollIntervalInSeconds: 0.05, timeoutInSeconds: 0.6 })
        .catch((e: unknown) => e);
      expect((error as Error).message).toBe("run: not done within 0.6 s (queued; batch [REDACTED] goes on)");
      expect(everythingShown(error)).not.toContain(token);
      expect(everythingShown(error)).not.toContain("-abcdefghijklmnop");
    },
  );

  it("a run whose batch id echoes a token minted per call, while other calls on the client mint four more: not quoted", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    let createArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      createArrived = resolve;
    });
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const id = askedId(url) ?? (request.headers.authorization ?? "").slice("Bearer ".length);
      const batch = { id, name: "n", input_dataset_id: "ds-1", model: "m", status: "BATCH_STATUS_QUEUED" };
      if (servesRunDataset(request, url, response)) return;
      const answer = () => sendJson(response, 200, { batch: { ...batch, created_at: stamp, updated_at: stamp } });
      // The create is answered once the other calls have minted their tokens.
      if (request.method === "POST" && url.pathname === "/v2/batches") {
        createArrived();
        setTimeout(answer, 300);
      } else answer();
    });
    const error = await runPastMintedTokens(client(origin.url, { token: minting }), arrived, 1);
    expect((error as Error).message).toBe("run: not done within 1 s (queued; batch [REDACTED] goes on)");
    expect(everythingShown(error)).not.toContain("-qrstuvwxyzabcdef");
  });

  it("a run that adopts the batch its failed create made (of that create's token), after more calls minted four more: not quoted", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    let made: string | undefined;
    let createArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      createArrived = resolve;
    });
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const bearer = (request.headers.authorization ?? "").slice("Bearer ".length);
      const batch = () => ({
        id: askedId(url) ?? made,
        name: "n",
        input_dataset_id: "ds-1",
        model: "m",
        status: "BATCH_STATUS_QUEUED",
        created_at: stamp,
        updated_at: stamp,
      });
      if (servesRunDataset(request, url, response)) return;
      // The create commits a batch named after the token it saw, and answers 500.
      if (request.method === "POST" && url.pathname === "/v2/batches" && made === undefined) {
        made = bearer;
        createArrived();
        return sendJson(response, 500, { message: "oops" });
      }
      if (request.method === "GET" && url.pathname === "/v2/batches")
        return sendJson(response, 200, { batches: [batch()] });
      return sendJson(response, 200, { batch: batch() });
    });
    const api = client(origin.url, {
      token: minting,
      backoff: { initialDelayInSeconds: 0.3, maxDelayInSeconds: 0.3 },
      maxRetries: 2,
    });
    const error = await runPastMintedTokens(api, arrived, 1.5);
    expect((error as Error).message).toBe("run: not done within 1.5 s (queued; batch [REDACTED] goes on)");
    expect(everythingShown(error)).not.toContain("-qrstuvwxyzabcdef");
  });

  it("a run whose polls mint a token each, and whose batch (made of the create's token) a poll then does not find: the 404 does not quote it", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    let made = "";
    let polls = 0;
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const bearer = (request.headers.authorization ?? "").slice("Bearer ".length);
      if (servesRunDataset(request, url, response)) return;
      if (request.method === "POST" && url.pathname === "/v2/batches") made = bearer;
      const batch = { id: made, name: "n", input_dataset_id: "ds-1", model: "m", status: "BATCH_STATUS_QUEUED" };
      // Ten polls later (ten new tokens), the batch is gone, and the 404 quotes its id.
      if (request.method === "GET" && ++polls > 10)
        return sendJson(response, 404, { message: `batch ${made} not found` });
      return sendJson(response, 200, { batch: { ...batch, created_at: stamp, updated_at: stamp } });
    });
    const error = await client(origin.url, { token: minting })
      .batches.run({ ...oneRecordRun, pollIntervalInSeconds: 0.01 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("GET /v2/batches/{id} -> 404: batch [REDACTED] not found");
    expect(everythingShown(error)).not.toContain("-qrstuvwxyzabcdef");
  });

  it("a run whose batch id is made of its create's token, a token minted per call: its polls' logs, its cancel's warning and its results() do not quote it", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    let polls = 0;
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const bearer = (request.headers.authorization ?? "").slice("Bearer ".length);
      const batch = (id: string, status: string) => ({
        batch: { id, name: "n", input_dataset_id: "ds-1", model: "m", status, created_at: stamp, updated_at: stamp },
      });
      if (servesRunDataset(request, url, response)) return;
      if (request.method === "POST" && url.pathname === "/v2/batches")
        return sendJson(response, 200, batch(`b-${bearer}`, "BATCH_STATUS_QUEUED"));
      const id = decodeURIComponent(url.pathname.slice("/v2/batches/".length));
      if (request.method === "POST")
        return sendJson(response, 409, { message: `batch ${id.replace(/:cancel$/, "")} cannot be cancelled now` });
      polls++;
      return sendJson(response, 200, batch(id, polls > 7 ? "BATCH_STATUS_FAILED" : "BATCH_STATUS_IN_PROGRESS"));
    });
    const lines: unknown[] = [];
    const log = (...args: unknown[]) => lines.push(args);
    const api = client(origin.url, {
      token: minting,
      logLevel: "debug",
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const runRequest = { ...oneRecordRun, pollIntervalInSeconds: 0.01 } as const;
    const run = await api.batches.run(runRequest);
    expect(run.batch.status).toBe("BATCH_STATUS_FAILED");
    // Seven polls, seven tokens since the create's: the client's memory of four is past it.
    expect(lines.length).toBeGreaterThan(7);
    const results = await outcome(
      (async () => {
        for await (const _ of run.results());
      })(),
    );
    expect((results.error as Error).message).toBe(
      "results: batch b-[REDACTED] has no results to read: its status is BATCH_STATUS_FAILED",
    );
    // A cancel after the abort, its failure warned about in the background.
    polls = -100;
    const warned: unknown[] = [];
    const warn = vi.spyOn(console, "warn").mockImplementation((...args) => void warned.push(args));
    try {
      const controller = new AbortController();
      await outcome(
        api.batches.run({
          ...runRequest,
          cancelOnAbort: true,
          abortSignal: controller.signal,
          onProgress: ({ phase }) => {
            if (phase === "running" && polls > -95) controller.abort();
          },
        }),
      );
      await vi.waitFor(() => expect(warned.length).toBeGreaterThan(0), { timeout: 3_000 });
    } finally {
      warn.mockRestore();
    }
    const shown = inspect([lines, warned], { depth: 10, showHidden: true });
    expect(shown).not.toContain("-qrstuvwxyzabcdef");
    expect(shown).toContain("cannot be cancelled now");
  });

  it("results() of a batch whose output dataset id a server made of the token: a storage failure echoing the part's path does not quote it", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    let base = "";
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const bearer = (request.headers.authorization ?? "").slice("Bearer ".length);
      if (url.pathname.startsWith("/storage/"))
        return sendJson(response, 500, { message: `storage failed for ${decodeURIComponent(url.pathname)}` });
      if (url.pathname.startsWith("/v1/datasets/")) {
        const id = decodeURIComponent(url.pathname.slice("/v1/datasets/".length));
        const part = {
          id: "p",
          name: "part0.avro",
          index: 0,
          url: `${base}/storage/${id}/part0.avro?sig=abcdefgh12345`,
        };
        return sendJson(response, 200, {
          dataset: {
            id,
            name: "n",
            dataset_type: "embed-result",
            validation_status: "validated",
            created_at: stamp,
            updated_at: stamp,
            dataset_parts: [part],
          },
        });
      }
      return sendJson(response, 200, {
        batch: {
          id: "b-1",
          name: "n",
          input_dataset_id: "ds-1",
          model: "m",
          status: "BATCH_STATUS_COMPLETED",
          output_dataset_id: `out-${bearer}`,
          created_at: stamp,
          updated_at: stamp,
        },
      });
    });
    base = origin.url;
    const lines: unknown[] = [];
    const log = (...args: unknown[]) => lines.push(args);
    const api = client(origin.url, { logLevel: "debug", logger: { debug: log, info: log, warn: log, error: log } });
    const { error } = await outcome(
      (async () => {
        for await (const _ of api.batches.results("b-1"));
      })(),
    );
    expect((error as Error).message).toBe(
      "GET part 0 (part0.avro) of dataset out-[REDACTED] -> 500: storage failed for /storage/out-[REDACTED]/part0.avro",
    );
    expect(everythingShown(error)).not.toContain(token);
    expect(inspect(lines, { depth: 10 })).not.toContain(token);
  });

  it("a batch whose status echoes the Authorization: results' error does not quote it", async () => {
    const origin = await scriptedServer((request, response) =>
      sendJson(response, 200, {
        batch: {
          id: "b-1",
          name: "n",
          input_dataset_id: "ds-1",
          model: "embed-v4.0",
          status: `BATCH_STATUS_${request.headers.authorization}`,
          created_at: "2026-12-01T00:00:00Z",
          updated_at: "2026-12-01T00:00:00Z",
        },
      }),
    );
    const records = client(origin.url).batches.results("b-1")[Symbol.asyncIterator]();
    const error = await records.next().catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect(everythingShown(error)).not.toContain(token);
    expect((error as Error).message).toBe("results: batch b-1 has no results to read: its status is unrecognised");
  });

  it("a dataset part whose name echoes the Authorization: the part's error names it without it", async () => {
    const origin = await scriptedServer((request, response) =>
      sendJson(response, 200, {
        dataset: {
          id: "ds-1",
          name: "n",
          dataset_type: "batch-embed-v2-output",
          validation_status: "validated",
          created_at: "2026-12-01T00:00:00Z",
          updated_at: "2026-12-01T00:00:00Z",
          dataset_parts: [{ id: "p-0", name: `part-0 ${request.headers.authorization}.avro`, index: 0 }],
        },
      }),
    );
    const error = await client(origin.url)
      .datasets.records("ds-1")
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(CohereError.is(error), String(error)).toBe(true);
    expect(everythingShown(error)).not.toContain(token);
    expect((error as Error).message).toBe("part 0 (part-0 Bearer [REDACTED].avro) of dataset ds-1 has no download URL");
  });

  // Ids a server made of the echoed token, which `run` hands on to its own waits and `results()`.
  it("ids that hold the token: the waits', results' and parts' messages name them without it", async () => {
    const stamp = "2026-12-01T00:00:00Z";
    const origin = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const id = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      const status = id.startsWith("running") ? "BATCH_STATUS_IN_PROGRESS" : "BATCH_STATUS_FAILED";
      if (url.pathname.startsWith("/v2/batches/"))
        return sendJson(response, 200, {
          batch: { id, name: "n", input_dataset_id: "d", model: "m", status, created_at: stamp },
        });
      const validation_status = id.startsWith("queued") ? "queued" : "validated";
      return sendJson(response, 200, {
        dataset: {
          id,
          name: "n",
          dataset_type: "batch-embed-v2-output",
          validation_status,
          created_at: stamp,
          updated_at: stamp,
          dataset_parts: [{ id: "p-0", name: "part-0.avro", index: 0 }],
        },
      });
    });
    const api = client(origin.url);
    const wait = await api.datasets
      .waitUntilValidated(`queued-${token}`, { pollIntervalInSeconds: 0.05, timeoutInSeconds: 0.2 })
      .catch((e: unknown) => e);
    expect((wait as Error).message).toMatch(/^waitUntilValidated: dataset queued-\[REDACTED\] was not validated/);
    // waitUntilDone's said the id as it was.
    const done = await api.batches
      .waitUntilDone(`running-${token}`, { pollIntervalInSeconds: 0.05, timeoutInSeconds: 0.2 })
      .catch((e: unknown) => e);
    expect((done as Error).message).toMatch(/^waitUntilDone: batch running-\[REDACTED\] was not done after 0\.2 s/);
    expect(everythingShown(done)).not.toContain(token);
    const results = await api.batches
      .results(`b-${token}`)
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect((results as Error).message).toBe(
      "results: batch b-[REDACTED] has no results to read: its status is BATCH_STATUS_FAILED",
    );
    const part = await api.datasets
      .records(`ds-${token}`)
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect((part as Error).message).toBe("part 0 (part-0.avro) of dataset ds-[REDACTED] has no download URL");
    for (const error of [wait, results, part]) expect(everythingShown(error)).not.toContain(token);
  });

  it("a validation_error of 100,000 characters: the message quotes 500 of them, validationError keeps it whole", async () => {
    const failed = await failedValidation(() => ({ validation_error: "x".repeat(100_000) }));
    expect(failed.message).toBe(`Dataset ds-1 failed validation: ${"x".repeat(500)}…`);
    expect(failed.validationError).toHaveLength(100_000);
  });

  it("a failed dataset with 2,000 parts and no echo keeps its dataset whole", async () => {
    const parts = Array.from({ length: 2000 }, (_, index) => ({ id: `p-${index}`, name: `part ${index}`, index }));
    const failed = await failedValidation(() => ({ validation_error: "line 3: not JSON", dataset_parts: parts }));
    expect(failed.dataset.dataset_parts?.length).toBe(2000);
  });
});
