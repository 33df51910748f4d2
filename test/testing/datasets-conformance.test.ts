// Conformance of the fake's datasets output to Cohere's spec (the datasets excerpt), as
// conformance.test.ts does for batches: every 200 body of a full upload-to-batch scenario is
// validated with ajv against the schema the spec declares for that operation.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { FakeCohere, ManualClock } from "../../src/testing/index.node.js";

// The response schemas `npm run generate` derives from the datasets excerpt (without its prose),
// committed, so this test needs nothing outside the repository.
const spec = JSON.parse(
  readFileSync(new URL("../generated/datasets-responses.schema.json", import.meta.url), "utf8"),
) as object;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: "spec" });

/** The validator of the 200 JSON body of `method` on `path` (a JSON pointer into the schema). */
function responseValidator(path: string, method: string) {
  const pointer = ["paths", path, method, "200"]
    .map((part) => encodeURIComponent(part.replace(/~/g, "~0").replace(/\//g, "~1")))
    .join("/");
  return ajv.compile({ $ref: `spec#/${pointer}` });
}

const validators = {
  "datasets.create": responseValidator("/v1/datasets", "post"),
  "datasets.list": responseValidator("/v1/datasets", "get"),
  "datasets.retrieve": responseValidator("/v1/datasets/{id}", "get"),
  "datasets.delete": responseValidator("/v1/datasets/{id}", "delete"),
  "datasets.usage": responseValidator("/v1/datasets/usage", "get"),
};

describe("the fake's datasets bodies conform to Cohere's spec", () => {
  it("the validators refuse what the spec refuses (a dataset without its required fields)", () => {
    expect(validators["datasets.retrieve"]({ dataset: { id: "x" } })).toBe(false);
    expect(validators["datasets.usage"]({ organization_usage: "12" })).toBe(false);
  });

  it.each([false, true])(
    "through upload, validation (passed, failed, with warnings), list, usage and delete (omitZeroValues: %s)",
    async (omitZeroValues) => {
      const clock = new ManualClock();
      const fake = new FakeCohere({ clock, seed: 3, omitZeroValues });
      const call = async (operation: keyof typeof validators, path: string, init: RequestInit = {}) => {
        const response = await fake.fetch(`https://api.cohere.com${path}`, {
          ...init,
          headers: { authorization: "Bearer test-token" },
        });
        expect(response.status, path).toBe(200);
        const body: unknown = await response.json();
        const validate = validators[operation];
        expect(validate(body), `${operation}: ${JSON.stringify(validate.errors)}`).toBe(true);
        return body as { id?: string };
      };
      const upload = (text: string, query: string) => {
        const form = new FormData();
        form.append("data", new Blob([text]), "requests.jsonl");
        form.append("eval_data", new Blob(['{"custom_id":"e","body":{},"a":1}\n']), "eval.jsonl");
        return call("datasets.create", `/v1/datasets?${query}`, { method: "POST", body: form });
      };
      const good = await upload(
        '{"custom_id":"1","body":{},"a":1}\n',
        "name=good&type=batch-chat-v2-input&keep_fields=a",
      );
      const bad = await upload("nope\n", "name=bad&type=batch-chat-v2-input");
      const skipped = await upload(
        '{"custom_id":"1","body":{}}\nnope\n',
        "name=s&type=batch-chat-v2-input&skip_malformed_input=true",
      );
      for (const at of [0, 600, 2000]) {
        clock.set(Date.UTC(2026, 0, 1) + at);
        for (const { id } of [good, bad, skipped]) await call("datasets.retrieve", `/v1/datasets/${id}`);
        await call("datasets.list", "/v1/datasets");
      }
      await call("datasets.usage", "/v1/datasets/usage");
      await call("datasets.delete", `/v1/datasets/${bad.id}`, { method: "DELETE" });
    },
  );

  it("an output dataset conforms but for its dataset_type, which the spec's enum (input types only) lacks", async () => {
    const clock = new ManualClock();
    const fake = new FakeCohere({ clock, seed: 5 });
    const get = async (path: string, init: RequestInit = {}) =>
      (
        await fake.fetch(`https://api.cohere.com${path}`, {
          ...init,
          headers: {
            authorization: "Bearer test-token",
            ...(typeof init.body === "string" ? { "content-type": "application/json" } : {}),
          },
        })
      ).json() as Promise<Record<string, unknown>>;
    const form = new FormData();
    form.append("data", new Blob(['{"custom_id":"1","body":{"texts":["a"]}}\n']), "requests.jsonl");
    const { id } = await get("/v1/datasets?name=in&type=batch-embed-v2-input", { method: "POST", body: form });
    clock.advance(60_000);
    const body = JSON.stringify({ name: "b", input_dataset_id: id, model: "embed-v4.0" });
    const { batch } = (await get("/v2/batches", { method: "POST", body })) as { batch: { id: string } };
    clock.advance(3_600_000);
    const done = (await get(`/v2/batches/${batch.id}`)) as { batch: { output_dataset_id: string } };
    const output = await get(`/v1/datasets/${done.batch.output_dataset_id}`);
    const validate = validators["datasets.retrieve"];
    expect(validate(output)).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toEqual(["/dataset/dataset_type"]);
    expect((output.dataset as { dataset_type: string }).dataset_type).toBe("batch-embed-v2-output");
  });
});
