// An uploaded dataset reads back once validated, as on Cohere (whose validated datasets' parts all
// have download URLs): its parts are Avro files of the kept lines behind the fake's signed URLs,
// served like output parts. In memory (fake.fetch) and over HTTP (startFakeCohereServer).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CohereClient, type CohereClientOptions, CohereError } from "../../src/index.js";
import { FakeCohere, type FakeCohereServer, ManualClock, startFakeCohereServer } from "../../src/testing/index.node.js";
import { collect, embedRequests } from "../helpers/results-fake.js";

const modes = ["in memory", "over HTTP"] as const;

describe.each(modes)("uploaded datasets read back (%s)", (mode) => {
  const clock = new ManualClock();
  const fake = new FakeCohere({ clock, seed: 3, outputs: { blockRecords: 40 } });
  let server: FakeCohereServer | undefined;
  beforeAll(async () => {
    if (mode === "over HTTP") server = await startFakeCohereServer(fake);
  });
  afterAll(() => server?.close());
  afterEach(() => fake.reset({ batches: true }));
  const client = (more: CohereClientOptions = {}) =>
    new CohereClient({
      token: "test-token",
      maxRetries: 2,
      ...(server === undefined ? { fetch: fake.fetch } : { baseUrl: server.url }),
      ...more,
    });

  /** Uploads, lets validation run on the fake's clock, and waits until validated. */
  async function validated(request: Parameters<CohereClient["datasets"]["create"]>[0]) {
    const api = client();
    const { id } = await api.datasets.create(request);
    clock.advance(2_000);
    const dataset = await api.datasets.waitUntilValidated(id, { pollIntervalInSeconds: 0.01 });
    return { id, dataset };
  }

  it("yields the uploaded records, in order, equal to what was uploaded", async () => {
    const requests = embedRequests(130);
    const { id, dataset } = await validated({ name: "round-trip", type: "batch-embed-v2-input", data: requests });
    expect(dataset.dataset_parts?.map((p) => p.num_rows)).toEqual([130]);
    expect(await collect(client().datasets.records(id))).toEqual(requests);
  });

  it("yields eval_data as a second part, after data", async () => {
    const [data, evalData] = [embedRequests(5), embedRequests(3).map((r) => ({ ...r, custom_id: `e${r.custom_id}` }))];
    const type = "batch-embed-v2-input";
    const { id } = await validated({ name: "with-eval", type, data, eval_data: evalData });
    expect(await collect(client().datasets.records(id))).toEqual([...data, ...evalData]);
  });

  it("downloads without Authorization (the download origin records any it gets)", async () => {
    const { id } = await validated({ name: "secrecy", type: "batch-embed-v2-input", data: embedRequests(4) });
    fake.reset();
    expect((await collect(client().datasets.records(id))).length).toBe(4);
    const downloads = fake.requests.filter((r) => r.operation === "datasets.download");
    expect(downloads.length).toBe(1);
    expect(downloads[0]?.headers.authorization).toBeUndefined();
    expect(fake.downloadAuthorizations).toEqual([]);
  });

  it("its URLs expire like output URLs: the SDK retrieves fresh ones and resumes, no record twice", async () => {
    const [data, evalData] = [
      embedRequests(20),
      embedRequests(10).map((r) => ({ ...r, custom_id: `e${r.custom_id}` })),
    ];
    const { id } = await validated({ name: "expiring", type: "batch-embed-v2-input", data, eval_data: evalData });
    fake.reset();
    const seen: unknown[] = [];
    for await (const record of client().datasets.records(id)) {
      seen.push(record);
      // The URLs were signed for 4 hours when the dataset was retrieved: part 1's has expired.
      if (seen.length === 5) clock.advance(5 * 3_600_000);
    }
    expect(seen).toEqual([...data, ...evalData]);
    expect(fake.count("datasets.retrieve")).toBe(2);
    expect(fake.count("datasets.download")).toBe(3);
  });

  it("leaves out a malformed line skipped under skip_malformed_input", async () => {
    const [a, b] = embedRequests(2).map((r) => JSON.stringify(r));
    const data = `${a}\n{"custom_id": "broken", "body": \n${b}\n`;
    const { id, dataset } = await validated({
      name: "skipped",
      type: "batch-embed-v2-input",
      data,
      filename: "with-a-bad-line.jsonl",
      skip_malformed_input: true,
    });
    expect(dataset.validation_warnings).toEqual(["with-a-bad-line.jsonl line 2 is not valid JSON: skipped"]);
    expect(await collect(client().datasets.records(id))).toEqual(embedRequests(2));
  });

  it("serves faults injected on datasets.download, as for output parts (a 503 is retried)", async () => {
    const { id } = await validated({ name: "faulty", type: "batch-embed-v2-input", data: embedRequests(3) });
    fake.inject("datasets.download", { type: "status", status: 503, retryAfter: "0" });
    expect(await collect(client().datasets.records(id))).toEqual(embedRequests(3));
    expect(fake.count("datasets.download")).toBe(2);
  });
});

describe("uploaded dataset parts, on the wire", () => {
  const AUTH = { authorization: "Bearer test-token" };

  async function upload(query: string, data: string, filename: string) {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 4 });
    const form = new FormData();
    form.append("data", new File([data], filename));
    const created = await fake.fetch(`https://api.cohere.com/v1/datasets?${query}`, {
      method: "POST",
      headers: AUTH,
      body: form,
    });
    const { id } = (await created.json()) as { id: string };
    const retrieve = async () =>
      (
        (await (await fake.fetch(`https://api.cohere.com/v1/datasets/${id}`, { headers: AUTH })).json()) as {
          dataset: { dataset_parts: { url?: string }[] };
        }
      ).dataset;
    const client = new CohereClient({ token: "test-token", fetch: fake.fetch });
    return { fake, clock, id, retrieve, client };
  }

  it("have no URL until validated; then a signed URL on the download origin, which answers 404 once deleted", async () => {
    const { fake, clock, id, retrieve } = await upload(
      "name=n&type=batch-chat-v2-input",
      '{"custom_id":"1","body":{}}',
      "a.jsonl",
    );
    expect((await retrieve()).dataset_parts[0]?.url).toBeUndefined();
    clock.advance(2_000);
    const url = (await retrieve()).dataset_parts[0]?.url as string;
    expect(new URL(url).origin).toBe(fake.downloadOrigin);
    expect((await fake.fetch(url)).status).toBe(200);
    expect((await fake.fetch(`https://api.cohere.com/v1/datasets/${id}`, { method: "DELETE", headers: AUTH })).ok).toBe(
      true,
    );
    expect((await fake.fetch(url)).status).toBe(404);
  });

  it("of other types hold the fields kept as nullable strings: strings as they are, other values as JSON", async () => {
    const lines = [{ text: "a", n: 5, meta: { x: [1] } }, { text: "b" }, { text: "c", n: null, "not-a-name": 1 }];
    const { clock, id, client } = await upload(
      "name=n&type=embed-input&optional_fields=n&optional_fields=meta",
      lines.map((l) => JSON.stringify(l)).join("\n"),
      "a.jsonl",
    );
    clock.advance(2_000);
    expect(await collect(client.datasets.records(id))).toEqual([
      { text: "a", n: "5", meta: '{"x":[1]}' },
      { text: "b", n: null, meta: null },
      { text: "c", n: null, meta: null },
    ]);
  });

  it.each([
    ["embed-input", '{"text":"a","extra":1}\n', { text: "a" }],
    [
      "batch-embed-v2-input",
      '{"custom_id":"r1","body":{"texts":["a"]},"extra":1}\n',
      { custom_id: "r1", body: { texts: ["a"] } },
    ],
  ])("of %s retain only the type's required fields unless kept, as the spec says", async (type, text, record) => {
    const { clock, id, client } = await upload(`name=n&type=${type}`, text, "a.jsonl");
    clock.advance(2_000);
    expect(await collect(client.datasets.records(id))).toEqual([record]);
  });

  it("of a .csv upload have no URL (the fake does not parse CSV): records() says so", async () => {
    const { clock, id, client, retrieve } = await upload("name=n&type=embed-input", "text\na\nb\n", "a.csv");
    clock.advance(2_000);
    expect((await retrieve()).dataset_parts[0]?.url).toBeUndefined();
    const error = await collect(client.datasets.records(id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CohereError);
    expect((error as Error).message).toMatch(/has no download URL/);
  });
});
