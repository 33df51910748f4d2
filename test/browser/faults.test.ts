// The server-side faults of the runtime tests (test/runtimes/fixtures/faults.mjs) in headless
// Chromium, with the same expectations (test/runtimes/support/faults.ts, where a browser's own
// differences are written down): the page calls the fake and its fault control, served in Node
// by the global setup, over CORS.
import { expect, inject, it } from "vitest";
import { runFaults } from "../runtimes/fixtures/faults.mjs";
import * as sdk from "../runtimes/fixtures/sdk.mjs";
import { expectFaults } from "../runtimes/support/faults.js";

it("ends every server-side fault in Chromium as in Node, or as a browser must: typed, within its timeouts, retried as it may be, nothing unhandled", async () => {
  const running = runFaults(sdk, {
    baseUrl: inject("faultsBaseUrl"),
    controlUrl: inject("faultsControlUrl"),
    clientOptions: { dangerouslyAllowBrowser: true },
  });
  // The fixture's listener (window's `unhandledrejection`) hears this page: a rejection left
  // unhandled as the run starts is in its report.
  void Promise.reject(new Error("left unhandled by the test"));
  const { unhandled, ...report } = await running;
  expect(unhandled).toEqual(["Error: left unhandled by the test"]);
  expectFaults({ ...report, unhandled: [] }, "browser");
});

it("refuses typed, unsent and not as a connection's failure, a create whose body a plugin read before next()", async () => {
  // Chromium words fetch's refusal of a used body "Failed to execute 'fetch' on 'Window': Cannot
  // construct a Request with a Request object that has already been used.": it was a
  // CohereConnectionError, counted as sent (`run` would watch for a batch nobody made).
  const controlUrl = inject("faultsControlUrl");
  const count = async (operation: string) => {
    const response = await fetch(`${controlUrl}/count`, { method: "POST", body: JSON.stringify({ operation }) });
    return ((await response.json()) as { count: number }).count;
  };
  const read: sdk.Middleware = async (request, next) => {
    await request.text();
    return next(request);
  };
  const before = { create: await count("create"), upload: await count("datasets.create") };
  const outcomes = [];
  for (const plugin of [{ name: "read", phase: "call", handle: read } as const, read]) {
    const client = new sdk.CohereClient({
      token: "test-token",
      baseUrl: inject("faultsBaseUrl"),
      dangerouslyAllowBrowser: true,
      maxRetries: 1,
      middleware: [plugin],
    });
    const calls = [
      client.batches.create({ name: "read", input_dataset_id: "ds-1", model: "command-r" }),
      client.datasets.create({ name: "read", type: "batch-embed-v2-input", data: "{}\n" }),
    ];
    for (const call of calls) {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      outcomes.push({
        isCohereError: error instanceof sdk.CohereError,
        connection: error instanceof sdk.CohereConnectionError,
        message: error?.message.replace(/^.*?: fetch refused/, "fetch refused").slice(0, 200),
      });
    }
  }
  const refused = {
    isCohereError: true,
    connection: false,
    message: expect.stringMatching(/^fetch refused the request: /),
  };
  expect(outcomes).toEqual([refused, refused, refused, refused]);
  expect({ create: await count("create"), upload: await count("datasets.create") }).toEqual(before);
});
