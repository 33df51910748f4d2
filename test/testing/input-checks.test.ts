import { runInNewContext } from "node:vm";
/**
 * What a test hands the fake (clocks, options, faults, seeded batches) is checked when it is
 * handed over, so that a mistake throws there, naming the option, instead of failing later as
 * if the network or the server broke.
 */
import { describe, expect, it } from "vitest";
import { CohereClient } from "../../src/index.js";
import { FakeCohere, type Fault, ManualClock, RealClock, type WireBatch } from "../../src/testing/index.js";

const URL_ = "https://api.cohere.com/v2/batches";
const AUTH = { authorization: "Bearer test-token" };
const VALID = { name: "n", input_dataset_id: "d", model: "m" };

function create(fake: FakeCohere, body: string, key?: string): Promise<Response> {
  return fake.fetch(URL_, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json", ...(key === undefined ? {} : { "idempotency-key": key }) },
    body,
  });
}

describe("A: clocks", () => {
  it.each<[string, unknown]>([
    ["an object without now", {}],
    ["a number", 5],
    ["null", null],
    ["now that is not a function", { now: 5 }],
  ])("FakeCohere refuses a clock that is %s, at construction", (_, clock) => {
    const make = () => new FakeCohere({ clock: clock as never });
    expect(make).toThrow(TypeError);
    expect(make).toThrow(
      clock === null
        ? /^FakeCohere options\.clock must not be null/
        : /clock must be an object with a now\(\) function/,
    );
  });

  it.each<[string, () => unknown]>([
    // Taken for the default, where their siblings (lifecycle, outputs, seed, clock) refused null.
    ["tokens", () => new FakeCohere({ tokens: null as never })],
    ["datasetLifecycle", () => new FakeCohere({ datasetLifecycle: null as never })],
    ["speed", () => new RealClock({ speed: null as never })],
    ["lifecycle.queuedForMs", () => new FakeCohere({ lifecycle: { queuedForMs: null as never } })],
    ["times", () => new FakeCohere().inject("list", { type: "drop" }, { times: null as never })],
  ])("an option given as null is refused, not taken for its default: %s", (key, make) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(new RegExp(`\\.${key.split(".").pop()} must not be null \\(leave it out for the default\\)$`));
  });

  it("FakeCohere takes any object with a now() function as its clock", async () => {
    const fake = new FakeCohere({ clock: { now: () => Date.UTC(2030, 0, 1) } });
    expect((await create(fake, JSON.stringify(VALID))).status).toBe(200);
    expect(fake.listBatches()[0]?.created_at).toBe("2030-01-01T00:00:00Z");
  });

  it("ManualClock refuses a time whose microseconds a number cannot hold exactly (beyond 1684 to 2255), Date's range too", () => {
    expect(() => new ManualClock(9e15)).toThrow(RangeError);
    expect(() => new ManualClock(Date.UTC(2256, 0, 1))).toThrow(/startMs must be within ±9007199254740 ms/);
    expect(() => new ManualClock(-9_007_199_254_741)).toThrow(RangeError);
    const clock = new ManualClock(Date.UTC(2255, 5, 5));
    expect(() => clock.advance(86_400_000)).toThrow(RangeError);
    expect(() => clock.set(Date.UTC(2256, 0, 1))).toThrow(RangeError);
    expect(clock.now()).toBe(Date.UTC(2255, 5, 5));
  });

  it("a ManualClock at either end of that range still creates batches, stamped exactly", async () => {
    for (const [ms, stamp] of [
      [9_007_199_254_740, "2255-06-05T23:47:34.740Z"],
      [-9_007_199_254_740, "1684-07-28T00:12:25.260Z"],
    ] as const) {
      const fake = new FakeCohere({ clock: new ManualClock(ms) });
      const response = await create(fake, JSON.stringify(VALID));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { batch: { created_at: string } }).batch.created_at).toBe(stamp);
    }
  });

  it("RealClock refuses an unknown option", () => {
    expect(() => new RealClock({ sped: 100 } as never)).toThrow(TypeError);
    expect(() => new RealClock({ sped: 100 } as never)).toThrow(/RealClock options\.sped is not an option/);
    expect(() => new RealClock(null as never)).toThrow(/RealClock options must be an object/);
  });
});

describe("B: inject checks each fault's fields when it is injected", () => {
  const cycle: Record<string, unknown> = {};
  cycle["self"] = cycle;
  it.each<[string, Fault, ErrorConstructor, RegExp]>([
    ["a body with a BigInt", { type: "status", status: 400, body: { n: 1n } }, TypeError, /status fault: body/],
    ["a body with a cycle", { type: "status", status: 400, body: cycle }, TypeError, /status fault: body/],
    [
      "a body that is neither text nor an object",
      { type: "status", status: 400, body: 5 as never },
      TypeError,
      /status fault: body must be a string or a JSON-serialisable object/,
    ],
    [
      "a header with an invalid name",
      { type: "status", status: 503, headers: { "bad name": "x" } },
      TypeError,
      /status fault: headers/,
    ],
    [
      "a header value with a control character",
      { type: "status", status: 503, headers: { "x-a": "\u0001" } },
      TypeError,
      /status fault: headers/,
    ],
    [
      "a header value with a line break",
      { type: "status", status: 503, headers: { "x-a": "a\nb" } },
      TypeError,
      /status fault: headers/,
    ],
    [
      "a header value that is not a string",
      { type: "status", status: 503, headers: { "x-a": 5 as never } },
      TypeError,
      /status fault: headers\["x-a"\] must be a string/,
    ],
    [
      "headers that are not an object",
      { type: "status", status: 503, headers: [["x-a", "1"]] as never },
      TypeError,
      /status fault: headers must be an object/,
    ],
    [
      "headers as a Headers (its entries are not own fields: they were dropped)",
      { type: "status", status: 503, headers: new Headers({ "x-a": "1" }) as never },
      TypeError,
      /status fault: headers must be an object of header names to values, got a Headers/,
    ],
    [
      "headers as a Map",
      { type: "status", status: 503, headers: new Map([["x-a", "1"]]) as never },
      TypeError,
      /status fault: headers must be an object of header names to values, got a Map/,
    ],
    [
      "a retryAfter with a line break",
      { type: "status", status: 503, retryAfter: "1\r\nx-injected: 1" },
      TypeError,
      /status fault: retryAfter/,
    ],
    [
      "a retryAfter that is a number",
      { type: "status", status: 503, retryAfter: 1 as never },
      TypeError,
      /status fault: retryAfter must be a string/,
    ],
    [
      "an infinite retryAfterMs",
      { type: "status", status: 503, retryAfterMs: Infinity },
      RangeError,
      /status fault: retryAfterMs must be a finite number >= 0/,
    ],
    [
      "a retryAfterMs that is text",
      { type: "status", status: 503, retryAfterMs: "5" as never },
      RangeError,
      /retryAfterMs must be a finite number >= 0/,
    ],
    [
      "an afterAction that is not a boolean",
      { type: "drop", afterAction: "false" as never },
      TypeError,
      /drop fault: afterAction must be true or false/,
    ],
    [
      "a delay beyond setTimeout's limit",
      { type: "delay", ms: 3e9 },
      RangeError,
      /delay fault: ms must be a finite number from 0 to 2147483647/,
    ],
    ["an infinite delay", { type: "delay", ms: Infinity }, RangeError, /delay fault: ms/],
    [
      "a negative truncate",
      { type: "truncate", bytes: -5 },
      RangeError,
      /truncate fault: bytes must be an integer >= 0/,
    ],
    ["a truncate that is text", { type: "truncate", bytes: "abc" as never }, RangeError, /truncate fault: bytes/],
    ["a fractional truncate", { type: "truncate", bytes: 1.5 }, RangeError, /truncate fault: bytes/],
    [
      "a malformed body that is not a string",
      { type: "malformed-body", body: { a: 1 } as never },
      TypeError,
      /malformed-body fault: body must be a string/,
    ],
  ])("refuses %s, and queues nothing", (_, fault, type, message) => {
    const fake = new FakeCohere();
    expect(() => fake.inject("list", fault)).toThrow(type);
    expect(() => fake.inject("list", fault)).toThrow(message);
    expect(fake.pendingFaults).toBe(0);
  });

  it("still takes the valid forms of each field", async () => {
    const fake = new FakeCohere();
    fake
      .inject("list", { type: "status", status: 503, body: { a: [1, "x"] }, headers: { "x-a": "é\tb" } })
      .inject("list", { type: "status", status: 503, body: "<html>", retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT" })
      .inject("list", { type: "status", status: 429, retryAfterMs: 0, afterAction: false })
      .inject("list", { type: "delay", ms: 0 })
      .inject("list", { type: "delay", ms: 2 ** 31 - 1 }, { skip: 100 })
      .inject("list", { type: "truncate", bytes: 0 })
      .inject("list", { type: "malformed-body", body: "" });
    expect(fake.pendingFaults).toBe(7);
    const first = await fake.fetch(URL_, { headers: AUTH });
    expect(first.headers.get("x-a")).toBe("é\tb");
    expect(await first.json()).toEqual({ a: [1, "x"] });
  });
});

describe("C: options and methods check their arguments", () => {
  it("ignoreIdempotencyKeys must be a boolean, at construction and when set later", async () => {
    expect(() => new FakeCohere({ ignoreIdempotencyKeys: "false" as never })).toThrow(TypeError);
    expect(() => new FakeCohere({ ignoreIdempotencyKeys: "false" as never })).toThrow(
      /ignoreIdempotencyKeys must be true or false, got "false"/,
    );
    const fake = new FakeCohere();
    expect(() => {
      fake.ignoreIdempotencyKeys = 1 as never;
    }).toThrow(TypeError);
    expect(fake.ignoreIdempotencyKeys).toBe(false);
    await create(fake, JSON.stringify(VALID), "k");
    await create(fake, JSON.stringify(VALID), "k");
    expect(fake.listBatches()).toHaveLength(1);
    fake.ignoreIdempotencyKeys = true;
    await create(fake, JSON.stringify(VALID), "k");
    expect(fake.listBatches()).toHaveLength(2);
  });

  it("lifecycle.failWhen must be a function", () => {
    expect(() => new FakeCohere({ lifecycle: { failWhen: true as never } })).toThrow(TypeError);
    expect(() => new FakeCohere({ lifecycle: { failWhen: true as never } })).toThrow(
      /lifecycle\.failWhen must be a function of the input dataset id, got boolean/,
    );
  });

  it("tokens must be an array of strings", () => {
    expect(() => new FakeCohere({ tokens: "abc" as never })).toThrow(TypeError);
    expect(() => new FakeCohere({ tokens: "abc" as never })).toThrow(/tokens must be an array of strings, got string/);
    expect(() => new FakeCohere({ tokens: new Set(["a"]) as never })).toThrow(/tokens must be an array/);
  });

  it("count refuses an operation inject would refuse, and counts every request for '*'", async () => {
    const fake = new FakeCohere();
    await fake.fetch(URL_, { headers: AUTH });
    await create(fake, JSON.stringify(VALID));
    expect(() => fake.count("craete" as never)).toThrow(TypeError);
    expect(() => fake.count("craete" as never)).toThrow(/the operation must be one of \*, list, create/);
    expect(() => fake.count(5 as never)).toThrow(TypeError);
    expect(fake.count("*")).toBe(2);
    expect(fake.count()).toBe(2);
    expect(fake.count("create")).toBe(1);
  });

  it("reset's batches must be a boolean, and a bad one forgets nothing", () => {
    const fake = new FakeCohere();
    fake.addBatches(3);
    expect(() => fake.reset({ batches: "no" as never })).toThrow(TypeError);
    expect(() => fake.reset({ batches: "no" as never })).toThrow(/reset options\.batches must be true or false/);
    expect(fake.listBatches()).toHaveLength(3);
    fake.reset({ batches: false });
    expect(fake.listBatches()).toHaveLength(3);
  });

  it.each<[string, Partial<WireBatch>, ErrorConstructor, RegExp]>([
    ["a misspelt field", { nmae: "x" } as never, TypeError, /addBatches init\.nmae is not an option/],
    [
      "a negative num_records",
      { num_records: -5 },
      RangeError,
      /init\.num_records must be an integer from 0 to 2147483647 \(int32\), got -5/,
    ],
    ["a num_records above int32", { num_records: 2 ** 31 }, RangeError, /init\.num_records must be an integer/],
    ["a fractional counter", { num_failed_records: 1.5 }, RangeError, /init\.num_failed_records must be an integer/],
    ["a counter that is text", { num_successful_records: "3" as never }, RangeError, /init\.num_successful_records/],
    ["an empty status", { status: "" as never }, TypeError, /init\.status must be a non-empty string/],
    ["a name that is not a string", { name: 5 as never }, TypeError, /init\.name must be a string, got number/],
    ["an empty id", { id: "" }, TypeError, /init\.id must be a non-empty string/],
    // The spec requires them of a batch: with `omitZeroValues`, an empty one was left out of the JSON.
    ["an empty name", { name: "" }, TypeError, /init\.name must be a non-empty string/],
    ["an empty model", { model: "" }, TypeError, /init\.model must be a non-empty string/],
    ["an empty input_dataset_id", { input_dataset_id: "" }, TypeError, /init\.input_dataset_id must be a non-empty/],
    ["a token count that is a number", { input_tokens: 7 as never }, TypeError, /init\.input_tokens must be/],
    [
      "a token count that is not an int64",
      { output_tokens: "9223372036854775808" },
      RangeError,
      /init\.output_tokens must be/,
    ],
    ["an updated_at that is not RFC 3339", { updated_at: "yesterday" }, RangeError, /init\.updated_at is not RFC 3339/],
  ])("addBatches refuses %s, and adds nothing", (_, init, type, message) => {
    const fake = new FakeCohere();
    expect(() => fake.addBatches(1, init)).toThrow(type);
    expect(() => fake.addBatches(1, init)).toThrow(message);
    expect(fake.listBatches()).toEqual([]);
  });

  it("addBatches still takes every field of a batch", () => {
    const fake = new FakeCohere();
    const [batch] = fake.addBatches(1, {
      id: "b-1",
      name: "n",
      creator_id: "c",
      org_id: "o",
      status: "BATCH_STATUS_COMPLETED",
      created_at: "2025-12-31T00:00:00Z",
      updated_at: "2025-12-31T01:00:00.123456Z",
      input_dataset_id: "d",
      output_dataset_id: "out",
      input_tokens: "9223372036854775807",
      output_tokens: "0",
      model: "m",
      num_records: 100_000,
      num_successful_records: 0,
      num_failed_records: 2,
      status_reason: "r",
    });
    expect(batch).toMatchObject({
      status: "BATCH_STATUS_COMPLETED",
      input_tokens: "9223372036854775807",
      num_records: 100_000,
      updated_at: "2025-12-31T01:00:00.123456Z",
    });
  });
});

describe("D: deeply nested create bodies", () => {
  it("answers a create whose extra field nests 10,000 deep as any other, and compares it for Idempotency-Key", async () => {
    const fake = new FakeCohere();
    const deep = (inner: string) =>
      `{"name":"n","input_dataset_id":"d","model":"m","metadata":${"[".repeat(10_000)}${inner}${"]".repeat(10_000)}}`;
    const first = await create(fake, deep('{"b":1,"a":2}'), "k");
    expect(first.status).toBe(200);
    const { batch } = (await first.json()) as { batch: WireBatch };
    // The same body, keys reordered: a replay.
    const replay = await create(fake, deep('{"a":2, "b":1}'), "k");
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { batch: WireBatch }).batch.id).toBe(batch.id);
    // A different body under the same key: refused.
    expect((await create(fake, deep('{"a":3,"b":1}'), "k")).status).toBe(422);
    expect(fake.listBatches()).toHaveLength(1);
  });
});

describe("addBatches: times the fake cannot serve exactly", () => {
  it.each(["2999-12-31T23:59:59.999999Z", "9999-01-01T00:00:00Z", "1600-01-01T00:00:00.000001Z"])(
    "refuses created_at and updated_at %s (they came back as another time)",
    (time) => {
      const fake = new FakeCohere();
      expect(() => fake.addBatches(1, { created_at: time })).toThrow(/must be a time from 1684 to 2255/);
      expect(() => fake.addBatches(1, { updated_at: time })).toThrow(/must be a time from 1684 to 2255/);
      expect(fake.listBatches()).toHaveLength(0);
    },
  );
});

describe("addBatches: a seeded updated_at is served in the fake's one form, as created_at is", () => {
  it("whatever fraction or offset it was given", () => {
    const fake = new FakeCohere();
    const [batch] = fake.addBatches(1, {
      created_at: "2026-01-01T00:00:00.123456789Z",
      updated_at: "2026-01-01T05:30:00.123456789+05:30",
    });
    expect(batch).toMatchObject({
      created_at: "2026-01-01T00:00:00.123456Z",
      updated_at: "2026-01-01T00:00:00.123456Z",
    });
  });
});

describe("inject: a fault's headers from another realm, or that cannot be read", () => {
  it("takes a plain object of another realm, and refuses one whose field throws with a TypeError naming it", () => {
    const fake = new FakeCohere();
    const foreign = runInNewContext('({ "x-a": "1" })') as Record<string, string>;
    expect(() => fake.inject("list", { type: "status", status: 503, headers: foreign })).not.toThrow();
    const throwing = {
      get "x-a"(): string {
        throw new Error("boom");
      },
    };
    expect(() => fake.inject("list", { type: "status", status: 503, headers: throwing })).toThrow(
      /status fault: headers could not be read/,
    );
  });
});

describe("addBatches: a status the SDK does not know yet", () => {
  it("is served as it is, for testing that it passes through", async () => {
    const fake = new FakeCohere();
    const [batch] = fake.addBatches(1, { status: "BATCH_STATUS_PAUSED" as never });
    const response = await fake.fetch(`https://api.cohere.com/v2/batches/${batch!.id}`, {
      headers: { authorization: "Bearer test-token" },
    });
    expect(((await response.json()) as { batch: { status: string } }).batch.status).toBe("BATCH_STATUS_PAUSED");
  });
});

// Options typed `?: T | undefined`, as the SDK's own are: code built with
// `exactOptionalPropertyTypes` may pass a value that is sometimes undefined, which means "unset".
describe("an option given as undefined is unset", () => {
  it("in FakeCohere's options, its life cycles and outputs, a clock's, inject's, a fault's and reset's", async () => {
    const maybe = <T>(value: T): T | undefined => (value === null ? value : undefined);
    const fake = new FakeCohere({
      tokens: maybe(["t"]),
      clock: maybe(new ManualClock()),
      lifecycle: {
        queuedForMs: maybe(1),
        recordsPerSecond: maybe(1),
        numRecords: maybe(1),
        failWhen: maybe(() => false),
        failEveryNthRecord: maybe(1),
        cancelingForMs: maybe(1),
        inputTokensPerRecord: maybe(1),
        outputTokensPerRecord: maybe(1),
      },
      datasetLifecycle: { queuedForMs: maybe(1), processingForMs: maybe(1) },
      seed: maybe(1),
      outputs: { parts: maybe(1), codec: maybe("null" as const), blockRecords: maybe(1), urlTtlMs: maybe(1) },
      ignoreIdempotencyKeys: maybe(true),
      omitZeroValues: maybe(true),
    });
    new RealClock({ speed: maybe(2) });
    fake.inject(
      "create",
      {
        type: "status",
        status: 503,
        body: maybe("x"),
        headers: maybe({ "x-a": "b" }),
        retryAfter: maybe("1"),
        retryAfterMs: maybe(1),
        afterAction: maybe(true),
      },
      { times: maybe(2), skip: maybe(1) },
    );
    fake.inject("create", { type: "drop", afterAction: maybe(true) });
    fake.inject("create", { type: "reset-mid-body", afterAction: maybe(true) });
    fake.inject("create", { type: "malformed-body", body: maybe("x") });
    fake.inject("datasets.download", { type: "truncate", bytes: maybe(1) });
    // The defaults hold: a 503 with the default body, then the injected faults in order.
    const answer = await create(fake, JSON.stringify(VALID));
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ message: "Service Unavailable" });
    expect(answer.headers.get("retry-after")).toBeNull();
    fake.reset({ batches: maybe(true) });
    expect(fake.listBatches()).toHaveLength(0);
  });
});

describe("sixteenth session: misuse refused where it is made, and seeding all or nothing", () => {
  it("a clock whose time is no date is refused when the fake is made: every create was a bare 500 later", () => {
    for (const [now, shown] of [
      [Number.NaN, "NaN"],
      [undefined, "undefined"],
      [1e20, "100000000000000000000"],
      ["2026-01-01", "string"],
      // Past ManualClock's 2255: the fake refused its own page tokens, and wrote `+020000-...` times.
      [Date.UTC(9999, 0, 1), String(Date.UTC(9999, 0, 1))],
      [-Date.UTC(9999, 0, 1), String(-Date.UTC(9999, 0, 1))],
    ] as const) {
      expect(() => new FakeCohere({ clock: { now: () => now as never } })).toThrow(
        `clock.now() must return milliseconds since the epoch within ±9007199254740 (years 1684 to 2255), got ${shown}`,
      );
    }
    // The edges ManualClock allows are allowed.
    for (const now of [9007199254740, -9007199254740])
      expect(() => new FakeCohere({ clock: { now: () => now } })).not.toThrow();
  });

  it("a clock that goes bad later is named by the 500 and by addBatches: they said only 'Invalid time value'", async () => {
    let now: unknown = Date.UTC(2026, 0, 1);
    const fake = new FakeCohere({ clock: { now: () => now as number } });
    now = Number.NaN;
    const response = await create(fake, JSON.stringify(VALID));
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("clock.now() must return milliseconds since the epoch");
    expect(() => fake.addBatches(1)).toThrow(
      "clock.now() must return milliseconds since the epoch within ±9007199254740 (years 1684 to 2255), got NaN",
    );
  });

  it("addBatches that fails part-way leaves no batch behind, and names the input it made itself", async () => {
    const fake = new FakeCohere();
    fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED" });
    // The next batches' own inputs are dataset-3, dataset-4, dataset-5: the third is an output.
    fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED", output_dataset_id: "dataset-5" });
    const before = fake.listBatches().length;
    const error = (() => {
      try {
        fake.addBatches(5);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toMatch(
      /^the seeded batch's own input dataset \(dataset-<n> when init\.input_dataset_id is not given\): /,
    );
    // Two were added before the third failed, and stayed.
    expect(fake.listBatches().length).toBe(before);
  });

  it("one output_dataset_id for several batches is refused: each batch writes its own", () => {
    expect(() => new FakeCohere().addBatches(3, { output_dataset_id: "shared-out" })).toThrow(
      "init.output_dataset_id can only be given with count 1",
    );
  });

  it("an output_dataset_id that is already a dataset's is refused: the first one was served for both", async () => {
    // Two calls gave two batches one output id: a completed batch's results were a 404.
    const fake = new FakeCohere();
    const [queued] = fake.addBatches(1, { output_dataset_id: "shared" });
    expect(() =>
      fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED", output_dataset_id: "shared", num_records: 2 }),
    ).toThrow('init.output_dataset_id "shared" is the id of a dataset already');
    // Nor another batch's own (made-up) output id, nor an uploaded dataset's id.
    const [done] = fake.addBatches(1, { status: "BATCH_STATUS_COMPLETED", num_records: 2 });
    expect(() => fake.addBatches(1, { output_dataset_id: done?.output_dataset_id as string })).toThrow(
      /is the id of a dataset already$/,
    );
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch, maxRetries: 0 });
    const { id } = await client.datasets.create({ name: "in", type: "batch-chat-v2-input", data: "{}" });
    expect(() => fake.addBatches(1, { output_dataset_id: id })).toThrow(/is the id of a dataset already$/);
    expect(fake.listBatches().map((batch) => batch.id)).toEqual([queued?.id, done?.id]);
  });

  it("a download origin that is not http(s) is refused: its parts' URLs read null/...", () => {
    const fake = new FakeCohere();
    for (const origin of ["data:text/plain,x", "file:///tmp/x", "about:blank"])
      expect(() => {
        fake.downloadOrigin = origin;
      }).toThrow(/^downloadOrigin must be an http\(s\) URL/);
    fake.downloadOrigin = "http://127.0.0.1:9999/anything";
    expect(fake.downloadOrigin).toBe("http://127.0.0.1:9999");
  });

  it("handle refuses options other than { role } and a request that is no Request, before anything is recorded", async () => {
    // A misspelt role took every request for the API's; a URL string failed as "Cannot read properties".
    const fake = new FakeCohere();
    const request = () =>
      new Request("https://api.cohere.com/v2/batches", { headers: { authorization: "Bearer test-token" } });
    const refusals: [() => Promise<Response>, string | RegExp][] = [
      [
        () => fake.handle(request(), { rol: "download" } as never),
        /^handle's options\.rol is not an option \(misspelt\?\); known: role$/,
      ],
      [
        () => fake.handle(request(), { role: "downloads" } as never),
        /^handle's options\.role must be "api" or "download", got "downloads"$/,
      ],
      [() => fake.handle(request(), null as never), "handle's options must be an object, got null"],
      [() => fake.handle("https://api.cohere.com/v2/batches" as never), "handle(request) takes a Request, got string"],
      [() => fake.handle(null as never), "handle(request) takes a Request, got null"],
      [() => fake.handle({} as never), "handle(request) takes a Request, got an object that is not one"],
      // A url alone passed, and failed as "Cannot read properties of undefined (reading 'aborted')";
      // then one with what the check read and not what handle reads later (headers to walk).
      [
        () => fake.handle({ url: "https://api.cohere.com/v2/batches", method: "GET" } as never),
        "handle(request) takes a Request, got an object that is not one",
      ],
      [
        () =>
          fake.handle({
            url: "https://api.cohere.com/v2/batches",
            method: "GET",
            headers: { get: () => null },
            signal: { aborted: false },
            arrayBuffer: async () => new ArrayBuffer(0),
          } as never),
        "handle(request) takes a Request, got an object that is not one",
      ],
    ];
    for (const [call, message] of refusals) await expect(call()).rejects.toThrow(message);
    expect(fake.requests).toEqual([]);
    expect((await fake.handle(request(), { role: "api" })).status).toBe(200);
  });

  it("fake.fetch gives no body for a HEAD, as fetch does", async () => {
    const fake = new FakeCohere();
    const response = await fake.fetch(URL_, { method: "HEAD", headers: AUTH });
    expect(response.status).toBe(405);
    expect(response.body).toBeNull();
  });
});
