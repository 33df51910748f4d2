// datasets.records over real HTTP from a server that writes its parts by hand: odd or hostile
// files, bodies that stall, callers that do not await. Whatever a part holds, the iteration ends
// promptly with a typed error or done, and the part's connection is closed.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  CohereClient,
  CohereConnectionError,
  CohereError,
  CohereParseError,
  CohereTimeoutError,
  type RequestOptions,
} from "../../src/index.js";
import { writeAvroContainer } from "../../src/testing/avro-writer.js";
import { scriptedServer } from "../helpers/scripted-server.js";

const SYNC = new Uint8Array(16).fill(7);
const OUT = {
  type: "record",
  name: "Out",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"] },
  ],
};

/** A zigzag varint, as Avro writes longs. */
function varint(value: number): number[] {
  const out: number[] = [];
  for (let n = value * 2; ; n = Math.floor(n / 128)) {
    if (n < 128) return [...out, n];
    out.push((n % 128) | 128);
  }
}
const text = (value: string) => [...varint(value.length), ...new TextEncoder().encode(value)];
/** A record of OUT with a null body. */
const record = (id: string) => [...text(id), 0];
/** A block of `count` records whose encoded bytes are `data`. */
const block = (count: number, data: number[]) => [...varint(count), ...varint(data.length), ...data, ...SYNC];
/** The header (no records) of a file with `schema`, then `blocks`. */
async function file(schema: unknown, ...blocks: number[][]): Promise<Uint8Array> {
  return new Uint8Array([...(await writeAvroContainer(schema, [], { codec: "null", sync: SYNC })), ...blocks.flat()]);
}

type PartHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The whole part at once. */
const serve =
  (bytes: Uint8Array): PartHandler =>
  (_, response) => {
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    response.end(bytes);
  };

/** The first bytes of a part, then nothing: the connection stays open. */
const stallAfter =
  (bytes: Uint8Array): PartHandler =>
  (_, response) => {
    response.writeHead(200, { "content-type": "application/octet-stream" });
    response.write(bytes);
  };

/** Answers the retrieve of dataset "ds-1", its `count` parts at `${base}/part/<index>`. */
function answerDataset(response: ServerResponse, base: string, count: number, numRows: readonly number[] = []): void {
  const dataset = {
    id: "ds-1",
    name: "ds",
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    dataset_type: "batch-output",
    validation_status: "validated",
    // Part 0 has no `index`, as protobuf's JSON leaves a zero out: errors still name it part 0.
    dataset_parts: Array.from({ length: count }, (_, i) => ({
      id: `p${i}`,
      name: `part-${i}.avro`,
      ...(i === 0 ? {} : { index: i }),
      url: `${base}/part/${i}`,
      ...(numRows[i] === undefined ? {} : { num_rows: numRows[i] }),
    })),
  };
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ dataset }));
}

/**
 * A server for dataset "ds-1" whose parts are answered by `parts`; it counts the downloads and
 * notes when each part's connection closes.
 */
async function datasetServer(parts: PartHandler[], numRows?: readonly number[]) {
  const downloads: string[] = [];
  const closed: string[] = [];
  let base = "";
  const server = await scriptedServer((request, response) => {
    const url = request.url ?? "";
    const part = /^\/part\/(\d+)/.exec(url)?.[1];
    if (part !== undefined) {
      downloads.push(part);
      request.socket.on("close", () => closed.push(part));
      return (parts[Number(part)] as PartHandler)(request, response);
    }
    answerDataset(response, base, parts.length, numRows);
  });
  base = server.url;
  const client = (timeoutInSeconds = 5, maxRetries = 0) =>
    new CohereClient({ token: "test-token", baseUrl: base, maxRetries, timeoutInSeconds });
  return { client, downloads, closed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` pass. */
async function eventually(check: () => boolean, ms = 1_000): Promise<boolean> {
  for (const started = performance.now(); performance.now() - started < ms; await sleep(10)) if (check()) return true;
  return check();
}

/** The iteration's error (or undefined), and how long it took. */
async function drain(records: AsyncIterable<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    for await (const _ of records);
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** The custom ids read, and the error the iteration ended with (undefined if none). */
async function readIds(records: AsyncIterable<{ readonly custom_id?: unknown }>) {
  const seen: unknown[] = [];
  try {
    for await (const result of records) seen.push(result.custom_id);
    return { seen, error: undefined as unknown };
  } catch (error) {
    return { seen, error };
  }
}

/** A record with an array of nulls: items of zero bytes. */
const nullsSchema = {
  type: "record",
  name: "Out",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "a", type: { type: "array", items: "null" } },
  ],
};

describe("a hostile part ends promptly as a CohereParseError naming the part", () => {
  it("an array of zero-byte items (null) whose block claims 2^40 items", async () => {
    const { client } = await datasetServer([
      serve(await file(nullsSchema, block(1, [...text("x"), ...varint(2 ** 40), 0]))),
    ]);
    const { error, ms } = await drain(client().datasets.records("ds-1"));
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/part 0 \(part-0\.avro\) of dataset ds-1: block 0: .*1099511627776 items/);
    // About 180 ms alone; 1.3-1.5 s once with three test files beside it on 2 cores. Reading the
    // items one by one would take hours.
    expect(ms).toBeLessThan(3_000);
  });

  it("bytes that are not Avro, answered 206 or 204: the error carries that status, not 200", async () => {
    for (const status of [206, 204]) {
      const { client } = await datasetServer([
        (_, response) => {
          response.writeHead(status, { "content-type": "application/octet-stream" });
          response.end(status === 204 ? undefined : "not avro at all");
        },
      ]);
      const { error } = await drain(client().datasets.records("ds-1"));
      expect(CohereParseError.is(error), String(error)).toBe(true);
      expect((error as CohereParseError).status).toBe(status);
    }
  });

  it("but a valid array of more nulls than its block has bytes decodes", async () => {
    const { client } = await datasetServer([
      serve(await file(nullsSchema, block(1, [...text("x"), ...varint(1000), 0]))),
    ]);
    const seen: unknown[] = [];
    for await (const record of client().datasets.records("ds-1")) seen.push(record);
    expect(seen).toEqual([{ custom_id: "x", a: Array.from({ length: 1000 }, () => null) }]);
  });

  it("records nested deeper than the stack: a valid 100,000-deep list, and a record that contains itself", async () => {
    const list = {
      type: "record",
      name: "Out",
      fields: [
        { name: "custom_id", type: "string" },
        { name: "next", type: ["null", "Out"] },
      ],
    };
    const deep = [...text("x")];
    for (let i = 0; i < 100_000; i++) deep.push(1, ...text(""));
    deep.push(0);
    const endless = { type: "record", name: "Out", fields: [{ name: "self", type: "Out" }] };
    for (const bytes of [await file(list, block(1, deep)), await file(endless, block(1, [0]))]) {
      // The part stalls after its bytes: only a cancelled download closes its connection.
      const { client, closed } = await datasetServer([stallAfter(bytes)]);
      const { error, ms } = await drain(client().datasets.records("ds-1"));
      expect(CohereParseError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain("part 0 (part-0.avro) of dataset ds-1: block 0: ");
      expect(ms).toBeLessThan(2_000);
      expect(await eventually(() => closed.length === 1)).toBe(true);
    }
  });
});

describe("the records iterator", () => {
  it("serves next() calls made without awaiting the previous one in order, each record once, each part downloaded once", async () => {
    const part = async (p: number) => file(OUT, block(2, [...record(`p${p}a`), ...record(`p${p}b`)]));
    const { client, downloads } = await datasetServer([serve(await part(0)), serve(await part(1))]);
    const iterator = client().datasets.records("ds-1")[Symbol.asyncIterator]();
    const steps = await Promise.all(Array.from({ length: 6 }, () => iterator.next()));
    expect(steps.map((step) => (step.done ? "done" : step.value.custom_id))).toEqual([
      "p0a",
      "p0b",
      "p1a",
      "p1b",
      "done",
      "done",
    ]);
    expect(downloads).toEqual(["0", "1"]);
  });

  it("a record that is not an object ends the iteration: its part's download is cancelled and next() is then done", async () => {
    // A part of strings, one block sent and more to follow: only a cancel closes the connection.
    const { client, closed } = await datasetServer([stallAfter(await file("string", block(1, text("a"))))]);
    const iterator = client().datasets.records("ds-1")[Symbol.asyncIterator]();
    const error = await iterator.next().catch((caught: unknown) => caught);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toContain("part 0 (part-0.avro) of dataset ds-1: a record is not an object");
    expect(await eventually(() => closed.length === 1)).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("return() while a next() waits on a stalled part closes the connection at once, and the pending next() is done", async () => {
    const { client, closed } = await datasetServer([stallAfter(await file(OUT, block(1, record("r1"))))]);
    const iterator = client(3).datasets.records("ds-1")[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.custom_id).toBe("r1");
    const pending = iterator.next();
    await sleep(100);
    const started = performance.now();
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    // Not after timeoutInSeconds (3 s), when the wait for bytes would have given up.
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(500);
    expect(await eventually(() => closed.length === 1, 500)).toBe(true);
  });

  it("return() while a part's download waits for its headers cancels that download once they come", async () => {
    const bytes = await file(OUT, block(1, record("r1")));
    const { client, downloads, closed } = await datasetServer([
      (request, response) => setTimeout(() => stallAfter(bytes)(request, response), 200),
    ]);
    const iterator = client(3).datasets.records("ds-1")[Symbol.asyncIterator]();
    const pending = iterator.next();
    expect(await eventually(() => downloads.length === 1)).toBe(true);
    const started = performance.now();
    await iterator.return?.();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await eventually(() => closed.length === 1, 500)).toBe(true);
  });

  // The pending next() waited until the host answered, or the attempt's timeout and every retry
  // ran out (up to 15 minutes with the defaults), the connection open and the process kept alive.
  it("return() while a part's host has not answered ends that download at once: the connection closes", async () => {
    const { client, downloads, closed } = await datasetServer([() => {}]); // never answers
    const iterator = client(3, 2).datasets.records("ds-1")[Symbol.asyncIterator]();
    const pending = iterator.next();
    expect(await eventually(() => downloads.length === 1)).toBe(true);
    const started = performance.now();
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(await pending).toEqual({ done: true, value: undefined });
    // Not after timeoutInSeconds (3 s), when the attempt would have given up, then been retried.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await eventually(() => closed.length === 1, 1_000)).toBe(true);
    expect(downloads).toEqual(["0"]);
  });

  it("return() while a part's download waits out a Retry-After ends the wait: nothing more is sent", async () => {
    const { client, downloads } = await datasetServer([
      (_, response) => {
        response.writeHead(503, { "retry-after": "20" });
        response.end();
      },
    ]);
    const iterator = client(3, 2).datasets.records("ds-1")[Symbol.asyncIterator]();
    const pending = iterator.next();
    expect(await eventually(() => downloads.length === 1)).toBe(true);
    await sleep(100); // the 503 is in: the retry layer waits 20 s
    const started = performance.now();
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(1_000);
    await sleep(200);
    expect(downloads).toEqual(["0"]);
  });
});

describe("a part read again after it broke off", () => {
  it("skips the records already yielded in constant memory: 200,000 skipped hold no more live heap than reading them", async () => {
    // Each skipped record's promise resolved with the next one's, a chain held until the first
    // new record: about 90 B of live heap a record (184 MiB for 1.9 million skipped).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const count = 200_000;
    const ids = Array.from({ length: count }, (_, i) => ({ custom_id: `r${i}`, body: null }));
    const whole = await writeAvroContainer(OUT, ids, { codec: "null", sync: SYNC, blockRecords: 5_000 });
    let served = 0;
    const { client } = await datasetServer([
      (_, response) => {
        response.writeHead(200, { "content-type": "application/octet-stream", "content-length": whole.length });
        // The first download breaks off at 97% of the file (the connection is destroyed).
        if (served++ > 0) return response.end(whole);
        response.write(whole.subarray(0, Math.floor(whole.length * 0.97)));
        setTimeout(() => response.destroy(), 50);
      },
    ]);
    let read = 0;
    let before = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 40);
    try {
      for await (const _ of client(5, 1).datasets.records("ds-1")) {
        if (++read === 1_000) {
          gc();
          before = process.memoryUsage().heapUsed;
          peak = before;
        }
      }
    } finally {
      clearInterval(sampler);
    }
    expect(read).toBe(count);
    expect(served).toBe(2);
    expect((peak - before) / 2 ** 20).toBeLessThan(6);
  });
});

describe("a part whose bytes keep coming but whose records do not", () => {
  /** `head` at once, then `next()`'s bytes every `everyMs` until the connection closes. */
  const trickle =
    (head: Uint8Array, next: () => Uint8Array, everyMs: number): PartHandler =>
    (_, response) => {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.write(head);
      const timer = setInterval(() => response.write(next()), everyMs);
      response.on("close", () => clearInterval(timer));
    };
  const records = (count: number) => Array.from({ length: count }, (_, i) => record(`r${i}`)).flat();
  /** A block of `count` records, each with a body of `length` characters. */
  const withBodies = (count: number, length: number) =>
    block(count, Array.from({ length: count }, (_, i) => [...text(`r${i}`), 2, ...text("x".repeat(length))]).flat());
  /** `bytes` from `from` on, `size` at a time: what `trickle` sends next. */
  const slices = (bytes: Uint8Array, from: number, size: number) => {
    let at = from;
    return () => {
      at += size;
      return bytes.subarray(at - size, at);
    };
  };

  // Each chunk's wait was bounded, the whole wait for a record was not: a body that sends a
  // byte every 100 ms, or a valid empty block every 100 ms, held next() for ever.
  it("one byte at a time, or empty blocks without end: a CohereTimeoutError naming the part, after the timeout", async () => {
    const whole = await file(OUT, block(3, records(3)));
    const header = await file(OUT);
    const slowBytes = trickle(header, slices(whole, header.length, 1), 100);
    const emptyBlocks = trickle(header, () => new Uint8Array(block(0, [])), 100);
    for (const part of [slowBytes, emptyBlocks]) {
      const { client, closed } = await datasetServer([part]);
      const { error, ms } = await drain(client(0.5).datasets.records("ds-1"));
      expect(CohereTimeoutError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toBe(
        "datasets.download (GET part 0 (part-0.avro) of dataset ds-1): No record of the part, and under 1024 bytes a second of it, for 0.5 s",
      );
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(2_000);
      expect(await eventually(() => closed.length === 1)).toBe(true);
    }
  });

  it("is read again with the retries left, and no record is yielded twice", async () => {
    const whole = await file(OUT, block(1, record("r0")), block(2, [...record("r1"), ...record("r2")]));
    const firstBlockEnd = whole.length - block(2, [...record("r1"), ...record("r2")]).length;
    let served = 0;
    const { client, downloads } = await datasetServer([
      (request, response) =>
        served++ === 0
          ? trickle(whole.subarray(0, firstBlockEnd), () => new Uint8Array(block(0, [])), 100)(request, response)
          : serve(whole)(request, response),
    ]);
    const seen: unknown[] = [];
    for await (const result of client(0.5, 1).datasets.records("ds-1")) seen.push(result.custom_id);
    expect(seen).toEqual(["r0", "r1", "r2"]);
    expect(downloads).toEqual(["0", "0"]);
  });

  it("a slow link's large block goes on: bytes that keep coming at 1 KiB a second or more are progress", async () => {
    // One block of 1,200 records (about 130 kB) at about 80 kB a second: 1.6 s for its first
    // record, with a timeout of 0.5 s. A deadline per record failed it on every attempt.
    const big = await file(OUT, withBodies(1200, 100));
    const header = await file(OUT);
    const { client, downloads } = await datasetServer([trickle(header, slices(big, header.length, 4096), 50)]);
    let count = 0;
    const started = performance.now();
    for await (const _ of client(0.5).datasets.records("ds-1")) if (++count === 1200) break;
    expect(count).toBe(1200);
    expect(performance.now() - started).toBeGreaterThan(1_000);
    expect(downloads).toEqual(["0"]);
  });

  it("bytes at 2 kB a second go on however the chunks are cut: windows that dropped what a chunk brought past them asked twice that", async () => {
    // 100 bytes every 50 ms, a timeout of 0.1 s: a window of 0.1 s asks 102 bytes, and two
    // chunks of 100 filled it with 98 to spare, which were lost.
    const whole = await file(OUT, withBodies(60, 40));
    const header = await file(OUT);
    const { client, downloads } = await datasetServer([trickle(header, slices(whole, header.length, 100), 50)]);
    let count = 0;
    for await (const _ of client(0.1).datasets.records("ds-1")) if (++count === 60) break;
    expect(count).toBe(60);
    expect(downloads).toEqual(["0"]);
  });

  it("an early burst buys no more than the timeout: 20 kB at once, then a byte every 100 ms, ends in about a second", async () => {
    // Counted as an average since the wait began, the burst bought 20 s of trickle.
    const big = await file(OUT, withBodies(1200, 100));
    const head = big.subarray(0, 20_000);
    const { client } = await datasetServer([trickle(head, slices(big, head.length, 1), 100)]);
    const { error, ms } = await drain(client(0.5).datasets.records("ds-1"));
    expect(CohereTimeoutError.is(error), String(error)).toBe(true);
    expect(ms).toBeLessThan(3_000);
  });

  it("blocks without records, sent as fast as they go, end as a CohereParseError: they are bytes, not progress", async () => {
    const { client, closed } = await datasetServer([
      trickle(await file(OUT), () => new Uint8Array(Array.from({ length: 100 }, () => block(0, [])).flat()), 1),
    ]);
    const { error, ms } = await drain(client(5).datasets.records("ds-1"));
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).issues[0]).toMatch(
      /^part 0 \(part-0\.avro\) of dataset ds-1: block \d+: 1000 blocks in a row hold no records$/,
    );
    expect(ms).toBeLessThan(2_000);
    expect(await eventually(() => closed.length === 1)).toBe(true);
  });

  it("counts each record's wait, not the caller's time nor the whole part's", async () => {
    // A record every 300 ms, 5 in all (1.5 s), read by a caller that also takes 300 ms per
    // record, with a timeout of 0.5 s: every wait is shorter than it, the whole read is not.
    const blocks = Array.from({ length: 5 }, (_, i) => new Uint8Array(block(1, record(`r${i}`))));
    let sent = 0;
    const { client } = await datasetServer([
      trickle(await file(OUT), () => blocks[sent++] ?? new Uint8Array(block(0, [])), 300),
    ]);
    const seen: unknown[] = [];
    const started = performance.now();
    for await (const result of client(0.5).datasets.records("ds-1")) {
      seen.push(result.custom_id);
      if (seen.length === 5) break;
      await sleep(300);
    }
    expect(seen).toEqual(["r0", "r1", "r2", "r3", "r4"]);
    expect(performance.now() - started).toBeGreaterThan(1_000);
  });
});

describe("a part that ends cleanly before its num_rows", () => {
  // Served without Content-Length (chunked, ended properly): only the count can tell the file was cut.
  const chunked =
    (bytes: Uint8Array): PartHandler =>
    (_, response) => {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(bytes);
    };
  const ids = (...names: string[]) => names.flatMap((name) => record(name));

  it("is read again, skipping the records yielded, when the file was cut between two blocks", async () => {
    const cut = await file(OUT, block(2, ids("r0", "r1")));
    const whole = await file(OUT, block(2, ids("r0", "r1")), block(1, ids("r2")));
    let served = 0;
    const { client, downloads } = await datasetServer(
      [(request, response) => chunked(served++ === 0 ? cut : whole)(request, response)],
      [3],
    );
    const seen: unknown[] = [];
    for await (const result of client(5, 1).datasets.records("ds-1")) seen.push(result.custom_id);
    expect(seen).toEqual(["r0", "r1", "r2"]);
    expect(downloads).toEqual(["0", "0"]);
  });

  it("with no retries left, a CohereConnectionError named as a download's, with both counts and the attempts", async () => {
    const { client, downloads } = await datasetServer([chunked(await file(OUT, block(2, ids("r0", "r1"))))], [3]);
    const { seen, error } = await readIds(client(5, 0).datasets.records("ds-1"));
    expect(seen).toEqual(["r0", "r1"]);
    expect(CohereConnectionError.is(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      "datasets.download (GET part 0 (part-0.avro) of dataset ds-1): The part ended after 2 of its 3 records (its num_rows); 1 attempt made",
    );
    expect(downloads).toEqual(["0"]);
  });

  it("short at the same count twice: a CohereParseError after two downloads, not one per retry", async () => {
    const { client, downloads } = await datasetServer([chunked(await file(OUT, block(2, ids("r0", "r1"))))], [3]);
    const { seen, error } = await readIds(client(5, 4).datasets.records("ds-1"));
    expect(seen).toEqual(["r0", "r1"]);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).issues).toEqual([
      "part 0 (part-0.avro) of dataset ds-1: it ended after 2 records in two downloads, but its num_rows is 3",
    ]);
    expect(downloads).toEqual(["0", "0"]);
  });

  it("short at another count each time (a cut in transit): read again until whole", async () => {
    const bodies = [
      await file(OUT, block(1, ids("r0"))),
      await file(OUT, block(1, ids("r0")), block(1, ids("r1"))),
      await file(OUT, block(1, ids("r0")), block(1, ids("r1")), block(1, ids("r2"))),
    ];
    let served = 0;
    const { client, downloads } = await datasetServer(
      [(request, response) => chunked(bodies[served++] as Uint8Array)(request, response)],
      [3],
    );
    const seen: unknown[] = [];
    for await (const result of client(5, 2).datasets.records("ds-1")) seen.push(result.custom_id);
    expect(seen).toEqual(["r0", "r1", "r2"]);
    expect(downloads).toEqual(["0", "0", "0"]);
  });

  it("return() while the part is read again ends the waiting next() done, not as a part that changed", async () => {
    let served = 0;
    const short = await file(OUT, block(2, ids("r0", "r1")));
    const { client } = await datasetServer(
      [(request, response) => (served++ === 0 ? chunked(short) : stallAfter(new Uint8Array(0)))(request, response)],
      [3],
    );
    const records = client(5, 1).datasets.records("ds-1")[Symbol.asyncIterator]();
    expect((await records.next()).value?.custom_id).toBe("r0");
    expect((await records.next()).value?.custom_id).toBe("r1");
    const waiting = records.next();
    await eventually(() => served === 2);
    await sleep(50);
    await expect(records.return?.()).resolves.toEqual({ done: true, value: undefined });
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it("a num_rows that is no int32 count (2.5, 2^53) is not trusted: the part is read as it is", async () => {
    const two = await file(OUT, block(2, ids("r0", "r1")));
    const { client, downloads } = await datasetServer([chunked(two), chunked(two)], [2.5, 2 ** 53]);
    const seen: unknown[] = [];
    for await (const result of client(5, 2).datasets.records("ds-1")) seen.push(result.custom_id);
    expect(seen).toEqual(["r0", "r1", "r0", "r1"]);
    expect(downloads).toEqual(["0", "1"]);
  });

  it("more records than num_rows, or a part without it, are read as they are", async () => {
    const two = await file(OUT, block(2, ids("r0", "r1")));
    const { client, downloads } = await datasetServer([chunked(two), chunked(two)], [1]);
    const seen: unknown[] = [];
    for await (const result of client(5, 0).datasets.records("ds-1")) seen.push(result.custom_id);
    expect(seen).toEqual(["r0", "r1", "r0", "r1"]);
    expect(downloads).toEqual(["0", "1"]);
  });
});

describe("a part read again that is not the part read before", () => {
  it("a download read again that ends before the records already yielded is a CohereParseError, not a quiet end", async () => {
    const two = await file(OUT, block(2, [...record("r0"), ...record("r1")]));
    let served = 0;
    const { client, downloads } = await datasetServer([
      (request, response) => {
        if (served++ > 0) return serve(file1)(request, response);
        // Both records, then the connection breaks: the part is read again, and holds one now.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.write(two);
        setTimeout(() => response.socket?.destroy(), 100);
      },
    ]);
    const file1 = await file(OUT, block(1, record("x0")));
    const { seen, error } = await readIds(client(5, 1).datasets.records("ds-1"));
    expect(seen).toEqual(["r0", "r1"]);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).issues).toEqual([
      "part 0 (part-0.avro) of dataset ds-1: read again, it ended after 1 records, but 2 were already yielded from it: the part changed between its downloads",
    ]);
    expect(downloads).toEqual(["0", "0"]);
  });

  /** A file of OUT written with its own sync marker: another writer's file. */
  const otherFile = async (...names: string[]) => {
    const sync = new Uint8Array(16).fill(9);
    const data = names.flatMap((name) => record(name));
    const blocks = [...varint(names.length), ...varint(data.length), ...data, ...sync];
    return new Uint8Array([...(await writeAvroContainer(OUT, [], { codec: "null", sync })), ...blocks]);
  };
  const whole = (bytes: Uint8Array): PartHandler => serve(bytes);

  it("read again after it ended short of num_rows, another file (another sync marker) is a CohereParseError, not a mix of two files", async () => {
    const first = await file(OUT, block(2, [...record("a0"), ...record("a1")]));
    const other = await otherFile("b0", "b1", "b2", "b3");
    let served = 0;
    const { client, downloads } = await datasetServer(
      [(request, response) => whole(served++ === 0 ? first : other)(request, response)],
      [4],
    );
    const { seen, error } = await readIds(client(5, 1).datasets.records("ds-1"));
    // Skipped by count alone, the read went on with b2 and b3: a0, a1, b2, b3 and no error.
    expect(seen).toEqual(["a0", "a1"]);
    expect(CohereParseError.is(error), String(error)).toBe(true);
    expect((error as CohereParseError).issues).toEqual([
      "part 0 (part-0.avro) of dataset ds-1: header: read again, it is not the file read before (another sync marker): the part changed between its downloads",
    ]);
    expect(downloads).toEqual(["0", "0"]);
  });

  it("a body that broke off before its first record is read again whole, whatever file it holds now", async () => {
    const first = await file(OUT, block(2, [...record("a0"), ...record("a1")]));
    const other = await otherFile("b0", "b1");
    let served = 0;
    const { client } = await datasetServer([
      (request, response) => {
        if (served++ > 0) return whole(other)(request, response);
        // The header only, then the connection breaks.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.write(first.subarray(0, first.length - 20));
        setTimeout(() => response.socket?.destroy(), 50);
      },
    ]);
    await expect(readIds(client(5, 1).datasets.records("ds-1"))).resolves.toEqual({
      seen: ["b0", "b1"],
      error: undefined,
    });
  });

  it("fresh URLs whose parts were renumbered: a CohereError, not another part's records read in its place", async () => {
    const bytes = {
      a: await file(OUT, block(1, record("a0"))),
      b: await file(OUT, block(2, [...record("b0"), ...record("b1")])),
    };
    let retrieves = 0;
    const server = await scriptedServer((request, response) => {
      const name = /^\/part\/([ab])\?v=(\d)/.exec(request.url ?? "");
      if (name !== null) {
        // b's first URL has expired.
        if (name[1] === "b" && name[2] === "1") return response.writeHead(403).end();
        return serve(bytes[name[1] as "a" | "b"])(request, response);
      }
      const v = ++retrieves;
      // The second list has b first: read by position, b's place would now hold a again.
      const order = v === 1 ? ["a", "b"] : ["b", "a"];
      const dataset_parts = order.map((part, index) => ({
        id: part,
        name: `${part}.avro`,
        index,
        url: `${server.url}/part/${part}?v=${v}`,
      }));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          dataset: {
            id: "ds-1",
            name: "ds",
            dataset_type: "x",
            validation_status: "validated",
            created_at: "2024-01-01T00:00:00Z",
            updated_at: "2024-01-01T00:00:00Z",
            dataset_parts,
          },
        }),
      );
    });
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 0 });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const result of client.datasets.records("ds-1")) seen.push(result.custom_id);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(["a0"]);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toBe(
      "part 1 (b.avro) of dataset ds-1 is not at its place in the refreshed dataset",
    );
    expect(retrieves).toBe(2);
  });
});

describe("bytes and fixed values", () => {
  it("are plain Uint8Arrays over their own buffer whatever the codec (Node's zlib gives Buffers over the whole block)", async () => {
    const schema = {
      type: "record",
      name: "Out",
      fields: [
        { name: "custom_id", type: "string" },
        { name: "f", type: { type: "fixed", name: "F4", size: 4 } },
        { name: "b", type: "bytes" },
      ],
    };
    const records = Array.from({ length: 50 }, (_, i) => ({
      custom_id: `r${i}`,
      f: new Uint8Array([1, 2, 3, 4]),
      b: new Uint8Array([5, 6]),
    }));
    for (const codec of ["deflate", "null"] as const) {
      const { client } = await datasetServer([serve(await writeAvroContainer(schema, records, { codec }))]);
      const iterator = client().datasets.records("ds-1")[Symbol.asyncIterator]();
      const first = (await iterator.next()).value;
      await iterator.return?.();
      for (const value of [first?.f, first?.b] as Uint8Array[]) {
        expect(value.constructor, codec).toBe(Uint8Array);
        expect(value.buffer.byteLength, codec).toBe(value.length);
      }
      expect(first?.b).toEqual(new Uint8Array([5, 6]));
    }
  });
});

describe("the results iterator before its first part", () => {
  /** A server whose dataset retrieve answers as `answer` says; it notes when that connection closes. */
  async function openingServer(answer: "stall" | 404) {
    let closed = false;
    const server = await scriptedServer((request, response) => {
      request.socket.on("close", () => {
        closed = true;
      });
      if (answer === 404) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "dataset not found" }));
      }
    });
    const client = new CohereClient({ token: "test-token", baseUrl: server.url, maxRetries: 0, timeoutInSeconds: 3 });
    return { client, wasClosed: () => closed };
  }

  /** A dataset of one empty part; it notes each request's x-tenant header. */
  async function headersServer() {
    const headers: (string | undefined)[] = [];
    const empty = await file(OUT);
    let base = "";
    const server = await scriptedServer((request, response) => {
      headers.push(request.headers["x-tenant"] as string | undefined);
      if ((request.url ?? "").startsWith("/part/")) return serve(empty)(request, response);
      answerDataset(response, base, 1);
    });
    base = server.url;
    return { client: new CohereClient({ token: "test-token", baseUrl: base, maxRetries: 0 }), headers };
  }

  it("return() while next() waits on the dataset's retrieve ends that request: both settle at once, done", async () => {
    for (const read of ["records", "results"] as const) {
      const { client, wasClosed } = await openingServer("stall");
      const iterable = read === "records" ? client.datasets.records("ds-1") : client.batches.results("b-1");
      const iterator = iterable[Symbol.asyncIterator]();
      const pending = iterator.next();
      await sleep(150);
      const started = performance.now();
      expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
      expect(await pending).toEqual({ done: true, value: undefined });
      // Not after timeoutInSeconds (3 s), when the retrieve would have given up.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await eventually(wasClosed, 1_000)).toBe(true);
    }
  });

  it("after the opening failed, next() is done, as a generator's after it threw", async () => {
    const { client } = await openingServer(404);
    const iterator = client.datasets.records("ds-1")[Symbol.asyncIterator]();
    const [first, second] = await Promise.allSettled([iterator.next(), iterator.next()]);
    expect(first.status).toBe("rejected");
    expect((first as PromiseRejectedResult).reason).toMatchObject({ status: 404 });
    expect(second).toEqual({ status: "fulfilled", value: { done: true, value: undefined } });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("options that throw as they are read are a CohereError, as for any call; inherited ones are honoured", async () => {
    const { client } = await openingServer(404);
    const unreadable = {
      get timeoutInSeconds(): number {
        throw new Error("boom");
      },
    };
    for (const read of [
      () => client.datasets.records("ds-1", unreadable),
      () => client.batches.results("b-1", unreadable),
    ]) {
      const error = await read()
        [Symbol.asyncIterator]()
        .next()
        .catch((e: unknown) => e);
      expect(CohereError.is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain("could not be read");
    }
    const { client: seen, headers } = await headersServer();
    const inherited = Object.create({ headers: { "x-tenant": "a" } }) as RequestOptions;
    await drain(seen.datasets.records("ds-1", inherited));
    // The dataset's retrieve carries it; the part's download, on the storage host, carries none.
    expect(headers).toEqual(["a", undefined]);
  });

  it("an abortSignal that is not one is refused before anything is sent, as for any call", async () => {
    for (const abortSignal of ["junk", null]) {
      const { client: seen, headers } = await headersServer();
      const options = { abortSignal } as never;
      for (const read of [() => seen.datasets.records("ds-1", options), () => seen.batches.results("b-1", options)]) {
        const error = await read()
          [Symbol.asyncIterator]()
          .next()
          .catch((e: unknown) => e);
        expect(CohereError.is(error), String(error)).toBe(true);
        expect((error as Error).message).toContain("abortSignal");
      }
      expect(headers).toEqual([]);
    }
  });

  it("options whose getters read private fields are read as any call reads them", async () => {
    class Options {
      #timeout = 5;
      get timeoutInSeconds(): number {
        return this.#timeout;
      }
    }
    const { client: seen, headers } = await headersServer();
    const { error } = await drain(seen.datasets.records("ds-1", new Options() as RequestOptions));
    expect(error).toBeUndefined();
    expect(headers).toHaveLength(2);
  });

  it("return() while next() waits on the retrieve for fresh URLs (the part refused) ends that request: done at once", async () => {
    let datasetCalls = 0;
    let base = "";
    const server = await scriptedServer((request, response) => {
      if ((request.url ?? "").startsWith("/part/")) {
        response.writeHead(403, { "content-type": "application/xml" });
        return response.end("<Error><Code>AccessDenied</Code></Error>");
      }
      // The first retrieve answers; the refresh after the refused part never does.
      if (++datasetCalls > 1) return;
      answerDataset(response, base, 1);
    });
    base = server.url;
    const client = new CohereClient({ token: "test-token", baseUrl: base, maxRetries: 0, timeoutInSeconds: 5 });
    const iterator = client.datasets.records("ds-1")[Symbol.asyncIterator]();
    const pending = iterator.next();
    expect(await eventually(() => datasetCalls === 2, 2_000)).toBe(true);
    const started = performance.now();
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    // Not after timeoutInSeconds (5 s), when the refresh would have given up.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("its iterator is async-iterable itself, as a generator's is: a loop can go on where next() left off", async () => {
    const { client } = await datasetServer([serve(await file(OUT, block(2, [...record("r1"), ...record("r2")])))]);
    const iterator = client().datasets.records("ds-1")[Symbol.asyncIterator]() as AsyncIterableIterator<{
      custom_id: string;
    }>;
    expect((await iterator.next()).value?.custom_id).toBe("r1");
    const rest: string[] = [];
    for await (const result of iterator) rest.push(result.custom_id);
    expect(rest).toEqual(["r2"]);
  });
});
