import { beforeEach, describe, expect, it } from "vitest";
import { FakeCohere, type WireBatch } from "../../src/testing/index.node.js";
import { useTransports } from "./transports.js";

const { transports, served } = useTransports(() => new FakeCohere());

const AUTH = { authorization: "Bearer test-token" };
const BODY = JSON.stringify({ name: "n", input_dataset_id: "d", model: "m" });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(transports)("faults through $name", (transport) => {
  let fake: FakeCohere;
  let call: (path: string, init?: RequestInit) => Promise<Response>;
  let create: (init?: RequestInit) => Promise<Response>;

  beforeEach(() => {
    if (transport.name === "HTTP server") {
      fake = served();
      fake.reset({ batches: true });
    } else {
      fake = new FakeCohere();
    }
    const doFetch = transport.fetch(fake);
    call = (path, init = {}) => doFetch(`${transport.base()}${path}`, { ...init, headers: AUTH });
    create = (init = {}) => call("/v2/batches", { method: "POST", body: BODY, ...init });
  });

  it("status: answers the status with a JSON message and Retry-After headers; the operation is not performed", async () => {
    fake.inject("create", { type: "status", status: 429, retryAfter: "2", retryAfterMs: 1500 });
    const response = await create();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("retry-after-ms")).toBe("1500");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(await response.json()).toEqual({ message: "Too Many Requests" });
    expect(fake.listBatches()).toHaveLength(0);
    expect((await create()).status).toBe(200);
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("status: sends a given body (text or object) and headers, e.g. an HTML 503 with an HTTP-date Retry-After", async () => {
    const date = "Wed, 21 Oct 2026 07:28:00 GMT";
    fake
      .inject("list", {
        type: "status",
        status: 503,
        body: "<html>down</html>",
        headers: { "content-type": "text/html" },
        retryAfter: date,
      })
      .inject("list", { type: "status", status: 500, body: { message: "boom", id: "err-1" } });
    const html = await call("/v2/batches");
    expect([html.status, html.headers.get("content-type"), html.headers.get("retry-after")]).toEqual([
      503,
      "text/html",
      date,
    ]);
    expect(await html.text()).toBe("<html>down</html>");
    const json = await call("/v2/batches");
    expect(json.status).toBe(500);
    expect(await json.json()).toEqual({ message: "boom", id: "err-1" });
  });

  it("status with afterAction: creates the batch, then answers the error", async () => {
    fake.inject("create", { type: "status", status: 500, afterAction: true });
    const response = await create();
    expect(response.status).toBe(500);
    await response.arrayBuffer();
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("delay: waits the given real time, then answers normally", async () => {
    fake.inject("list", { type: "delay", ms: 150 });
    const started = performance.now();
    const response = await call("/v2/batches");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ batches: [] });
  });

  it("delay: an abort during the wait rejects, and the operation is not performed", async () => {
    fake.inject("create", { type: "delay", ms: 300 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(create({ signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    await sleep(400);
    expect(fake.listBatches()).toHaveLength(0);
  });

  it("stall-body: headers arrive, the body hangs until the request is aborted; the operation is performed", async () => {
    fake.inject("create", { type: "stall-body" });
    const controller = new AbortController();
    const response = await create({ signal: controller.signal });
    expect(response.status).toBe(200);
    const timer = setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(response.text()).rejects.toMatchObject({ name: "AbortError" });
    clearTimeout(timer);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("drop: the request fails with TypeError and no response; the operation is not performed", async () => {
    fake.inject("create", { type: "drop" });
    await expect(create()).rejects.toBeInstanceOf(TypeError);
    expect(fake.listBatches()).toHaveLength(0);
    expect(fake.count("create")).toBe(1);
    // The service is fine afterwards.
    expect((await create()).status).toBe(200);
  });

  it("drop with afterAction: the batch exists although the request failed", async () => {
    fake.inject("create", { type: "drop", afterAction: true });
    await expect(create()).rejects.toBeInstanceOf(TypeError);
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("reset-mid-body: headers arrive, reading the body fails; nothing is performed", async () => {
    fake.inject("create", { type: "reset-mid-body" });
    const response = await create();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeInstanceOf(TypeError);
    expect(fake.listBatches()).toHaveLength(0);
  });

  it("reset-mid-body with afterAction: the batch exists, the body breaks off", async () => {
    fake.inject("create", { type: "reset-mid-body", afterAction: true });
    const response = await create();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeInstanceOf(TypeError);
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("malformed-body: 200 with a body that is not JSON (default or given); performed", async () => {
    fake
      .inject("create", { type: "malformed-body" })
      .inject("create", { type: "malformed-body", body: "<html>oops</html>" });
    const first = await create();
    expect([first.status, first.headers.get("content-type")]).toEqual([200, "application/json"]);
    expect(await first.text()).toBe("{not json");
    const second = await create();
    expect(second.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await second.text()).toBe("<html>oops</html>");
    expect(fake.listBatches()).toHaveLength(2);
  });

  it("status: a text body is labelled as a server labels it (JSON, an HTML page, plain text); a given content-type wins", async () => {
    const bodies = ['{"message":"no"}', "  <html><h1>502 Bad Gateway</h1></html>", "upstream connect error", ""];
    for (const body of bodies) fake.inject("list", { type: "status", status: 502, body });
    fake.inject("list", { type: "status", status: 502, body: "<p>x</p>", headers: { "Content-Type": "text/x-mine" } });
    const labels = [];
    for (let i = 0; i <= bodies.length; i++) {
      const response = await call("/v2/batches");
      labels.push([response.status, response.headers.get("content-type"), await response.text()]);
    }
    expect(labels).toEqual([
      [502, "application/json", '{"message":"no"}'],
      [502, "text/html; charset=utf-8", "  <html><h1>502 Bad Gateway</h1></html>"],
      [502, "text/plain; charset=utf-8", "upstream connect error"],
      [502, "text/plain; charset=utf-8", ""],
      [502, "text/x-mine", "<p>x</p>"],
    ]);
  });

  it("empty-body: 200 with an empty body", async () => {
    fake.inject("retrieve", { type: "empty-body" });
    const response = await call("/v2/batches/whatever");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("missing-field: 200 with {} (no batch); performed", async () => {
    fake.inject("create", { type: "missing-field" });
    const response = await create();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(fake.listBatches()).toHaveLength(1);
  });

  it("queues faults in order, counts times, and matches '*' to any operation", async () => {
    fake
      .inject("create", { type: "status", status: 503 }, { times: 2 })
      .inject("*", { type: "status", status: 502 })
      .inject("create", { type: "missing-field" });
    const statuses: number[] = [];
    // list takes the "*" fault (the create faults do not match it); creates take theirs in order.
    statuses.push((await call("/v2/batches")).status);
    for (let i = 0; i < 4; i++) {
      const response = await create();
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([502, 503, 503, 200, 200]);
    const batches = fake.listBatches() satisfies WireBatch[];
    expect(batches).toHaveLength(2); // the missing-field create and the normal one
    expect(fake.pendingFaults).toBe(0);
  });
});

describe("inject", () => {
  it("refuses invalid faults and times", () => {
    const fake = new FakeCohere();
    expect(() => fake.inject("list", { type: "status", status: 99 })).toThrow(RangeError);
    expect(() => fake.inject("list", { type: "status", status: 600 })).toThrow(RangeError);
    expect(() => fake.inject("list", { type: "delay", ms: -1 })).toThrow(RangeError);
    expect(() => fake.inject("list", { type: "drop" }, { times: 0 })).toThrow(RangeError);
    expect(() => fake.inject("list", { type: "drop" }, { times: 1.5 })).toThrow(RangeError);
    expect(fake.pendingFaults).toBe(0);
  });

  // A misspelt fault would never fire, and a test of retries would pass without one.
  it.each<[string, () => unknown, RegExp]>([
    [
      "an unknown operation",
      () => new FakeCohere().inject("lsit" as never, { type: "drop" }),
      /operation must be one of \*, list, create/,
    ],
    [
      "an unknown fault type",
      () => new FakeCohere().inject("list", { type: "nope" } as never),
      /type is one of status, delay/,
    ],
    ["a fault that is not an object", () => new FakeCohere().inject("list", 503 as never), /fault must be an object/],
    [
      "a misspelt field of a fault",
      () => new FakeCohere().inject("list", { type: "status", status: 429, retry_after: "1" } as never),
      /status fault\.retry_after is not an option \(misspelt\?\); known: type, status, body, headers, retryAfter/,
    ],
    [
      "a misspelt inject option",
      () => new FakeCohere().inject("list", { type: "drop" }, { time: 2 } as never),
      /inject options\.time is not an option/,
    ],
  ])("refuses %s, and queues nothing", (_, inject, message) => {
    expect(inject).toThrow(TypeError);
    expect(inject).toThrow(message);
  });

  it("applies a fault forever with times: Infinity, until reset()", async () => {
    const fake = new FakeCohere();
    fake.inject("list", { type: "status", status: 503 }, { times: Infinity });
    for (let i = 0; i < 3; i++) {
      expect((await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH })).status).toBe(503);
    }
    fake.reset();
    expect((await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH })).status).toBe(200);
  });

  it("a status fault comes before auth: it is what a gateway would answer", async () => {
    const fake = new FakeCohere();
    fake.inject("list", { type: "status", status: 503 });
    expect((await fake.fetch("https://api.cohere.com/v2/batches")).status).toBe(503);
    expect((await fake.fetch("https://api.cohere.com/v2/batches")).status).toBe(401);
  });
});

describe("the fake's options", () => {
  it.each<[string, () => unknown, RegExp]>([
    ["a misspelt option", () => new FakeCohere({ sed: 1 } as never), /FakeCohere options\.sed is not an option/],
    ["a seed that is not a number", () => new FakeCohere({ seed: "x" as never }), /seed must be a finite number/],
    [
      "a misspelt lifecycle option",
      () => new FakeCohere({ lifecycle: { failEvery: 7 } as never }),
      /lifecycle\.failEvery is not/,
    ],
    [
      "lifecycle options that are not an object",
      () => new FakeCohere({ lifecycle: 5 as never }),
      /lifecycle must be an object/,
    ],
    [
      "a misspelt dataset option",
      () => new FakeCohere({ datasetLifecycle: { queuedMs: 1 } as never }),
      /datasetLifecycle\.queuedMs/,
    ],
    [
      "a misspelt outputs option",
      () => new FakeCohere({ outputs: { part: 2 } as never }),
      /outputs\.part is not an option/,
    ],
    [
      "a codec it cannot write",
      () => new FakeCohere({ outputs: { codec: "snappy" as never } }),
      /outputs\.codec must be "deflate" or "null"/,
    ],
    [
      "blocks of no records",
      () => new FakeCohere({ outputs: { blockRecords: 0 } }),
      /outputs\.blockRecords must be an integer >= 1/,
    ],
    ["a misspelt reset option", () => new FakeCohere().reset({ batch: true } as never), /reset options\.batch is not/],
    [
      "URLs that never live",
      () => new FakeCohere({ outputs: { urlTtlMs: -1 } }),
      /outputs\.urlTtlMs must be a finite number > 0/,
    ],
  ])("refuses %s", (_, make, message) => {
    expect(make).toThrow(message);
  });

  it("takes every documented option", () => {
    const fake = new FakeCohere({
      tokens: ["t"],
      seed: 3,
      lifecycle: { queuedForMs: 1, failEveryNthRecord: 5 },
      datasetLifecycle: { queuedForMs: 1, processingForMs: 1 },
      outputs: { parts: 2, codec: "null", blockRecords: 10, urlTtlMs: 1000 },
      ignoreIdempotencyKeys: true,
    });
    expect(
      fake.inject("*", { type: "status", status: 503, retryAfter: "0" }, { times: 2, skip: 1 }).pendingFaults,
    ).toBe(2);
  });
});

describe("a status fault's own body", () => {
  it("goes out as the test gave it, zero values included, under omitZeroValues", async () => {
    // `omitZeroValues` shapes the fake's own answers; it rewrote this body to `{"nested":{}}`.
    const fake = new FakeCohere({ omitZeroValues: true });
    const body = { message: "", retry: false, attempts: 0, tags: [], nested: { count: 0 } };
    fake.inject("list", { type: "status", status: 429, body });
    const response = await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH });
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(JSON.stringify(body));
    // The fake's own answers still leave zero values out.
    expect(await (await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH })).json()).toEqual({});
  });
});

describe("an injected fault", () => {
  it("is kept as it was checked: changing the object afterwards changes nothing", async () => {
    // A status of 999 set after inject made the request fail with a raw RangeError.
    const fake = new FakeCohere();
    const fault = { type: "status" as const, status: 503, body: { message: "busy" }, headers: { "x-a": "1" } };
    fake.inject("list", fault);
    Object.assign(fault, { status: 999 });
    fault.body.message = "changed";
    fault.headers["x-a"] = "changed";
    const response = await fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH });
    expect(response.status).toBe(503);
    expect(response.headers.get("x-a")).toBe("1");
    expect(await response.json()).toEqual({ message: "busy" });
  });

  it("keeps the fields the check read, inherited ones too, each read once", async () => {
    // A class's getter or a prototype's field was checked, then lost by the copy: the request
    // failed with a raw TypeError.
    class Teapot {
      get type() {
        return "status" as const;
      }
      status = 418;
    }
    const fake = new FakeCohere();
    fake.inject("list", new Teapot() as never).inject("list", Object.create({ type: "status", status: 429 }));
    const get = () => fake.fetch("https://api.cohere.com/v2/batches", { headers: AUTH });
    expect((await get()).status).toBe(418);
    expect((await get()).status).toBe(429);
    // A getter that answers a valid status to the check and a bad one later is kept as checked,
    // or refused: never a raw error at the request.
    let reads = 0;
    const shifty = {
      type: "status" as const,
      get status() {
        return reads++ === 0 ? 503 : 999;
      },
    };
    expect(() => fake.inject("list", shifty)).toThrow(
      "status fault: status must be an integer from 200 to 599, got 999",
    );
    // A type that answers another the second time is named as it answered (it was a raw
    // "Cannot convert undefined or null to object").
    let typeReads = 0;
    const shiftyType = {
      get type() {
        return typeReads++ === 0 ? "status" : "stauts";
      },
      status: 503,
    };
    expect(() => fake.inject("list", shiftyType as never)).toThrow(
      /^fault must be an object whose type is one of .*, got "stauts"$/,
    );
    // A misspelt field a class gives is refused as an own one is (it was ignored: no retry-after).
    class Quota {
      get type() {
        return "status" as const;
      }
      get status() {
        return 429;
      }
      get retryAfer() {
        return "7";
      }
    }
    expect(() => fake.inject("list", new Quota() as never)).toThrow(
      /^status fault\.retryAfer is not an option \(misspelt\?\)/,
    );
    const hidden = Object.defineProperty({ type: "status", status: 503 }, "retryAfer", { value: "7" });
    expect(() => fake.inject("list", hidden as never)).toThrow(/^status fault\.retryAfer is not an option/);
    expect((await get()).status).toBe(200);
  });
});
