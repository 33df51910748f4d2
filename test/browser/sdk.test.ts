// The packed tarball in a real browser (headless Chromium): the page imports "cohere-batches"
// with the browser conditions, gets dist/browser, and runs the scripted session against the
// fake Cohere service in Node over CORS (see vitest.browser.config.ts).
import resolvedId from "virtual:cohere-batches-resolution";
import { describe, expect, inject, it } from "vitest";
import * as sdk from "../runtimes/fixtures/sdk.mjs";
import { EXPECTED_RESULTS, runResults } from "../runtimes/fixtures/results.mjs";
import { runSession } from "../runtimes/fixtures/session.mjs";
import {
  EXPECTED_UPLOAD_FAILURES,
  expectedUploads,
  runUploadFailures,
  runUploads,
} from "../runtimes/fixtures/uploads.mjs";
import { EXPECTED_SESSION } from "../runtimes/support/session.js";

const fakeUrl = inject("fakeCohereUrl");

describe("in Chromium", () => {
  it("resolves the browser build of the installed tarball", () => {
    // (Vite appends a version query to files in node_modules)
    expect(resolvedId).toMatch(
      /\/cohere-batches-browser-consumer\/node_modules\/cohere-batches\/dist\/browser\/index\.mjs(\?v=\w+)?$/,
    );
    // ... and the page really loaded that file.
    const loaded = performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname);
    expect(loaded).toContainEqual(
      expect.stringMatching(
        /\/cohere-batches-browser-consumer\/node_modules\/cohere-batches\/dist\/browser\/index\.mjs$/,
      ),
    );
    expect(loaded).not.toContainEqual(expect.stringMatching(/\/cohere-batches\/dist\/(node|default)\//));
    expect(typeof window.document).toBe("object");
  });

  it("refuses to construct a client without dangerouslyAllowBrowser", () => {
    expect(() => new sdk.CohereClient({ token: "t" })).toThrow(/dangerouslyAllowBrowser/);
    expect(() => new sdk.CohereClient({ token: "t", dangerouslyAllowBrowser: false })).toThrow(sdk.CohereError);
    expect(new sdk.CohereClient({ token: "t", dangerouslyAllowBrowser: true })).toBeInstanceOf(sdk.CohereClient);
  });

  it("never reads process.env, even where a page defines a process global", () => {
    const scope = globalThis as { process?: unknown };
    const had = Object.hasOwn(scope, "process");
    const original = scope.process;
    scope.process = {
      env: { CO_API_KEY: "key-from-process-env", CO_API_URL: fakeUrl },
      version: "v0.0.0",
      platform: "x",
      arch: "y",
    };
    try {
      // The node build would take the token from process.env; the browser build has none, and
      // its message says to pass `token` rather than to set a variable a page cannot have.
      expect(() => new sdk.CohereClient({ dangerouslyAllowBrowser: true })).toThrow(
        "No API token: pass `token` (your CO_API_KEY) to the client; this build reads no environment variables",
      );
    } finally {
      if (had) scope.process = original;
      else delete scope.process;
    }
  });

  it("runs the session against the fake over CORS: every operation, a typed error, listAll", async () => {
    expect(new URL(fakeUrl).hostname).toBe("127.0.0.1");
    expect(new URL(fakeUrl).origin).not.toBe(location.origin); // a cross-origin service
    const report = await runSession(sdk, { baseUrl: fakeUrl, dangerouslyAllowBrowser: true });
    expect(report).toEqual(EXPECTED_SESSION);
  });

  it("uploads every kind of data with its bytes and filename (streams gathered into a Blob first)", async () => {
    const report = await runUploads(sdk, { baseUrl: fakeUrl, dangerouslyAllowBrowser: true });
    expect(report).toEqual(expectedUploads());
    // The upload code came as chunks of the browser build, loaded when create ran.
    const loaded = performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname);
    expect(loaded).toContainEqual(expect.stringMatching(/\/cohere-batches\/dist\/browser\/create-upload-[\w-]+\.mjs$/));
  });

  it("ends uploads whose own data fails with the SDK's typed error, within the timeout, and cancels the caller's stream", async () => {
    // A browser reads a stream whole before sending it: a source that stalled hung the call past
    // its timeout, and an abort left the caller's stream locked and uncancelled.
    const report = await runUploadFailures(sdk, { baseUrl: fakeUrl, dangerouslyAllowBrowser: true, maxRetries: 0 });
    expect(report).toMatchObject(EXPECTED_UPLOAD_FAILURES);
  });

  it("runs batches.run and reads its results from the Avro parts on the download origin, over CORS", async () => {
    const report = await runResults(sdk, { baseUrl: inject("fakeResultsUrl"), dangerouslyAllowBrowser: true });
    expect(report).toEqual(EXPECTED_RESULTS);
    // The decoder was loaded on first use, as its own file.
    const loaded = performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname);
    expect(loaded).toContainEqual(expect.stringMatching(/\/dist\/browser\/avro-[\w-]+\.mjs$/));
  });
});
