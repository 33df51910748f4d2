import { beforeEach, describe, expect, it } from "vitest";
import { FakeCohere, type ManualClock } from "../../src/testing/index.node.js";
import { freshFake, useTransports } from "./transports.js";

const { transports, served } = useTransports(() => new FakeCohere({ seed: 7 }));

const LINES = '{"custom_id":"1","body":{"messages":[]}}\n{"custom_id":"2","body":{"messages":[]}}\n';

function form(data: string | null, filename = "requests.jsonl", evalData?: string): FormData {
  const body = new FormData();
  if (data !== null) body.append("data", new Blob([data]), filename);
  if (evalData !== undefined) body.append("eval_data", new Blob([evalData]), "eval.jsonl");
  return body;
}

describe.each(transports)("datasets through $name", (transport) => {
  let fake: FakeCohere;
  let clock: ManualClock;
  let call: (path: string, init?: RequestInit) => Promise<Response>;

  beforeEach(() => {
    ({ fake, clock, call } = freshFake(transport, served));
  });

  const upload = async (query: string, body: FormData | string = form(LINES)): Promise<Response> =>
    call(`/v1/datasets?${query}`, { method: "POST", body });

  const createId = async (query = "name=requests&type=batch-chat-v2-input", body?: FormData): Promise<string> => {
    const response = await upload(query, body);
    expect(response.status).toBe(200);
    return ((await response.json()) as { id: string }).id;
  };

  const retrieve = async (id: string) =>
    ((await (await call(`/v1/datasets/${id}`)).json()) as { dataset: Record<string, unknown> }).dataset;

  it("keeps each uploaded part's bytes and filename, recorded as the parsed form", async () => {
    await createId(undefined, form(LINES, "mine.jsonl", '{"custom_id":"e","body":{}}'));
    const recorded = fake.requests.at(-1)?.form as FormData;
    const data = recorded.get("data") as File;
    expect(data.name).toBe("mine.jsonl");
    expect(await data.text()).toBe(LINES);
    expect((recorded.get("eval_data") as File).name).toBe("eval.jsonl");
  });

  it("runs validation on the clock: queued, processing, then validated with the record count", async () => {
    const id = await createId();
    expect(id).toMatch(/^requests-[a-z0-9]{6}$/);
    expect(await retrieve(id)).toMatchObject({ validation_status: "queued", dataset_type: "batch-chat-v2-input" });
    clock.advance(500);
    expect((await retrieve(id)).validation_status).toBe("processing");
    clock.advance(1000);
    const dataset = await retrieve(id);
    expect(dataset).toMatchObject({ validation_status: "validated", validation_warnings: [] });
    // Validated: the part has a signed URL on the download origin (uploaded-datasets-read-back.test.ts).
    expect(dataset["dataset_parts"]).toEqual([
      {
        id: `${id}-part-0`,
        name: "requests.jsonl",
        index: 0,
        size_bytes: LINES.length,
        num_rows: 2,
        url: expect.stringMatching(`^${fake.downloadOrigin}/${id}/part-0\\.avro\\?expires=\\d+&signature=`),
      },
    ]);
    expect(dataset["validation_error"]).toBeUndefined();
  });

  it.each([
    ["not JSON", "{nope", "requests.jsonl line 1 is not valid JSON"],
    ["an array", "[1]", "requests.jsonl line 1 is not a JSON object"],
    ["no custom_id", '{"body":{}}', "requests.jsonl line 1 has no custom_id (a non-empty string)"],
    ["no body", '{"custom_id":"a"}', "requests.jsonl line 1 has no body (an object)"],
    ["a repeated custom_id", `${LINES}{"custom_id":"1","body":{}}`, 'requests.jsonl line 3 repeats custom_id "1"'],
    ["no lines", "\n\n", "requests.jsonl has no valid records"],
  ])("fails validation for a line with %s, naming the line", async (_, text, message) => {
    const id = await createId(undefined, form(text));
    clock.advance(1500);
    expect(await retrieve(id)).toMatchObject({ validation_status: "failed", validation_error: message });
  });

  it("drops malformed lines as warnings with skip_malformed_input", async () => {
    const id = await createId("name=r&type=batch-chat-v2-input&skip_malformed_input=true", form(`${LINES}oops\n`));
    clock.advance(1500);
    const dataset = await retrieve(id);
    expect(dataset).toMatchObject({
      validation_status: "validated",
      validation_warnings: ["requests.jsonl line 3 is not valid JSON: skipped"],
    });
    expect((dataset["dataset_parts"] as { num_rows: number }[])[0]?.num_rows).toBe(2);
  });

  it.each([
    [
      "data lacks a keep_fields field",
      "&keep_fields=text&keep_fields=label",
      '{"text":"a"}',
      undefined,
      'requests.jsonl line 1 has no field "label", which keep_fields requires',
    ],
    [
      "eval_data lacks one",
      "&keep_fields=label",
      '{"text":"a","label":"x"}',
      '{"text":"b"}',
      'eval.jsonl line 1 has no field "label", which keep_fields requires',
    ],
    [
      "eval_data has a malformed line",
      "",
      '{"text":"a"}',
      '{"text":"b"}\nnot json',
      "eval.jsonl line 2 is not valid JSON",
    ],
    ["eval_data has no records", "", '{"text":"a"}', "\n", "eval.jsonl has no valid records"],
  ])("fails validation when %s, naming the file and line", async (_, fields, data, evalData, message) => {
    const id = await createId(`name=r&type=embed-input${fields}`, form(data, "requests.jsonl", evalData));
    clock.advance(1500);
    expect(await retrieve(id)).toMatchObject({ validation_status: "failed", validation_error: message });
  });

  it.each([
    [
      "a header with every keep_fields column counts its rows, not the header",
      "&keep_fields=label",
      "text,label\nhi,a\nyo,b\n",
      undefined,
    ],
    ["a quoted header column counts", "&keep_fields=the%20label", 'text,"the label"\nhi,a\n', undefined],
    [
      "a keep_fields column missing from the header fails the file",
      "&keep_fields=label",
      "text,tag\nhi,a\n",
      'requests.csv line 1 has no column "label", which keep_fields requires',
    ],
    [
      "the header is split at csv_delimiter",
      "&keep_fields=id&csv_delimiter=%3B",
      "text;id\nhello;1\nworld;2\n",
      undefined,
    ],
    [
      "a delimiter outside the BMP splits the header",
      "&keep_fields=id&csv_delimiter=%F0%9F%98%80",
      "text😀id\nhello😀1\n",
      undefined,
    ],
    [
      "an embed-input file without a text column fails",
      "",
      "body,label\nhi,a\n",
      'requests.csv line 1 has no column "text", which embed-input requires',
    ],
    [
      "skip_malformed_input does not skip a missing column",
      "&keep_fields=label&skip_malformed_input=true",
      "text\nhi\n",
      'requests.csv line 1 has no column "label", which keep_fields requires',
    ],
  ])("a CSV file: %s", async (_, fields, csv, message) => {
    const id = await createId(`name=r&type=embed-input${fields}`, form(csv, "requests.csv"));
    clock.advance(1500);
    const dataset = await retrieve(id);
    if (message === undefined) {
      expect(dataset).toMatchObject({ validation_status: "validated" });
      expect((dataset["dataset_parts"] as { num_rows: number }[])[0]?.num_rows).toBe(csv.trim().split("\n").length - 1);
    } else expect(dataset).toMatchObject({ validation_status: "failed", validation_error: message });
  });

  it("fails an embed-input line without a string text (the spec's required field), or skips it with skip_malformed_input", async () => {
    const lines = '{"text":"a"}\n{"foo":"bar"}\n{"text":5}\n';
    const failed = await createId("name=r&type=embed-input", form(lines, "e.jsonl"));
    const skipped = await createId("name=r&type=embed-input&skip_malformed_input=true", form(lines, "e.jsonl"));
    clock.advance(1500);
    expect(await retrieve(failed)).toMatchObject({
      validation_status: "failed",
      validation_error: "e.jsonl line 2 has no text field (a string), which embed-input requires",
    });
    const dataset = await retrieve(skipped);
    expect(dataset).toMatchObject({ validation_status: "validated" });
    expect((dataset["validation_warnings"] as string[]).length).toBe(2);
    expect((dataset["dataset_parts"] as { num_rows: number }[])[0]?.num_rows).toBe(1);
  });

  it.each(["ab", '"'])("refuses a csv_delimiter of %j with 400 (one character, not the quote)", async (delimiter) => {
    const query = `name=r&type=embed-input&csv_delimiter=${encodeURIComponent(delimiter)}`;
    const response = await upload(query, form("text\nhi\n", "a.csv"));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("csv_delimiter");
  });

  it("validates data and eval_data that have every keep_fields field, counting both files' rows", async () => {
    const query = "name=r&type=batch-chat-v2-input&keep_fields=meta";
    const line = (id: string) => `{"custom_id":"${id}","body":{},"meta":null}\n`;
    const id = await createId(query, form(line("1") + line("2"), "requests.jsonl", line("1")));
    clock.advance(1500);
    const dataset = await retrieve(id);
    expect(dataset).toMatchObject({ validation_status: "validated", required_fields: ["meta"] });
    expect((dataset["dataset_parts"] as { num_rows: number }[]).map((part) => part.num_rows)).toEqual([2, 1]);
  });

  it("drops a line without a keep_fields field as a warning with skip_malformed_input, in either file", async () => {
    const query = "name=r&type=embed-input&keep_fields=label&skip_malformed_input=true";
    const id = await createId(
      query,
      form('{"text":"a","label":"x"}\n{"text":"b"}', "requests.jsonl", '{"text":"c"}\n{"text":"d","label":"y"}'),
    );
    clock.advance(1500);
    expect(await retrieve(id)).toMatchObject({
      validation_status: "validated",
      validation_warnings: [
        'requests.jsonl line 2 has no field "label", which keep_fields requires: skipped',
        'eval.jsonl line 1 has no field "label", which keep_fields requires: skipped',
      ],
    });
  });

  it.each([
    ["no data part", "name=a&type=batch-chat-v2-input", form(null), "the multipart part data is required"],
    ["a name of 50 characters", `name=${"n".repeat(50)}&type=embed-input`, form(LINES), "shorter than 50"],
    ["a name of 50 emoji", `name=${"\u{1F600}".repeat(50)}&type=embed-input`, form(LINES), "got 50"],
    ["an unknown type", "name=a&type=embed-everything", form(LINES), 'type "embed-everything" is not'],
    ["a wrong extension", "name=a&type=batch-chat-v2-input", form(LINES, "r.csv"), 'file "r.csv" must end in .jsonl'],
    ["a missing name", "type=embed-input", form(LINES), "name is required"],
    ["a missing type", "name=a", form(LINES), "type is required"],
    ["a bad flag", "name=a&type=embed-input&skip_malformed_input=yes", form(LINES), "skip_malformed_input must be"],
    ["a JSON body", "name=a&type=embed-input", LINES, "must be multipart/form-data"],
  ])("refuses %s with 400 and stores nothing", async (_, query, body, message) => {
    const response = await upload(query, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(message);
    expect(await (await call("/v1/datasets")).json()).toEqual({ datasets: [] });
  });

  it("accepts a name of 49 characters (49 emoji too: 98 UTF-16 units) and keeps repeated keep_fields and optional_fields", async () => {
    expect(await retrieve(await createId(`name=${"\u{1F600}".repeat(49)}&type=embed-input`))).toMatchObject({
      name: "\u{1F600}".repeat(49),
    });
    const name = "n".repeat(49);
    const id = await createId(`name=${name}&type=batch-chat-v2-input&keep_fields=a&keep_fields=b&optional_fields=c`);
    expect(await retrieve(id)).toMatchObject({ name, required_fields: ["a", "b"], preserve_fields: ["c"] });
  });

  it("lists newest first with type, status, date, limit and offset filters", async () => {
    const first = await createId();
    clock.advance(2000);
    const second = await createId("name=embeds&type=embed-input", form('{"text":"a"}\n', "e.jsonl"));
    const ids = async (query: string) =>
      ((await (await call(`/v1/datasets?${query}`)).json()) as { datasets: { id: string }[] }).datasets.map(
        (d) => d.id,
      );
    expect(await ids("")).toEqual([second, first]);
    expect(await ids("datasetType=embed-input")).toEqual([second]);
    expect(await ids("validationStatus=validated")).toEqual([first]);
    expect(await ids("limit=1&offset=1")).toEqual([first]);
    expect(await ids("limit=0")).toEqual([]); // taken at its word: the spec gives limit no default
    expect(await ids("limit=&offset=1")).toEqual([first]); // an empty value is an absent one
    expect(await ids("after=2026-01-01T00:00:01Z")).toEqual([second]);
    expect(await ids("before=2026-01-01T00:00:01Z")).toEqual([first]);
    expect(await ids("before=2026-01-01T00:00:01.123456789%2B00:00")).toEqual([first]);
    // Digits past the microsecond count: the first was made at 00:00:00.000000, before this bound
    // (cut to the microsecond, the bound equalled it and left it out).
    expect(await ids("before=2026-01-01T00:00:00.000000001Z")).toEqual([first]);
    expect(await ids("after=2026-01-01T00:00:02.000000001Z")).toEqual([]);
    expect(await ids("after=2026-01-01T00:00:01.999999999Z")).toEqual([second]);
    // As Cohere's gateway reads RFC 3339: lower-case t or z, a day past the month's end, hour 24
    // and more than 9 digits of fraction are refused (the SDK refuses them before sending too).
    const dates = ["2026-01-01t00:00:01Z", "2026-01-01T00:00:01z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z"];
    dates.push("2026-01-01T24:00:00Z", "2026-01-01T00:00:01.1234567891Z");
    for (const date of dates) expect((await call(`/v1/datasets?before=${date}`)).status, date).toBe(400);
    for (const bad of ["limit=-1", "offset=x", "before=yesterday", "validationStatus=done"]) {
      expect((await call(`/v1/datasets?${bad}`)).status).toBe(400);
    }
  });

  it("deletes a dataset (a second delete is 404) and counts usage in bytes of stored files", async () => {
    const id = await createId(undefined, form(LINES, "requests.jsonl", "{}"));
    await createId();
    const usage = async () => (await (await call("/v1/datasets/usage")).json()) as { organization_usage: number };
    expect(await usage()).toEqual({ organization_usage: 3 * LINES.length + 2 - LINES.length });
    expect((await call(`/v1/datasets/${id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call(`/v1/datasets/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await call(`/v1/datasets/${id}`)).status).toBe(404);
    expect(await usage()).toEqual({ organization_usage: LINES.length });
  });

  it("refuses a batch on a dataset that is not validated, and counts a validated one's records", async () => {
    const id = await createId();
    const createBatch = () =>
      call("/v2/batches", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "b", input_dataset_id: id, model: "command" }),
      });
    const refused = await createBatch();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      message: `input dataset ${id} is not validated (validation_status: queued)`,
    });
    clock.advance(1500);
    const accepted = await createBatch();
    expect(((await accepted.json()) as { batch: { num_records: number } }).batch.num_records).toBe(2);
  });

  it("refuses a batch on a deleted dataset (400, as an unknown one), not taking it as seeded", async () => {
    const id = await createId();
    clock.advance(1500);
    expect((await call(`/v1/datasets/${id}`, { method: "DELETE" })).status).toBe(200);
    const refused = await call("/v2/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "b", input_dataset_id: id, model: "command" }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: `input dataset ${id} not found (it was deleted)` });
    expect(fake.listBatches()).toEqual([]);
  });

  it("honours Idempotency-Key on upload: a retry after an acted fault replays the first dataset", async () => {
    const keyed = (query: string, body: FormData, key = "up-1") =>
      call(`/v1/datasets?${query}`, { method: "POST", body, headers: { "idempotency-key": key } });
    fake.inject("datasets.create", { type: "status", status: 503, afterAction: true });
    expect((await keyed("name=in&type=batch-chat-v2-input", form(LINES))).status).toBe(503);
    // A new FormData, so a new multipart boundary: the same request all the same.
    const retried = await keyed("type=batch-chat-v2-input&name=in", form(LINES));
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    const { id } = (await retried.json()) as { id: string };
    const listed = (await (await call("/v1/datasets")).json()) as { datasets: { id: string }[] };
    expect(listed.datasets.map((d) => d.id)).toEqual([id]);
    // The same key with another request: the batches path's 422, nothing stored.
    for (const [query, body] of [
      ["name=in&type=batch-chat-v2-input", form(`${LINES}{"custom_id":"3","body":{}}\n`)],
      ["name=other&type=batch-chat-v2-input", form(LINES)],
      ["name=in&type=batch-chat-v2-input", form(LINES, "renamed.jsonl")],
    ] as const) {
      const mismatch = await keyed(query, body);
      expect(mismatch.status).toBe(422);
      expect(await mismatch.json()).toEqual({
        message: "Idempotency-Key was already used with a different request body",
      });
    }
    // Another key, or none, is another dataset; a key used for a batch is not one for an upload.
    await call("/v2/batches", {
      method: "POST",
      headers: { "idempotency-key": "batch-key" },
      body: JSON.stringify({ name: "b", input_dataset_id: "seeded", model: "command" }),
    });
    expect((await keyed("name=in&type=batch-chat-v2-input", form(LINES), "batch-key")).status).toBe(200);
    expect((await upload("name=in&type=batch-chat-v2-input")).status).toBe(200);
    expect(((await (await call("/v1/datasets")).json()) as { datasets: unknown[] }).datasets).toHaveLength(3);
  });

  it("replays one dataset to two concurrent uploads with the same Idempotency-Key", async () => {
    const keyed = () =>
      call("/v1/datasets?name=in&type=batch-chat-v2-input", {
        method: "POST",
        body: form(LINES),
        headers: { "idempotency-key": "same" },
      });
    const answers = await Promise.all([keyed(), keyed()]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(ids[1]).toBe(ids[0]);
    // Whichever arrives second waits for the first, then replays its answer.
    expect(answers.map((r) => r.headers.get("idempotent-replayed")).sort()).toEqual([null, "true"].sort());
    const listed = (await (await call("/v1/datasets")).json()) as { datasets: { id: string }[] };
    expect(listed.datasets.map((d) => d.id)).toEqual([ids[0]]);
  });

  it("routes unknown methods to 405 with Allow, and takes injected faults per dataset operation", async () => {
    const put = await call("/v1/datasets/x", { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, DELETE");
    fake.inject("datasets.create", { type: "status", status: 503 });
    expect((await upload("name=a&type=batch-chat-v2-input")).status).toBe(503);
    expect(await (await call("/v1/datasets")).json()).toEqual({ datasets: [] });
    fake.inject("datasets.create", { type: "status", status: 500, afterAction: true });
    expect((await upload("name=a&type=batch-chat-v2-input")).status).toBe(500);
    expect(((await (await call("/v1/datasets")).json()) as { datasets: unknown[] }).datasets).toHaveLength(1);
    expect(fake.count("datasets.create")).toBe(2);
  });
});
