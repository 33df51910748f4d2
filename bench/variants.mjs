// `npm run bench:variants`: measures proposed per-request optimisations without touching src/.
// Copies the built dist/node/index.mjs into a temp dir (with a node_modules link so its
// imports of openapi-fetch and valibot resolve), applies each patch to its own copy, and runs
// bench/requests.mjs with fetch, the built package and every copy in the same interleaved
// rounds (cohere-ai left out). A patch whose target text is not found fails loudly: the dist
// changed, update the patch.
//
//   node bench/variants.mjs [name ...]     (default: every variant)
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Replace `from` (whitespace-insensitive) with `to`; throws when `from` is missing. */
function replace(source, from, to, what) {
  const pattern = new RegExp(from.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s*"));
  if (!pattern.test(source)) throw new Error(`patch "${what}": target not found in dist/node/index.mjs`);
  return source.replace(pattern, to);
}

// 1. read-once: the transport keeps the bytes it read (WeakMap keyed by the buffered Response);
//    ApiClient asks openapi-fetch for parseAs "stream" (which reads nothing) and decodes those
//    bytes, instead of reading the rebuilt Response's body through a second ReadableStream.
//    A Response a user middleware substituted is not in the map: read with text() as before.
const readOnce = (s) => {
  s = replace(s, `const nullBodyStatuses = new Set([`, `const bufferedBodies = new WeakMap();\nconst utf8Decoder = new TextDecoder();\nconst nullBodyStatuses = new Set([`, "read-once: map");
  s = replace(s, `Object.defineProperty(buffered, "url", { value: response.url || request.url });\n\t\t\treturn buffered;`, `Object.defineProperty(buffered, "url", { value: response.url || request.url });\n\t\t\tif (body !== null) bufferedBodies.set(buffered, body);\n\t\t\treturn buffered;`, "read-once: stash");
  s = replace(s, `parseAs: "text"\n\t\t};`, `parseAs: "stream"\n\t\t};`, "read-once: parseAs");
  s = replace(
    s,
    `const { data: text = "", response } = await send(this.#openapi, init);`,
    `const { response } = await send(this.#openapi, init);\n\t\tconst bytes = bufferedBodies.get(response);\n\t\tconst text = bytes !== void 0 ? utf8Decoder.decode(bytes) : await response.text();`,
    "read-once: decode",
  );
  return s;
};

// 2. one-request: the timeout layer no longer wraps the request in `new Request(request,
//    { signal })` (a Request, its internal AbortController, a signal link); it hands the
//    attempt's signal to the transport through the context, and the transport passes it as
//    fetch's init. Safe as is only when no user middleware runs below timeout (they would
//    no longer see the attempt signal on request.signal): apply it when the attempt phase has
//    no user plugins, else keep the wrapping.
const oneRequest = (s) => {
  s = replace(s, `return await next(new Request(request, { signal: controller.signal }));`, `context.attemptSignal = controller.signal;\n\t\t\treturn await next(request);`, "one-request: timeout");
  s = replace(
    s,
    `const response = await raceAbort(fetchFunction(request), request.signal);\n\t\t\tconst body = nullBodyStatuses.has(response.status) ? null : await raceAbort(response.arrayBuffer(), request.signal);`,
    `const signal = context.attemptSignal ?? request.signal;\n\t\t\tconst response = await raceAbort(fetchFunction(request, { signal }), signal);\n\t\t\tconst body = nullBodyStatuses.has(response.status) ? null : await raceAbort(response.arrayBuffer(), signal);`,
    "one-request: transport",
  );
  return s;
};

// 3. no-rebuffer: (upper bound of 1.) the transport returns fetch's own Response, its body
//    read, with the bytes in the WeakMap; error mapping and ApiClient decode the bytes. Saves
//    the `new Response` (an ArrayBuffer copy and a ReadableStream) as well. Only safe when no
//    user middleware wants to read the body (theirs would be "already used").
const noRebuffer = (s) => {
  s = readOnce(s);
  s = replace(
    s,
    `const buffered = new Response(body, {\n\t\t\t\tstatus: response.status,\n\t\t\t\tstatusText: response.statusText,\n\t\t\t\theaders: response.headers\n\t\t\t});\n\t\t\tObject.defineProperty(buffered, "url", { value: response.url || request.url });\n\t\t\tif (body !== null) bufferedBodies.set(buffered, body);\n\t\t\treturn buffered;`,
    `if (body !== null) bufferedBodies.set(response, body);\n\t\t\treturn response;`,
    "no-rebuffer: transport",
  );
  s = replace(s, `if (response.ok) return response;\n\t\tconst text = await response.text();`, `if (response.ok) return response;\n\t\tconst bytes = bufferedBodies.get(response);\n\t\tconst text = bytes !== void 0 ? utf8Decoder.decode(bytes) : await response.text();`, "no-rebuffer: error mapping");
  return s;
};

export const VARIANTS = {
  copy: (s) => s,
  "read-once": readOnce,
  "one-request": oneRequest,
  "no-rebuffer": noRebuffer,
  "read-once+one-request": (s) => oneRequest(readOnce(s)),
  "no-rebuffer+one-request": (s) => oneRequest(noRebuffer(s)),
};

/** Writes each variant's copy; returns `[{ name, path }]`. */
export function writeVariants(names, dir) {
  const source = readFileSync(join(ROOT, "dist/node/index.mjs"), "utf8");
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  return names.map((name) => {
    mkdirSync(join(dir, name), { recursive: true });
    const path = join(dir, name, "index.mjs");
    writeFileSync(path, VARIANTS[name](source));
    return { name, path };
  });
}

/**
 * A smoke check of one copy against the fake service over HTTP: create, retrieve, list, cancel,
 * a 404, a retried 503, a timeout, a raw response. Throws on any difference from the built package.
 */
export async function smokeCheck(path) {
  const { FakeCohere, ManualClock, startFakeCohereServer } = await import("cohere-batches/testing");
  const sdk = await import(`file://${path}`);
  const fake = new FakeCohere({ clock: new ManualClock() });
  const server = await startFakeCohereServer(fake);
  const check = (ok, what) => {
    if (!ok) throw new Error(`smoke check failed (${path}): ${what}`);
  };
  try {
    const client = new sdk.CohereClient({ token: "test-token", baseUrl: server.url });
    const { batch } = await client.batches.create({ name: "smoke", input_dataset_id: "ds-1", model: "command-r" });
    check((await client.batches.retrieve(batch.id)).batch.id === batch.id, "retrieve");
    check((await client.batches.list({ page_size: 5 })).batches.length === 1, "list");
    const raw = await client.batches.withRawResponse.retrieve(batch.id);
    check(raw.status === 200 && raw.url.endsWith(`/v2/batches/${batch.id}`) && raw.headers.get("content-type")?.includes("json"), "raw response");
    check(typeof (await client.batches.cancel(batch.id)) === "object", "cancel");
    const missing = await client.batches.retrieve("no-such-batch").catch((error) => error);
    check(sdk.NotFoundError.is(missing) && missing.status === 404 && typeof missing.body === "object", "404 -> NotFoundError with a JSON body");
    fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 1 }, { times: 1 });
    check((await client.batches.retrieve(batch.id)).batch.id === batch.id, "503 retried");
    fake.inject("retrieve", { type: "stall-body" }, { times: 1 });
    const stalled = await client.batches.retrieve(batch.id, { timeoutInSeconds: 0.2, maxRetries: 0 }).catch((error) => error);
    check(stalled?.name === "CohereTimeoutError", `stalled body -> CohereTimeoutError (got ${stalled?.name})`);
    const controller = new AbortController();
    fake.inject("retrieve", { type: "delay", ms: 400 }, { times: 1 });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    const aborted = await client.batches.retrieve(batch.id, { abortSignal: controller.signal }).catch((error) => error);
    check(aborted?.name === "CohereAbortError", `abort -> CohereAbortError (got ${aborted?.name})`);
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const chosen = names.length ? names : Object.keys(VARIANTS);
  const dir = join(tmpdir(), `cohere-batches-variants-${process.pid}`);
  const variants = writeVariants(chosen, dir);
  const keep = process.argv.includes("--keep");
  try {
    for (const variant of variants) await smokeCheck(variant.path);
    console.log(`smoke check passed: ${variants.map((v) => v.name).join(", ")}`);
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench/requests.mjs")], {
        stdio: "inherit",
        env: { ...process.env, BENCH_INCLUDE: "fetch,cohere-batches", BENCH_VARIANTS: variants.map((v) => `${v.name}=${v.path}`).join(",") },
      });
      child.on("exit", resolve);
    });
    if (keep) console.log(`copies kept in ${dir}`);
    process.exitCode = code;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
