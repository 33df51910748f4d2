// batches.run never leaves two batches behind, even on a server that ignores Idempotency-Key:
// after a create attempt that may have reached the server, it adopts the batch reading its dataset.
import type { IncomingMessage } from "node:http";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import {
  BadRequestError,
  CohereAbortError,
  CohereClient,
  CohereError,
  CohereParseError,
  CohereTimeoutError,
  GatewayTimeoutError,
  type Middleware,
  type MiddlewarePlugin,
  type RetryInfo,
  type RunProgress,
} from "../../src/index.js";
import { outcome, refusingPort, scriptedServer, sendJson } from "../helpers/scripted-server.js";
import { embedRequests, useResultsFake } from "../helpers/results-fake.js";

const env = useResultsFake();

function request() {
  return {
    name: "no-dup",
    model: "embed-v4.0",
    type: "batch-embed-v2-input",
    requests: embedRequests(10),
    pollIntervalInSeconds: 0.005,
    onProgress: (_: RunProgress) => env.clock.advance(1_000),
  };
}

/** An answer of the proxy's: a status, its headers, its text. */
interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  text?: string;
}

/**
 * A proxy in front of the fake (its own origin on 127.0.0.1): `intercept` may answer a request
 * itself, before or after passing it on with `forward()`; what it leaves is passed on as it is.
 */
function fakeBehindProxy(
  intercept: (request: IncomingMessage, forward: () => Promise<ProxyAnswer>) => Promise<ProxyAnswer | undefined>,
) {
  return scriptedServer(async (request, response, body) => {
    const forward = async (): Promise<ProxyAnswer> => {
      const headers = new Headers();
      for (const name of ["authorization", "content-type", "idempotency-key"]) {
        const value = request.headers[name];
        if (typeof value === "string") headers.set(name, value);
      }
      const answer = await fetch(`${env.server.url}${request.url}`, {
        method: request.method ?? "GET",
        headers,
        body: request.method === "GET" || request.method === "HEAD" ? null : body,
      });
      return { status: answer.status, text: await answer.text() };
    };
    const {
      status,
      headers = { "content-type": "application/json" },
      text = "",
    } = (await intercept(request, forward)) ?? (await forward());
    response.writeHead(status, headers);
    response.end(text);
  });
}

/** Waits until every batch but `kept` is cancelled (there is exactly one other). */
function othersCancelled(kept?: string) {
  return vi.waitFor(
    () =>
      expect(
        env.fake
          .listBatches()
          .filter((b) => b.id !== kept)
          .map((b) => b.status),
      ).toEqual(["BATCH_STATUS_CANCELING"]),
    { timeout: 5_000 },
  );
}

const lostAnswers = {
  "a 500 after the server created the batch": { type: "status", status: 500, afterAction: true },
  "a dropped connection after the server created the batch": { type: "drop", afterAction: true },
  "a connection reset mid-answer after the server created the batch": { type: "reset-mid-body", afterAction: true },
} as const;

describe("run: one batch only when the create answer was lost", () => {
  for (const ignoreKeys of [true, false]) {
    for (const [what, fault] of Object.entries(lostAnswers)) {
      it(`${what} (${ignoreKeys ? "server ignores" : "server honours"} Idempotency-Key): one batch, adopted`, async () => {
        env.fake.ignoreIdempotencyKeys = ignoreKeys;
        env.fake.inject("create", fault);
        const run = await env.client().batches.run(request());
        expect(env.fake.listBatches().length).toBe(1);
        expect(run.batch.id).toBe(env.fake.listBatches()[0]?.id);
        expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
        expect(env.fake.count("list")).toBeGreaterThan(0);
        env.fake.ignoreIdempotencyKeys = false;
      });
    }
  }

  // A proxy answers 503 after an upstream reset, once the backend acted; a server that ignores
  // the key may also say 429 after acting. Only a refusal before sending spares the list walk.
  for (const status of [503, 429]) {
    it(`a ${status} after the server created the batch (server ignores Idempotency-Key): one batch, adopted`, async () => {
      env.fake.ignoreIdempotencyKeys = true;
      env.fake.inject("create", { type: "status", status, retryAfter: "0", afterAction: true });
      const run = await env.client().batches.run(request());
      expect(env.fake.count("list")).toBeGreaterThan(0);
      expect(env.fake.listBatches().length).toBe(1);
      expect(run.batch.id).toBe(env.fake.listBatches()[0]?.id);
      env.fake.ignoreIdempotencyKeys = false;
    });
  }

  it("a 200 whose body fails the checks made the batch: the run fails, and the batch it never learnt of is cancelled", async () => {
    env.fake.inject("create", { type: "malformed-body" });
    const { error } = await outcome(env.client().batches.run(request()));
    expect(CohereParseError.is(error), String(error)).toBe(true);
    await othersCancelled();
  });

  it("a plugin that fails the create after it was sent (its answer in, or given up on): the batch is cancelled, not left", async () => {
    // The failure was a plain CohereError ("Middleware ... failed"), which said nothing of the
    // server: the run rejected, and the batch the create made ran for nobody.
    const audit: Middleware = async (request, next, context) => {
      const response = await next(request);
      if (context.operation === "batches.create") throw new Error("audit sink unavailable");
      return response;
    };
    const { error } = await outcome(env.client({ middleware: [audit] }).batches.run(request()));
    expect((error as Error).message).toMatch(/Middleware "audit" failed: audit sink unavailable/);
    await othersCancelled();
  });

  it("a plugin that fails the create before it is sent: nothing is watched for, nothing listed", async () => {
    const refusing: Middleware = async (request, next, context) => {
      if (context.operation === "batches.create") throw new Error("not today");
      return next(request);
    };
    // Marked: an earlier test's watch may still look at the list of the same fake.
    const client = env.client({ middleware: [refusing], headers: { "x-test": "refused-create" } });
    const { error } = await outcome(client.batches.run(request()));
    expect((error as Error).message).toMatch(/Middleware "\S+" failed: not today/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === "refused-create");
    expect(ours.map((sent) => sent.operation)).toContain("datasets.create");
    expect(ours.map((sent) => sent.operation)).not.toContain("create");
    expect(ours.map((sent) => sent.operation)).not.toContain("list");
  });

  // Each counted the create as sent, though fetch refused it: the run watched a minute for a
  // batch nobody made (3 lists within 6 s, and Node kept alive).
  it.each([
    [
      "a plugin that read the create's body before next()",
      {
        middleware: [
          (async (request, next, context) => {
            if (context.operation === "batches.create") await request.text();
            return next(request);
          }) as Middleware,
        ],
      },
      /fetch refused the request/,
    ],
    [
      "a plugin that sent the create to a port fetch blocks",
      {
        middleware: [
          {
            name: "port",
            attempt: (request, next, context) =>
              next(
                context.operation === "batches.create"
                  ? new Request(request.url.replace(/:\d+\//, ":6000/"), request)
                  : request,
              ),
          } as MiddlewarePlugin,
        ],
      },
      /fetch refused the request: .*bad port/,
    ],
  ])("%s: fetch refused it, nothing is watched for, nothing listed", async (_, options, message) => {
    const client = env.client({ ...options, headers: { "x-test": "fetch-refused-create" } });
    const { error } = await outcome(client.batches.run(request()));
    expect((error as Error).message).toMatch(message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === "fetch-refused-create");
    expect(ours.map((sent) => sent.operation)).toContain("datasets.create");
    expect(ours.map((sent) => sent.operation)).not.toContain("create");
    expect(ours.map((sent) => sent.operation)).not.toContain("list");
  });

  it("a user's fetch that sends the create again itself, refused the second time: the batch the first made is cancelled", async () => {
    // Its refusal was taken as "nothing sent": the run neither adopted nor watched for the batch.
    env.fake.inject("create", { type: "status", status: 500, afterAction: true });
    const retrying = async (input: Request) => {
      const answer = await fetch(input);
      if (answer.status < 500) return answer;
      await answer.arrayBuffer();
      return fetch(input); // the same Request, its body used: refused
    };
    const { error } = await outcome(env.client({ fetch: retrying }).batches.run(request()));
    expect((error as Error).message).toMatch(/fetch refused the request: Cannot construct a Request/);
    await othersCancelled();
  });

  it.each([
    ["a plugin's", 0],
    ["a plugin's", 2],
    ["a user's fetch's", 0],
    ["a user's fetch's", 2],
  ] as const)(
    "%s failover to a host that refuses the connection, after a 500 that made the batch (maxRetries %i): one batch, none left running",
    async (whose, maxRetries) => {
      // The refusal looked like a create that never left: the run neither watched nor walked the
      // list (maxRetries 0: the batch ran for nobody; 2: sent again, two batches).
      env.fake.ignoreIdempotencyKeys = true;
      onTestFinished(() => {
        env.fake.ignoreIdempotencyKeys = false;
      });
      env.fake.inject("create", { type: "status", status: 500, afterAction: true });
      const deadPort = await refusingPort();
      // The create's first send, then, after a 5xx, the same on the refusing port.
      const failingOver =
        (send: (request: Request) => Promise<Response>) =>
        async (request: Request): Promise<Response> => {
          const copy = request.clone();
          const answer = await send(request);
          if (answer.status < 500 || copy.method !== "POST" || !copy.url.endsWith("/v2/batches")) return answer;
          await answer.arrayBuffer();
          return send(new Request(copy.url.replace(/:\d+\//, `:${deadPort}/`), copy));
        };
      const failover: MiddlewarePlugin = {
        name: "failover",
        attempt: (request, next) => failingOver(next)(request),
      };
      const sending = whose === "a plugin's" ? { middleware: [failover] } : { fetch: failingOver(fetch) };
      const { value: run } = await outcome(env.client({ ...sending, maxRetries }).batches.run(request()));
      if (maxRetries === 0) await othersCancelled();
      else expect(env.fake.listBatches().map((b) => b.id)).toEqual([run?.batch.id]);
    },
  );

  it("a caller's abort made in shouldRetry after a plugin failed the sent create (cancelOnAbort): the batch is cancelled", async () => {
    // The abort, seen after the failure was judged, made it the run's end: no watch, and the
    // batch ran for nobody.
    const abort = new AbortController();
    const audit: MiddlewarePlugin = {
      name: "audit",
      attempt: async (request, next, context) => {
        const answer = await next(request);
        if (context.operation === "batches.create") throw new Error("audit sink down");
        return answer;
      },
    };
    const shouldRetry = ({ operation }: RetryInfo) => {
      if (operation === "batches.create") abort.abort();
      return false;
    };
    const { error } = await outcome(
      env
        .client({ middleware: [audit], shouldRetry })
        .batches.run({ ...request(), cancelOnAbort: true, abortSignal: abort.signal }),
    );
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    await othersCancelled();
  });

  it("a plugin that puts a cached batch in place of the server's 201: the batch the create made is cancelled", async () => {
    const [cached] = env.fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    const cache: MiddlewarePlugin = {
      name: "cache",
      call: async (request, next, context) => {
        const answer = await next(request);
        return context.operation === "batches.create" ? Response.json({ batch: cached }) : answer;
      },
    };
    const run = await env.client({ middleware: [cache] }).batches.run(request());
    expect(run.batch.id).toBe(cached?.id);
    await othersCancelled(cached?.id);
  });

  it("a plugin's body longer than its Content-Length (the server had the whole create): the batch is cancelled", async () => {
    // undici fails as the extra byte goes, once the server has read the create: taken for a
    // refusal before sending, the batch ran for nobody.
    const encoder = new TextEncoder();
    const restream: MiddlewarePlugin = {
      name: "restream",
      attempt: async (request, next, context) => {
        if (context.operation !== "batches.create") return next(request);
        const json = encoder.encode(await request.text());
        const body = new ReadableStream({
          start(controller) {
            controller.enqueue(json);
            controller.enqueue(encoder.encode("\n"));
            controller.close();
          },
        });
        const headers = new Headers(request.headers);
        headers.set("content-length", String(json.byteLength));
        return next(new Request(request.url, { method: request.method, headers, body, duplex: "half" } as RequestInit));
      },
    };
    const { error } = await outcome(env.client({ middleware: [restream] }).batches.run(request()));
    expect((error as Error).message).toMatch(/content-length/i);
    await othersCancelled();
  });

  it.each([
    ["an attempt that timed out in the token function", "token"],
    ["a plugin's own 503 in place of the create, which never left", "plugin-503"],
  ])("%s, the create then sent once: the run completes and nothing is watched for", async (_, how) => {
    // Taken for a create that may have reached the server: the list was walked, and a minute's
    // watch ran after the run resolved (6 lists, Node kept alive 57 s).
    let stalled = false;
    const token = async () => {
      if (how === "token" && creating && !stalled) {
        stalled = true;
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      }
      return "test-token";
    };
    let creating = false;
    let answered = false;
    const plugin: MiddlewarePlugin = {
      name: "breaker",
      call: (request, next, context) => {
        if (context.operation !== "batches.create") return next(request);
        creating = true;
        if (how === "plugin-503" && !answered) {
          answered = true;
          return Promise.resolve(
            new Response('{"message":"circuit open"}', { status: 503, headers: { "retry-after": "0" } }),
          );
        }
        return next(request);
      },
    };
    const client = env.client({ token, timeoutInSeconds: 1.5, middleware: [plugin], headers: { "x-test": how } });
    const run = await client.batches.run(request());
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === how);
    expect(ours.filter((sent) => sent.operation === "create")).toHaveLength(1);
    expect(ours.map((sent) => sent.operation)).not.toContain("list");
  });

  it.each(["the run's deadline", "the caller's abort (cancelOnAbort)"])(
    "%s while a plugin holds the create before sending it: nothing is watched for",
    async (how) => {
      // Taken for a create in flight: a watch of a minute (after the deadline) or 7.5 s (after
      // the abort) listed for a batch nothing could have made.
      const abort = new AbortController();
      // Held until the run has failed; its next() then is refused (the call has ended).
      let entered = false;
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holds: MiddlewarePlugin = {
        name: "holds",
        call: async (request, next, context) => {
          if (context.operation === "batches.create") {
            entered = true;
            if (how !== "the run's deadline") setTimeout(() => abort.abort(), 50);
            await released;
          }
          return next(request);
        },
      };
      const tag = how === "the run's deadline" ? "held-deadline" : "held-abort";
      const client = env.client({ middleware: [holds], headers: { "x-test": tag } });
      const { error } = await outcome(
        client.batches.run({
          ...request(),
          ...(how === "the run's deadline"
            ? { timeoutInSeconds: 1.5 }
            : { cancelOnAbort: true, abortSignal: abort.signal }),
        }),
      );
      expect(
        how === "the run's deadline" ? CohereTimeoutError.is(error) : CohereAbortError.is(error),
        String(error),
      ).toBe(true);
      release();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === tag);
      expect(ours.map((sent) => sent.operation)).toContain("datasets.create");
      expect(entered).toBe(true);
      expect(ours.map((sent) => sent.operation)).not.toContain("create");
      expect(ours.map((sent) => sent.operation)).not.toContain("list");
    },
  );

  it("a plugin that answers with a cached batch while the create it sent is in flight: the batch the server makes is cancelled", async () => {
    // The run reported the plugin's batch; the one the create made ran for nobody.
    const [cached] = env.fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    env.fake.inject("create", { type: "delay", ms: 200 });
    const racer: MiddlewarePlugin = {
      name: "racer",
      call: (request, next, context) => {
        if (context.operation !== "batches.create") return next(request);
        const sent = next(request);
        sent.catch(() => {});
        return Promise.race([
          sent,
          new Promise<Response>((resolve) => setTimeout(() => resolve(Response.json({ batch: cached })), 50)),
        ]);
      },
    };
    const run = await env.client({ middleware: [racer] }).batches.run(request());
    expect(run.batch.id).toBe(cached?.id);
    await othersCancelled(cached?.id);
  });

  it("the caller's idempotencyKey goes with the upload alone: the create, the polls, the list and the cancel carry none of it", async () => {
    // The cancel of cancelOnAbort carried the upload's key: a server that ties a key to one
    // request answers it with the upload's replay or a 422, and the batch runs on.
    const abort = new AbortController();
    const run = request();
    const client = env.client({ headers: { "x-test": "upload-key" } });
    const { error } = await outcome(
      client.batches.run(
        {
          ...run,
          cancelOnAbort: true,
          abortSignal: abort.signal,
          onProgress: ({ phase }: RunProgress) => {
            env.clock.advance(200);
            if (phase === "queued") setTimeout(() => abort.abort(), 5);
          },
        },
        { idempotencyKey: "nightly-upload-1" },
      ),
    );
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    await vi.waitFor(() => expect(env.fake.requests.map((sent) => sent.operation)).toContain("cancel"), {
      timeout: 5_000,
    });
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === "upload-key");
    const keyed = ours.filter((sent) => sent.headers["idempotency-key"] === "nightly-upload-1");
    expect(keyed.map((sent) => sent.operation)).toEqual(["datasets.create"]);
    expect(ours.map((sent) => sent.operation)).toContain("cancel");
  });

  it("a server's 400 a plugin passes on after its resend was refused: nothing is watched for", async () => {
    // The resend fetch refused was taken back, but not the server's status before it: the 400
    // looked like a plugin's own, and the run listed for a minute.
    env.fake.inject("create", { type: "status", status: 400 });
    const again: MiddlewarePlugin = {
      name: "again",
      attempt: async (request, next) => {
        const answer = await next(request);
        return answer.ok ? answer : next(request).catch(() => answer);
      },
    };
    const client = env.client({ middleware: [again], headers: { "x-test": "server-400" } });
    const { error } = await outcome(client.batches.run(request()));
    expect(BadRequestError.is(error), String(error)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === "server-400");
    expect(ours.map((sent) => sent.operation)).toContain("datasets.create");
    expect(ours.map((sent) => sent.operation)).not.toContain("list");
  });

  it("a create whose call a plugin gave up on while a token function ran: nothing is sent after the run failed", async () => {
    // The attempt went on once the token came, and made a batch nobody watched for.
    let slow = false;
    const token = async () => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
      return "test-token";
    };
    const deadline: MiddlewarePlugin = {
      name: "deadline",
      call: (request, next, context) => {
        if (context.operation !== "batches.create") return next(request);
        slow = true;
        return Promise.race([
          next(request),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("my deadline")), 100)),
        ]);
      },
    };
    const client = env.client({ token, middleware: [deadline], headers: { "x-test": "late-send" } });
    const { error } = await outcome(client.batches.run(request()));
    expect((error as Error).message).toMatch(/my deadline/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const ours = env.fake.requests.filter((sent) => sent.headers["x-test"] === "late-send");
    expect(ours.map((sent) => sent.operation)).toContain("datasets.create");
    expect(ours.map((sent) => sent.operation)).not.toContain("create");
  });

  // The server made the batch; the plugin's own answer or abort said nothing of that, and the
  // run left it running for nobody.
  it.each([
    ["puts a 400 of its own in place of the server's 200", () => new Response('{"message":"policy"}', { status: 400 })],
    ["puts a 304 of its own in place of the server's 200", () => new Response(null, { status: 304 })],
    [
      "throws a CohereAbortError of its own (the caller did not abort)",
      () => {
        throw new CohereAbortError("audit gave up");
      },
    ],
  ])("a plugin that %s after next(): the batch is cancelled, not left", async (_, replace) => {
    const swap: Middleware = async (request, next, context) => {
      const response = await next(request);
      return context.operation === "batches.create" ? replace() : response;
    };
    const { error } = await outcome(env.client({ middleware: [swap] }).batches.run(request()));
    expect(CohereError.is(error), String(error)).toBe(true);
    await othersCancelled();
  });

  it("a plugin that sends the create twice with its key (a hedge; server ignores keys): the run's batch is kept, the other cancelled", async () => {
    env.fake.ignoreIdempotencyKeys = true;
    onTestFinished(() => {
      env.fake.ignoreIdempotencyKeys = false;
    });
    const twice: Middleware = async (request, next, context) => {
      if (context.operation !== "batches.create") return next(request);
      const copy = request.clone();
      await next(request);
      return next(copy);
    };
    // Once both batches exist, the fake's clock moves on only when one is cancelled (or after 300
    // looks): a batch that completed first could not be.
    let looks = 0;
    const onProgress = () => {
      const made = env.fake.listBatches();
      if (made.length < 2 || made.some((b) => b.status === "BATCH_STATUS_CANCELING") || ++looks > 300)
        env.clock.advance(1_000);
    };
    const run = await env.client({ middleware: [twice] }).batches.run({ ...request(), onProgress });
    expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
    await vi.waitFor(
      () =>
        expect(
          env.fake
            .listBatches()
            .map((b) => (b.id === run.batch.id ? "run's" : b.status.replace("CANCELING", "CANCELED")))
            .sort(),
        ).toEqual(["BATCH_STATUS_CANCELED", "run's"]),
      { timeout: 5_000 },
    );
  });

  it.each([200, 504])(
    "a user's fetch that follows a 307 of the create itself, answered %i there: the batch it made is cancelled, not left",
    async (finalStatus) => {
      // A proxy that answers the create with a 307 to itself (the same origin: fetch keeps the
      // Authorization), then passes the create on; its gateway may still answer 504.
      const proxy = await fakeBehindProxy(async (request, forward) => {
        if (request.method === "POST" && request.url === "/v2/batches")
          return { status: 307, headers: { location: "/v2/batches?moved=1" } };
        if (request.url !== "/v2/batches?moved=1" || finalStatus === 200) return undefined;
        await forward();
        return { status: finalStatus, text: '{"message":"gateway timeout"}' };
      });
      // A user's fetch that follows every redirect, whatever the request says; the body as text,
      // which it can send again after a 307 (a stream it cannot).
      const follows = async (input: Request) =>
        fetch(input.url.replace(env.server.url, proxy.url), {
          method: input.method,
          headers: input.headers,
          body: input.body === null ? null : await input.text(),
          redirect: "follow",
        });
      const { error } = await outcome(env.client({ fetch: follows }).batches.run(request()));
      expect(CohereParseError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /^batches\.create \(POST \/v2\/batches\): .*followed a redirect of the POST/,
      );
      await vi.waitFor(() => expect(env.fake.listBatches().map((b) => b.status)).toEqual(["BATCH_STATUS_CANCELING"]), {
        timeout: 5_000,
      });
    },
  );

  it("a create answered 304 (the server did not act): the run fails, and a batch the caller then makes is left alone", {
    timeout: 15_000,
  }, async () => {
    const proxy = await fakeBehindProxy(async (request) =>
      request.method === "POST" && request.url === "/v2/batches" ? { status: 304 } : undefined,
    );
    const { error } = await outcome(env.client({ baseUrl: proxy.url }).batches.run(request()));
    expect((error as Error).message).toBe(
      "POST /v2/batches -> 304: a redirect the SDK does not follow for this request",
    );
    const [dataset] = (await env.client().datasets.list()).datasets ?? [];
    const { batch } = await env
      .client()
      .batches.create({ name: "no-dup", model: "embed-v4.0", input_dataset_id: dataset?.id as string });
    // A watch would have cancelled it within about 3 s (seen when every 3xx started one).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(env.fake.listBatches().map((b) => [b.id, b.status])).toEqual([[batch.id, "BATCH_STATUS_QUEUED"]]);
    expect(env.fake.count("cancel")).toBe(0);
  });

  it("a create answered 303 (the server made the batch, then pointed to it): the run fails, and the batch is cancelled", async () => {
    // The create is made, and answered with a See Other to the batch.
    const proxy = await fakeBehindProxy(async (request, forward) => {
      if (request.method !== "POST" || request.url !== "/v2/batches") return undefined;
      const made = await forward();
      if (made.status !== 200) return made;
      const { batch } = JSON.parse(made.text ?? "") as { batch: { id: string } };
      return { status: 303, headers: { location: `/v2/batches/${batch.id}` } };
    });
    const { error } = await outcome(env.client({ baseUrl: proxy.url }).batches.run(request()));
    expect((error as Error).message).toBe(
      "POST /v2/batches -> 303: a redirect the SDK does not follow for this request",
    );
    await othersCancelled();
  });

  it("the run's deadline during the backoff after a 503 that made the batch: the run times out, and the batch is cancelled", async () => {
    env.fake.inject("create", { type: "status", status: 503, retryAfter: "5", afterAction: true });
    const { error } = await outcome(env.client().batches.run({ ...request(), timeoutInSeconds: 1.5 }));
    expect((error as Error).message).toBe("run: not done within 1.5 s (queued)");
    await othersCancelled();
  });

  it("a batch the caller creates on the run's dataset after the run, same name and model, is theirs: the watch leaves it", async () => {
    env.fake.inject("create", { type: "status", status: 429, retryAfter: "0" });
    const run = await env.client().batches.run(request());
    env.clock.advance(1_000);
    const own = await env.client().batches.create({
      name: run.batch.name as string,
      model: run.batch.model as string,
      input_dataset_id: run.inputDataset.id as string,
    });
    // Past the watch's looks at 0 and 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(env.fake.listBatches().find((b) => b.id === own.batch.id)?.status).toBe("BATCH_STATUS_QUEUED");
    expect(env.fake.count("cancel")).toBe(0);
  });

  it("an onProgress that rewrites or deletes the batch's id cannot fail the run nor send it elsewhere", async () => {
    for (const change of [
      (batch: Record<string, unknown>) => {
        batch.id = String(batch.id).toUpperCase();
      },
      (batch: Record<string, unknown>) => {
        delete batch.id;
      },
    ]) {
      const run = await env.client().batches.run({
        ...request(),
        onProgress: (progress: RunProgress) => {
          env.clock.advance(1_000);
          if (progress.batch) change(progress.batch as unknown as Record<string, unknown>);
        },
      });
      const made = env.fake.listBatches().at(-1)!;
      expect(run.batch.id).toBe(made.id);
      expect(run.batch.status).toBe("BATCH_STATUS_COMPLETED");
      let results = 0;
      for await (const _ of run.results()) results++;
      expect(results).toBe(10);
    }
  });

  it("a 503 before the server acted: the list is walked, nothing adopted, one batch results", async () => {
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 503, retryAfter: "0" });
    await env.client().batches.run(request());
    expect(env.fake.count("create")).toBe(2);
    // Walked before the create went again (and then watched, in the background, for a late second batch).
    expect(env.fake.count("list")).toBeGreaterThanOrEqual(1);
    expect(env.fake.listBatches().length).toBe(1);
    env.fake.ignoreIdempotencyKeys = false;
  });

  it("a 500 before the server acted: nothing to adopt, so the create is sent again, and one batch results", async () => {
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500 });
    await env.client().batches.run(request());
    expect(env.fake.count("create")).toBe(2);
    expect(env.fake.listBatches().length).toBe(1);
    env.fake.ignoreIdempotencyKeys = false;
  });

  it("an older batch on another dataset is never adopted", async () => {
    env.fake.addBatches(3);
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500 });
    const run = await env.client().batches.run(request());
    expect(run.batch.input_dataset_id).toBe(run.inputDataset.id);
    expect(env.fake.listBatches().length).toBe(4);
    env.fake.ignoreIdempotencyKeys = false;
  });

  // The spec does not say which way order_by=created_at sorts: the walk must not stop at an older
  // batch on a server that lists oldest first, where this run's batch comes last.
  it("a server that lists oldest first: the batch is still found, one batch results", async () => {
    env.fake.addBatches(3);
    env.clock.advance(3_600_000);
    env.fake.ignoreIdempotencyKeys = true;
    env.fake.inject("create", { type: "status", status: 500, afterAction: true });
    const oldestFirst = async (input: Request | string | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname !== "/v2/batches" || !response.ok || (init?.method ?? "GET") !== "GET") return response;
      const page = (await response.json()) as { batches?: { created_at: string }[] };
      page.batches?.sort((a, b) => a.created_at.localeCompare(b.created_at));
      return Response.json(page);
    };
    const run = await env.client({ fetch: oldestFirst }).batches.run(request());
    expect(env.fake.listBatches().filter((b) => b.input_dataset_id === run.inputDataset.id).length).toBe(1);
    expect(env.fake.listBatches().length).toBe(4);
    env.fake.ignoreIdempotencyKeys = false;
  });
});

/**
 * A Cohere that ignores Idempotency-Key and commits a create `commitMs` after it received it,
 * whatever it answered: the first create is answered as `first` says (a 504 from its gateway,
 * or never, as a timed-out attempt's), every later one is answered with the batch it made.
 */
async function lateCommitter(
  first: "504" | "503" | "429" | "never" | "slow",
  commitMs: number,
  runsForMs: number | ((id: string) => number) = 0,
  failing = 1,
  refusedCancels = 0,
  endsAs = "BATCH_STATUS_COMPLETED",
) {
  const batches: Record<string, unknown>[] = [];
  let cancels = 0;
  const runsFor = (id: string) => (typeof runsForMs === "number" ? runsForMs : runsForMs(id));
  // A batch is QUEUED for `runsForMs` after it is committed, then `endsAs` (unless cancelled).
  const seen = (batch: Record<string, unknown>) =>
    batch.status === "BATCH_STATUS_QUEUED" && Date.now() - (batch.committedAt as number) >= runsFor(batch.id as string)
      ? Object.assign(batch, { status: endsAs, updated_at: new Date().toISOString() })
      : batch;
  const now = () => new Date().toISOString();
  let creates = 0;
  const origin = await scriptedServer((request, response, body) => {
    const url = new URL(request.url ?? "/", "http://x");
    const dataset = {
      id: "ds-run",
      name: "r",
      created_at: now(),
      updated_at: now(),
      dataset_type: "batch-embed-v2-input",
      validation_status: "validated",
    };
    if (request.method === "POST" && url.pathname === "/v1/datasets") return sendJson(response, 200, { id: "ds-run" });
    if (url.pathname === "/v1/datasets/ds-run") return sendJson(response, 200, { dataset });
    if (request.method === "POST" && url.pathname === "/v2/batches") {
      const { name, input_dataset_id, model } = JSON.parse(body) as Record<string, string>;
      const commit = () => {
        const batch = { id: `b${batches.length + 1}`, name, input_dataset_id, model, status: "BATCH_STATUS_QUEUED" };
        batches.push(seen({ ...batch, created_at: now(), updated_at: now(), committedAt: Date.now() }));
        return batches[batches.length - 1];
      };
      creates += 1;
      if (creates > failing) return sendJson(response, 200, { batch: commit() });
      setTimeout(() => {
        const batch = commit();
        if (first === "slow") sendJson(response, 200, { batch });
      }, commitMs);
      // A gateway's 504, or a proxy's 503 or 429 sent after the backend took the request.
      if (first === "504" || first === "503" || first === "429")
        sendJson(response, Number(first), { message: first === "504" ? "upstream timed out" : "upstream trouble" });
      return;
    }
    if (request.method === "POST" && url.pathname.endsWith(":cancel")) {
      if (++cancels <= refusedCancels) return sendJson(response, 400, { message: "cannot cancel now" });
      const batch = batches.find((b) => url.pathname.includes(`/${b.id as string}:`));
      if (batch !== undefined) batch.status = "BATCH_STATUS_CANCELING";
      return sendJson(response, batch === undefined ? 404 : 200, {});
    }
    if (url.pathname === "/v2/batches") return sendJson(response, 200, { batches: [...batches].reverse().map(seen) });
    const batch = batches.find((b) => url.pathname.endsWith(`/${b.id as string}`));
    return batch === undefined
      ? sendJson(response, 404, { message: "no such batch" })
      : sendJson(response, 200, { batch: seen(batch) });
  });
  return { origin, batches };
}

/** Waits up to `timeout` ms for the server's batches to be, in order, the `[id, status]` pairs given. */
function statusesBecome(batches: Record<string, unknown>[], expected: [string, string][], timeout: number) {
  return vi.waitFor(() => expect(batches.map((b) => [b.id, b.status])).toEqual(expected), { timeout });
}

/** A client of `url` whose backoff waits at most `seconds` (jitter takes up to a quarter off), with `more` options. */
const clientOf = (url: string, seconds: number, more: ConstructorParameters<typeof CohereClient>[0] = {}) =>
  new CohereClient({
    token: "test-token",
    baseUrl: url,
    backoff: { initialDelayInSeconds: seconds, maxDelayInSeconds: seconds },
    ...more,
  });

const runOf = (more: Record<string, unknown> = {}) => ({
  name: "late",
  model: "embed-v4.0",
  type: "batch-embed-v2-input",
  requests: embedRequests(3),
  pollIntervalInSeconds: 0.01,
  ...more,
});

describe("run: a create the server commits after its answer was lost (it ignores Idempotency-Key)", () => {
  it("a 504 from the gateway, the batch committed 150 ms later, during the backoff: one batch, adopted", async () => {
    const { origin, batches } = await lateCommitter("504", 150);
    const client = clientOf(origin.url, 0.8);
    const run = await client.batches.run(runOf());
    expect(batches.map((b) => b.id)).toEqual(["b1"]);
    expect(run.batch.id).toBe("b1");
  });

  // A 503 or a 429 from a proxy may come after the backend took the create: API.md 11's "never two
  // batches" holds for them too (a session took them at their word once the walk found nothing,
  // and left the late batch running).
  it.each(["504", "503", "429"] as const)(
    "a %s, the batch committed 700 ms later, after the walk and the create sent again: the second batch is cancelled",
    async (first) => {
      // The resent create commits b1 at once; the lost one commits b2 700 ms after it was sent.
      // Each runs 4 s: b2 still runs at the watch's look 2 s after the run's create.
      const { origin, batches } = await lateCommitter(first, 700, 4_000);
      const client = clientOf(origin.url, 0.2);
      const run = await client.batches.run(runOf({ pollIntervalInSeconds: 0.2 }));
      expect(run.batch.id).toBe("b1");
      await statusesBecome(
        batches,
        [
          ["b1", "BATCH_STATUS_COMPLETED"],
          ["b2", "BATCH_STATUS_CANCELING"],
        ],
        5_000,
      );
    },
  );

  it("every create a 504 after its attempt, each committed 1 s later: the run fails, and no batch is left running", async () => {
    const { origin, batches } = await lateCommitter("504", 1_000, 60_000, 99);
    const client = clientOf(origin.url, 0.1, { maxRetries: 1 });
    const { error } = await outcome(client.batches.run(runOf()));
    expect(GatewayTimeoutError.is(error), String(error)).toBe(true);
    await statusesBecome(
      batches,
      [
        ["b1", "BATCH_STATUS_CANCELING"],
        ["b2", "BATCH_STATUS_CANCELING"],
      ],
      8_000,
    );
  });

  it("maxRetries 0: the one create a 504, its batch committed 300 ms later: the run fails, and the batch is cancelled", async () => {
    const { origin, batches } = await lateCommitter("504", 300, 60_000);
    const client = clientOf(origin.url, 0.1, { maxRetries: 0 });
    const { error } = await outcome(client.batches.run(runOf()));
    expect(GatewayTimeoutError.is(error), String(error)).toBe(true);
    await statusesBecome(batches, [["b1", "BATCH_STATUS_CANCELING"]], 8_000);
  });

  it("the run's failed create counts every attempt it made, each a call of its own", async () => {
    const { origin } = await lateCommitter("504", 1_000, 60_000, 99);
    const { error } = await outcome(clientOf(origin.url, 0.01, { maxRetries: 2 }).batches.run(runOf()));
    expect(GatewayTimeoutError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toBe("POST /v2/batches -> 504: upstream timed out (3 attempts made)");
  });

  it("a run whose batch failed at once: a duplicate committed after that is still cancelled (only a completed batch spares later ones)", async () => {
    const { origin, batches } = await lateCommitter(
      "504",
      1_500,
      (id) => (id === "b1" ? 200 : 60_000),
      1,
      0,
      "BATCH_STATUS_FAILED",
    );
    const run = await clientOf(origin.url, 0.1).batches.run(runOf());
    expect(run.batch.status).toBe("BATCH_STATUS_FAILED");
    await statusesBecome(
      batches,
      [
        ["b1", "BATCH_STATUS_FAILED"],
        ["b2", "BATCH_STATUS_CANCELING"],
      ],
      5_000,
    );
  });

  it("the deadline during the pause after a create refused on the first hop: nothing is watched for, nothing listed", async () => {
    const { origin } = await lateCommitter("504", 60_000);
    const refusedUrl = `http://127.0.0.1:${await refusingPort()}`;
    // A plugin sends the create to a port nothing listens on: the runtime's fetch is refused, so
    // it certainly never left.
    const refusingCreate: Middleware = (request, next) =>
      next(
        request.method === "POST" && new URL(request.url).pathname === "/v2/batches"
          ? new Request(`${refusedUrl}/v2/batches`, request)
          : request,
      );
    const client = clientOf(origin.url, 5, { middleware: [{ name: "refusing", handle: refusingCreate }] });
    const { error } = await outcome(client.batches.run(runOf({ timeoutInSeconds: 1 })));
    expect((error as Error).message).toBe("run: not done within 1 s (queued)");
    const listed = origin.received.filter((r) => r.url.startsWith("/v2/batches?")).length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(origin.received.filter((r) => r.url.startsWith("/v2/batches?")).length).toBe(listed);
  });

  it("a cancel the server refuses once does not end the watch: the batch is cancelled at the next look", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    onTestFinished(() => warn.mockRestore());
    const { origin, batches } = await lateCommitter("504", 700, 10_000, 1, 1);
    const client = clientOf(origin.url, 0.2);
    const run = client.batches.run(runOf({ pollIntervalInSeconds: 0.2, timeoutInSeconds: 1 }));
    await outcome(run);
    await vi.waitFor(() => expect(batches.find((b) => b.id === "b2")?.status).toBe("BATCH_STATUS_CANCELING"), {
      timeout: 8_000,
    });
    expect(batches.find((b) => b.id === "b1")?.status).toBe("BATCH_STATUS_QUEUED");
    // Reported once (other tests' watches may warn here too, once their servers are closed).
    expect(warn.mock.calls.filter(([, error]) => BadRequestError.is(error))).toHaveLength(1);
  });

  it("a batch of the caller's own on the run's dataset, with another model, is never cancelled by the watch", async () => {
    const { origin, batches } = await lateCommitter("504", 60_000, 10_000);
    const client = clientOf(origin.url, 0.2);
    const run = await outcome(client.batches.run(runOf({ pollIntervalInSeconds: 0.2, timeoutInSeconds: 0.6 })));
    expect(CohereError.is(run.error)).toBe(true);
    const own = await client.batches.create({ name: "late", input_dataset_id: "ds-run", model: "command-a-03-2025" });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(batches.find((b) => b.id === own.batch.id)?.status).toBe("BATCH_STATUS_QUEUED");
  });

  it("a caller's abort (no cancelOnAbort) during the create's retries: the first late batch is theirs, any other is cancelled", async () => {
    const { origin, batches } = await lateCommitter("504", 1_000, 60_000, 99);
    const controller = new AbortController();
    const client = clientOf(origin.url, 0.2, { maxRetries: 10 });
    setTimeout(() => controller.abort(), 500);
    const { error } = await outcome(client.batches.run(runOf({ abortSignal: controller.signal })));
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    await vi.waitFor(
      () => {
        expect(batches.length).toBeGreaterThanOrEqual(2);
        const statuses = batches.map((b) => b.status);
        expect(statuses.filter((status) => status === "BATCH_STATUS_QUEUED")).toHaveLength(1);
        expect(statuses.filter((status) => status === "BATCH_STATUS_CANCELING")).toHaveLength(batches.length - 1);
      },
      { timeout: 8_000 },
    );
  });

  it("an attempt that timed out, the batch committed 150 ms later, during the backoff: one batch, adopted", async () => {
    const { origin, batches } = await lateCommitter("never", 450);
    const client = clientOf(origin.url, 0.8, { timeoutInSeconds: 0.3 });
    const run = await client.batches.run(runOf());
    expect(batches.map((b) => b.id)).toEqual(["b1"]);
    expect(run.batch.id).toBe("b1");
  });

  it("cancelOnAbort, an abort during the create, every look failing slowly: the watch is over within 10 s (it went on for 35 s)", async () => {
    let lastList = 0;
    const server = await scriptedServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const now = new Date().toISOString();
      if (request.method === "POST" && url.pathname === "/v1/datasets")
        return sendJson(response, 200, { id: "ds-run" });
      if (url.pathname === "/v1/datasets/ds-run")
        return sendJson(response, 200, {
          dataset: {
            id: "ds-run",
            name: "r",
            created_at: now,
            updated_at: now,
            dataset_type: "batch-embed-v2-input",
            validation_status: "validated",
          },
        });
      if (request.method === "POST" && url.pathname === "/v2/batches") return; // never answered
      // Every look fails, and asks for a pause: each takes seconds with its retries.
      lastList = performance.now();
      response.writeHead(503, { "content-type": "application/json", "retry-after": "2" });
      response.end(JSON.stringify({ message: "busy" }));
    });
    const controller = new AbortController();
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 2 });
    const run = client.batches.run(runOf({ abortSignal: controller.signal, cancelOnAbort: true }));
    setTimeout(() => controller.abort(), 300);
    const { error } = await outcome(run);
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    const aborted = performance.now();
    // Looks that each take 4 s (two retries after 2 s), 0.5 to 4 s apart, went on past 11 s.
    await new Promise((resolve) => setTimeout(resolve, 12_500));
    expect(lastList).toBeGreaterThan(aborted);
    expect(lastList - aborted).toBeLessThan(10_500);
  }, 20_000);

  it("the run's deadline while the create is in flight, the batch committed 9 s later: still looked for, and cancelled", async () => {
    const { origin, batches } = await lateCommitter("slow", 9_000, 60_000);
    // A fetch of the caller's: the deadline ends the create as an abort (the runtime's fetch
    // rejects with the deadline's timeout, which is retried and so watched for anyway).
    const client = clientOf(origin.url, 0.2, { fetch: (input, init) => fetch(input, init) });
    const { error } = await outcome(client.batches.run(runOf({ timeoutInSeconds: 0.6 })));
    expect((error as Error).message).toBe("run: not done within 0.6 s (queued)");
    // Looked for over a minute, as after any lost answer (the 7.5 s of an abort missed it).
    await vi.waitFor(() => expect(batches.map((b) => b.status)).toEqual(["BATCH_STATUS_CANCELING"]), {
      timeout: 14_000,
      interval: 200,
    });
  }, 20_000);

  it("the run's deadline while the create is in flight, the batch committed later: the run times out, and the batch is cancelled", async () => {
    const { origin, batches } = await lateCommitter("slow", 900, 10_000);
    const client = clientOf(origin.url, 0.2);
    const { error } = await outcome(client.batches.run(runOf({ timeoutInSeconds: 0.6 })));
    expect(CohereTimeoutError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toBe("run: not done within 0.6 s (queued)");
    await vi.waitFor(() => expect(batches.map((b) => b.status)).toEqual(["BATCH_STATUS_CANCELING"]), {
      timeout: 6_000,
    });
  });

  it("cancelOnAbort: an abort while the create is in flight, the batch committed 400 ms later: it is found and cancelled", async () => {
    const { origin, batches } = await lateCommitter("slow", 700, 10_000);
    const controller = new AbortController();
    const abortMidCreate: Middleware = (request, next, context) => {
      if (context.operation === "batches.create") setTimeout(() => controller.abort(), 300);
      return next(request);
    };
    const client = new CohereClient({ token: "test-token", baseUrl: origin.url, middleware: [abortMidCreate] });
    const { error } = await outcome(client.batches.run(runOf({ abortSignal: controller.signal, cancelOnAbort: true })));
    expect(CohereAbortError.is(error), String(error)).toBe(true);
    await vi.waitFor(() => expect(batches.map((b) => b.status)).toEqual(["BATCH_STATUS_CANCELING"]), {
      timeout: 5_000,
    });
  });
});
