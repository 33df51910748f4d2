import { describe, expect, it } from "vitest";
import {
  ApiError,
  BadRequestError,
  CohereConnectionError,
  CohereParseError,
  CohereTimeoutError,
  GatewayTimeoutError,
  InternalServerError,
  NotImplementedError,
  TooManyRequestsError,
  type CohereClient,
} from "../../src/index.js";
import type { Fault } from "../../src/testing/index.js";
import { startIsolatedFake } from "../helpers/isolated-fake.js";

type Operation = "list" | "create" | "retrieve" | "cancel";
type Outcome = "ok" | (abstract new (...args: never[]) => Error);

/**
 * One row of the matrix: a fault, how often it is injected, and what each operation should
 * end in. `create` runs without an idempotency key: where the server may have acted, the SDK
 * must not send it again.
 */
interface Row {
  readonly name: string;
  readonly fault: Fault;
  readonly times?: number;
  /** Outcome and attempts for list / retrieve / cancel, and for create. */
  readonly repeatable: readonly [Outcome, number];
  readonly create: readonly [Outcome, number];
  /** Overrides for single operations (a body shape only one operation accepts). */
  readonly only?: Partial<Record<Operation, readonly [Outcome, number]>>;
  /** The least time the call must take: the server's asked delay. */
  readonly atLeastMs?: number;
  /** The most time the call may take. */
  readonly atMostMs?: number;
}

const httpDateIn = (seconds: number) => new Date(Date.now() + seconds * 1000).toUTCString();

/** The matrix. The README's reliability section prints it. */
const faultMatrix: readonly Row[] = [
  {
    name: "429 + Retry-After: 1 (seconds)",
    fault: { type: "status", status: 429, retryAfter: "1" },
    repeatable: ["ok", 2],
    create: ["ok", 2],
    atLeastMs: 990,
  },
  {
    name: "429 + Retry-After as an HTTP date (+2 s)",
    fault: { type: "status", status: 429, retryAfter: "" },
    repeatable: ["ok", 2],
    create: ["ok", 2],
    atLeastMs: 900,
  },
  {
    name: "429 + retry-after-ms: 150",
    fault: { type: "status", status: 429, retryAfterMs: 150 },
    repeatable: ["ok", 2],
    create: ["ok", 2],
    atLeastMs: 145,
  },
  {
    name: "429 + Retry-After: 120 (over the 60 s cap)",
    fault: { type: "status", status: 429, retryAfter: "120" },
    repeatable: [TooManyRequestsError, 1],
    create: [TooManyRequestsError, 1],
    atMostMs: 500,
  },
  { name: "408", fault: { type: "status", status: 408 }, repeatable: ["ok", 2], create: [ApiError, 1] },
  { name: "409", fault: { type: "status", status: 409 }, repeatable: ["ok", 2], create: [ApiError, 1] },
  { name: "500", fault: { type: "status", status: 500 }, repeatable: ["ok", 2], create: [InternalServerError, 1] },
  { name: "502", fault: { type: "status", status: 502 }, repeatable: ["ok", 2], create: [ApiError, 1] },
  { name: "503", fault: { type: "status", status: 503, retryAfterMs: 10 }, repeatable: ["ok", 2], create: ["ok", 2] },
  { name: "504", fault: { type: "status", status: 504 }, repeatable: ["ok", 2], create: [GatewayTimeoutError, 1] },
  {
    name: "501 (never retried)",
    fault: { type: "status", status: 501 },
    repeatable: [NotImplementedError, 1],
    create: [NotImplementedError, 1],
  },
  {
    name: "500 three times (retries spent)",
    fault: { type: "status", status: 500, retryAfterMs: 1 },
    times: 3,
    repeatable: [InternalServerError, 3],
    create: [InternalServerError, 1],
  },
  {
    name: "dropped connection before the response",
    fault: { type: "drop" },
    repeatable: ["ok", 2],
    create: [CohereConnectionError, 1],
  },
  {
    name: "connection reset mid-body",
    fault: { type: "reset-mid-body" },
    repeatable: ["ok", 2],
    create: [CohereConnectionError, 1],
  },
  {
    name: "slow headers (2 s, timeout 0.3 s)",
    fault: { type: "delay", ms: 2_000 },
    repeatable: ["ok", 2],
    create: [CohereTimeoutError, 1],
    atMostMs: 1_900,
  },
  {
    name: "stalled body (timeout 0.3 s)",
    fault: { type: "stall-body" },
    repeatable: ["ok", 2],
    create: [CohereTimeoutError, 1],
    atMostMs: 1_900,
  },
  {
    name: "empty 200 body",
    fault: { type: "empty-body" },
    repeatable: [CohereParseError, 1],
    create: [CohereParseError, 1],
    only: { cancel: ["ok", 1] },
  },
  {
    name: "HTML error body (502 page from a proxy)",
    fault: {
      type: "status",
      status: 500,
      body: "<html><body><h1>500 Internal Server Error</h1></body></html>",
      retryAfterMs: 1,
    },
    times: 3,
    repeatable: [InternalServerError, 3],
    create: [InternalServerError, 1],
  },
  {
    name: "plain-text error body (400)",
    fault: { type: "status", status: 400, body: "bad request" },
    repeatable: [BadRequestError, 1],
    create: [BadRequestError, 1],
  },
  {
    name: "invalid JSON 200 body",
    fault: { type: "malformed-body" },
    repeatable: [CohereParseError, 1],
    create: [CohereParseError, 1],
  },
  {
    name: "200 missing required fields",
    fault: { type: "missing-field" },
    repeatable: [CohereParseError, 1],
    create: [CohereParseError, 1],
    only: { list: ["ok", 1], cancel: ["ok", 1] },
  },
];

const operations: readonly Operation[] = ["list", "create", "retrieve", "cancel"];

async function call(client: CohereClient, operation: Operation, id: string): Promise<unknown> {
  switch (operation) {
    case "list":
      return client.batches.list();
    case "create":
      return client.batches.create({ name: "matrix", input_dataset_id: "ds-1", model: "command-r" });
    case "retrieve":
      return client.batches.retrieve(id);
    case "cancel":
      return client.batches.cancel(id);
  }
}

describe.concurrent("fault matrix: every operation x every fault, over HTTP", () => {
  for (const row of faultMatrix) {
    for (const operation of operations) {
      const [outcome, attempts] = row.only?.[operation] ?? (operation === "create" ? row.create : row.repeatable);
      const expected = outcome === "ok" ? "succeeds" : `throws ${outcome.name}`;
      it(`${row.name} / ${operation}: ${expected} after ${attempts} attempt(s)`, async () => {
        const fixture = await startIsolatedFake();
        try {
          const client = fixture.client({ timeoutInSeconds: 0.3 });
          const { batch } = await client.batches.create({
            name: "existing",
            input_dataset_id: "ds-1",
            model: "command-r",
          });
          const before = fixture.fake.count(operation);
          const fault =
            row.fault.type === "status" && row.fault.retryAfter === ""
              ? { ...row.fault, retryAfter: httpDateIn(2) }
              : row.fault;
          fixture.fake.inject(operation, fault, { times: row.times ?? 1 });

          const started = performance.now();
          const result = await call(client, operation, batch.id!).then(
            (data) => ({ data }),
            (error: unknown) => ({ error }),
          );
          const elapsed = performance.now() - started;

          if (outcome === "ok") expect(result).toHaveProperty("data");
          else expect((result as { error?: unknown }).error).toBeInstanceOf(outcome);
          expect(fixture.fake.count(operation) - before).toBe(attempts);
          if (row.atLeastMs !== undefined) expect(elapsed).toBeGreaterThanOrEqual(row.atLeastMs);
          if (row.atMostMs !== undefined) expect(elapsed).toBeLessThan(row.atMostMs);
          if (operation === "create") {
            // Never two batches from one call: the one made before, plus at most this one.
            expect(fixture.fake.listBatches().length).toBeLessThanOrEqual(2);
          }
        } finally {
          await fixture.close();
        }
      });
    }
  }
});
