// What the server-side consumers (fixtures/node/main.mjs and main.cjs, run by Node, Bun and
// Deno) must print: the scripted session, run by the expected runtime, with the Node build of
// the installed tarball, over loopback HTTP to the fake from the installed
// `cohere-batches/testing`, with the SDK's User-Agent.
import { expect } from "vitest";
import { packageVersion } from "./package.js";
import { EXPECTED_SESSION, SESSION_REQUESTS, parseReport } from "./session.js";

/** `FILE_LINE` of fixtures/node/main.mjs, in bytes. */
const FILE_LINE_BYTES = 78;

export interface ServerHost {
  runtime: string;
  resolved: { sdk: string; testing: string };
  serverUrl: string;
  userAgents: string[];
  requests: number;
  crossBuild?: { sameClass: boolean; instanceOf: boolean; is: boolean };
  /** The ESM consumer's upload of a file-backed Blob: the bytes the fake received. */
  fileBlobBytes?: number;
}

/**
 * Checks the report on `stdout`; returns its `host` part for runtime-specific checks.
 * @param ext "mjs" for the ESM consumer, "cjs" for the CommonJS one: the build it must load
 */
export function expectServerSession(
  stdout: string,
  options: { dir: string; ext: "mjs" | "cjs"; runtime: RegExp },
): ServerHost {
  const { host, ...session } = parseReport(stdout) as { host: ServerHost } & Record<string, unknown>;
  expect(session).toEqual(EXPECTED_SESSION);
  expect(host.runtime).toMatch(options.runtime);
  // The export map's `node` condition, from the installed package (no runtime has its own key).
  const root = `${options.dir}/node_modules/cohere-batches/dist`;
  expect(host.resolved.sdk.replace(/^file:\/\//, "")).toBe(`${root}/node/index.${options.ext}`);
  expect(host.resolved.testing.replace(/^file:\/\//, "")).toBe(`${root}/testing/index.node.${options.ext}`);
  expect(host.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  // The runtime that ran it, by its own name and version (Bun's and Deno's said node/v26.3.0).
  const [name, version] = host.runtime.split(" ");
  const runtime = name === "node" ? `node/v${version}` : `${name}/${version}`;
  expect(host.userAgents).toEqual([`cohere-batches/${packageVersion} ${runtime}`]);
  expect(host.requests).toBe(SESSION_REQUESTS);
  // The whole file arrived (Bun's composed Blob had lost a file-backed part's bytes).
  if (options.ext === "mjs") expect(host.fileBlobBytes).toBe(FILE_LINE_BYTES);
  return host;
}
