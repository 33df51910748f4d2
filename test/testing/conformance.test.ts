// Conformance of the fake's wire output to Cohere's OpenAPI spec, independent of any SDK:
// every body the fake sends in a full life-cycle scenario is validated with ajv against the
// schemas the spec declares for that operation and status. The schemas come from
// test/generated/batches-responses.schema.json, which `npm run generate` derives from the spec
// (and `npm run generate:check` keeps current), so this test needs nothing outside the repository.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { FakeCohere, type FakeCohereServer, ManualClock, startFakeCohereServer } from "../../src/testing/index.node.js";

interface ResponseSchemas {
  /** path -> method -> status -> the JSON schema of the response body. */
  paths: Record<string, Record<string, Record<string, object>>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; enum?: string[] }> };
}

const spec = JSON.parse(
  readFileSync(new URL("../generated/batches-responses.schema.json", import.meta.url), "utf8"),
) as ResponseSchemas;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The whole document as one schema, so the spec's own "#/components/schemas/X" refs resolve.
ajv.addSchema({ ...spec, $id: "spec" });

type OperationName = "list" | "create" | "retrieve" | "cancel";
const OPERATIONS: Record<OperationName, { path: string; method: string }> = {
  list: { path: "/v2/batches", method: "get" },
  create: { path: "/v2/batches", method: "post" },
  retrieve: { path: "/v2/batches/{id}", method: "get" },
  cancel: { path: "/v2/batches/{id}:cancel", method: "post" },
};
// Statuses the fake sends that the spec does not declare, each a documented choice.
const UNDECLARED_ALLOWED: Record<number, string> = { 422: "Idempotency-Key reused with another body" };

const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(ref: string): ReturnType<typeof ajv.compile> {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `spec${ref}` });
    validators.set(ref, validate);
  }
  return validate;
}

/** A JSON pointer (as a URI fragment) to the schema the spec declares, if it declares one. */
function declaredSchemaRef(operation: OperationName, status: number): string | undefined {
  const { path, method } = OPERATIONS[operation];
  if (spec.paths[path]?.[method]?.[String(status)] === undefined) return undefined;
  const escapedPath = encodeURIComponent(path.replaceAll("~", "~0").replaceAll("/", "~1"));
  return `#/paths/${escapedPath}/${method}/${status}`;
}

interface Exchange {
  readonly operation: OperationName;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

const BATCH_PROPERTIES = new Set(Object.keys(spec.components.schemas["Batch"]?.properties ?? {}));
const STATUSES = new Set(spec.components.schemas["BatchStatus"]?.enum ?? []);
// protobuf's JSON form of a Timestamp: UTC, 0, 3, 6 or 9 fraction digits (the API's int64-as-string
// counts are the same mapping).
const RFC3339_PROTOBUF = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

/** A protobuf JSON timestamp's microseconds since the epoch (Date.parse keeps only milliseconds). */
function microsOf(stamp: unknown): number {
  const [, whole = "", fraction = ""] = /^(.*?)(?:\.(\d+))?Z$/.exec(String(stamp)) ?? [];
  return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}

function batchesIn(exchange: Exchange): Record<string, unknown>[] {
  if (exchange.status !== 200 || exchange.body === null || typeof exchange.body !== "object") return [];
  const body = exchange.body as { batch?: Record<string, unknown>; batches?: Record<string, unknown>[] };
  return [...(body.batch ? [body.batch] : []), ...(body.batches ?? [])];
}

let server: FakeCohereServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe.each([
  ["fake.fetch", false],
  ["HTTP server", false],
  ["fake.fetch", true],
])("spec conformance through %s (omitZeroValues: %s)", (transport, omitZeroValues) => {
  it("every body of a full life-cycle scenario matches the spec", async () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 3, omitZeroValues });
    let base = "https://api.cohere.com";
    let doFetch = fake.fetch as typeof globalThis.fetch;
    if (transport === "HTTP server") {
      server = await startFakeCohereServer(fake);
      base = server.url;
      doFetch = globalThis.fetch;
    }
    const exchanges: Exchange[] = [];
    const call = async (
      operation: OperationName,
      path: string,
      init: RequestInit = {},
      auth = true,
    ): Promise<Exchange> => {
      const headers = {
        ...(auth ? { authorization: "Bearer test-token" } : {}),
        ...(init.headers as Record<string, string>),
      };
      const response = await doFetch(`${base}${path}`, { ...init, headers });
      const text = await response.text();
      const exchange = {
        operation,
        status: response.status,
        contentType: response.headers.get("content-type"),
        body: JSON.parse(text) as unknown,
      };
      exchanges.push(exchange);
      return exchange;
    };
    const create = (body: object, headers: Record<string, string> = {}): Promise<Exchange> =>
      call("create", "/v2/batches", { method: "POST", body: JSON.stringify(body), headers });
    const idOf = (exchange: Exchange): string => (exchange.body as { batch: { id: string } }).batch.id;

    await call("list", "/v2/batches");
    const ok = idOf(
      await create({ name: "ok", input_dataset_id: "requests", model: "command" }, { "idempotency-key": "k" }),
    );
    await create({ name: "ok", input_dataset_id: "requests", model: "command" }, { "idempotency-key": "k" });
    const failing = idOf(await create({ name: "bad", input_dataset_id: "fail-me", model: "command" }));
    const canceled = idOf(
      await create({ name: "stop", input_dataset_id: "requests", model: "command", status: "x", extra: 1 }),
    );
    const queuedCancel = idOf(await create({ name: "stop-early", input_dataset_id: "requests", model: "command" }));
    await call("cancel", `/v2/batches/${queuedCancel}:cancel`, { method: "POST" });

    for (const step of [0, 500, 500, 1000, 1500, 3000, 6000]) {
      clock.advance(step);
      for (const id of [ok, failing, canceled, queuedCancel]) await call("retrieve", `/v2/batches/${id}`);
      await call("list", "/v2/batches?order_by=updated_at");
    }
    await call("cancel", `/v2/batches/${canceled}:cancel`, { method: "POST" });
    await call("retrieve", `/v2/batches/${canceled}`);
    await call("cancel", `/v2/batches/${canceled}:cancel`, { method: "POST" }); // canceling: 200 {}
    clock.advance(20_000);
    for (const id of [ok, failing, canceled]) {
      await call("retrieve", `/v2/batches/${id}`);
      await call("cancel", `/v2/batches/${id}:cancel`, { method: "POST" }); // terminal: 400
    }
    const page = await call("list", "/v2/batches?page_size=2");
    const token = (page.body as { next_page_token?: string }).next_page_token ?? "";
    await call("list", `/v2/batches?page_size=2&page_token=${token}`);
    await call("list", `/v2/batches?page_size=2&page_token=${token}x`);
    await call("list", "/v2/batches?page_size=-1");
    await call("list", "/v2/batches?order_by=name");
    await call("list", "/v2/batches", {}, false);
    await call("retrieve", "/v2/batches/nope", { headers: { authorization: "Bearer wrong" } }, false);
    await call("retrieve", "/v2/batches/nope");
    await call("cancel", "/v2/batches/nope:cancel", { method: "POST" });
    await create({ name: "n", model: "m" });
    await create({ name: "ok", input_dataset_id: "other", model: "command" }, { "idempotency-key": "k" });
    fake.inject("retrieve", { type: "status", status: 503 }).inject("list", { type: "status", status: 500 });
    await call("retrieve", `/v2/batches/${ok}`);
    await call("list", "/v2/batches");

    // Every body is declared JSON and matches the schema the spec gives for its operation and status.
    for (const exchange of exchanges) {
      const label = `${exchange.operation} ${exchange.status} ${JSON.stringify(exchange.body)}`;
      expect(exchange.contentType, label).toBe("application/json");
      let ref = declaredSchemaRef(exchange.operation, exchange.status);
      if (ref === undefined) {
        expect(UNDECLARED_ALLOWED[exchange.status], label).toBeDefined();
        ref = "#/components/schemas/BatchError";
      }
      const validate = validatorFor(ref);
      expect(validate(exchange.body), `${label}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      if (exchange.status !== 200) expect(exchange.body, label).toEqual({ message: expect.any(String) });
    }

    // Stricter than the schema (which has no additionalProperties): only spec fields, the
    // wire encodings the spec implies, and every status of the life cycle seen.
    const seen = new Set<unknown>();
    for (const batch of exchanges.flatMap(batchesIn)) {
      for (const key of Object.keys(batch)) expect(BATCH_PROPERTIES, key).toContain(key);
      expect(batch["created_at"]).toMatch(RFC3339_PROTOBUF);
      expect(batch["updated_at"]).toMatch(RFC3339_PROTOBUF);
      // Left out when zero under omitZeroValues (proto3's JSON), present otherwise.
      const absentAsZero = (key: string) => omitZeroValues && batch[key] === undefined;
      for (const tokens of ["input_tokens", "output_tokens"])
        if (!absentAsZero(tokens)) expect(batch[tokens], tokens).toMatch(/^[1-9]\d*$|^0$/);
      for (const count of ["num_records", "num_successful_records", "num_failed_records"]) {
        if (absentAsZero(count)) continue;
        expect(Number.isInteger(batch[count]) && (batch[count] as number) <= 2 ** 31 - 1, count).toBe(true);
      }
      if (omitZeroValues) for (const value of Object.values(batch)) expect([0, "", "0", false]).not.toContain(value);
      expect(STATUSES).toContain(batch["status"]);
      // By time, not as text: "…00Z" sorts after "…00.500Z".
      expect(microsOf(batch["updated_at"])).toBeGreaterThanOrEqual(microsOf(batch["created_at"]));
      seen.add(batch["status"]);
    }
    expect([...seen].sort()).toEqual([
      "BATCH_STATUS_CANCELED",
      "BATCH_STATUS_CANCELING",
      "BATCH_STATUS_COMPLETED",
      "BATCH_STATUS_FAILED",
      "BATCH_STATUS_IN_PROGRESS",
      "BATCH_STATUS_QUEUED",
    ]);
    const statuses = new Set(exchanges.map((e) => `${e.operation} ${e.status}`));
    for (const expected of [
      "list 200",
      "list 400",
      "list 401",
      "list 500",
      "create 200",
      "create 400",
      "create 422",
      "retrieve 200",
      "retrieve 401",
      "retrieve 404",
      "retrieve 503",
      "cancel 200",
      "cancel 400",
      "cancel 404",
    ]) {
      expect(statuses).toContain(expected);
    }
    await server?.close();
    server = undefined;
  });
});

describe("the conformance harness", () => {
  it("rejects bodies that break the spec (so a pass means something)", () => {
    const getBatch = validatorFor("#/components/schemas/GetBatchResponse");
    expect(getBatch({})).toBe(false);
    expect(getBatch({ batch: { name: "n", input_dataset_id: "d" } })).toBe(false);
    expect(getBatch({ batch: { name: "n", input_dataset_id: "d", model: "m", input_tokens: 5 } })).toBe(false);
    expect(getBatch({ batch: { name: "n", input_dataset_id: "d", model: "m", created_at: "yesterday" } })).toBe(false);
    expect(getBatch({ batch: { name: "n", input_dataset_id: "d", model: "m", status: "DONE" } })).toBe(false);
    expect(getBatch({ batch: { name: "n", input_dataset_id: "d", model: "m" } })).toBe(true);
    expect(validatorFor("#/components/schemas/BatchError")({ message: 1 })).toBe(false);
    // The per-operation pointers reach the same schemas.
    const declared = validatorFor(declaredSchemaRef("retrieve", 200)!);
    expect(declared({ batch: { name: "n", input_dataset_id: "d", model: "m", status: "DONE" } })).toBe(false);
    expect(declared({ batch: { name: "n", input_dataset_id: "d", model: "m" } })).toBe(true);
    expect(declaredSchemaRef("retrieve", 418)).toBeUndefined();
  });
});
