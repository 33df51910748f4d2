// `npm run bench:variants`: measures proposed per-request optimisations without touching src/.
// Copies the built dist/node/index.mjs into a temp dir (with a node_modules link so its
// imports of openapi-fetch and valibot resolve), applies each patch to its own copy, and runs
// bench/requests.mjs with fetch, the built package and every copy in the same interleaved
// rounds (cohere-ai left out). A patch whose target text is not found fails loudly: the dist
// changed, update the patch.
//
//   node bench/variants.mjs [name ...]     (default: every variant)
//   node bench/variants.mjs --profile [--calls 10000] [name ...]
//     instead of timing rounds, profiles each copy the way bench/profile.mjs does (SDK and
//     fetch in alternating blocks of one process) and prints main-thread µs/call: the
//     overhead over fetch is measured within one process, so it is steadier than wall time
//     when something else loads the machine.
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

// 4. lean-request: ApiClient builds its one Request itself (the path template filled with
//    encodeURIComponent, scalar query parameters `name=encodeURIComponent(value)`, JSON body),
//    the same wire request openapi-fetch builds for these four operations, without
//    openapi-fetch's per-call work (option destructuring, a query serializer created per call,
//    header merging, the path-template regex walk, the `for (key in init)` copy, response
//    branching). openapi-fetch stays for its types (`paths`).
const leanRequest = (s) => {
  s = replace(
    s,
    `//#region src/core/api-client.ts`,
    `//#region lean request builder (bench/variants.mjs)
function leanClient(baseUrl) {
	const send = async (method, path, init) => {
		const params = init.params ?? {};
		let url = baseUrl + (params.path === void 0 ? path : path.replace(/\{([^{}]+)\}/g, (match, name) => params.path[name] === void 0 ? match : encodeURIComponent(params.path[name])));
		if (params.query !== void 0) {
			let search = "";
			for (const name in params.query) {
				const value = params.query[name];
				if (value !== void 0 && value !== null) search += (search === "" ? "" : "&") + name + "=" + encodeURIComponent(value);
			}
			if (search !== "") url += "?" + search;
		}
		const hasBody = init.body !== void 0;
		const requestInit = { method, redirect: "follow", headers: hasBody ? { "Content-Type": "application/json" } : void 0, body: hasBody ? JSON.stringify(init.body) : void 0 };
		if (init.signal !== void 0) requestInit.signal = init.signal;
		const response = await init.fetch(new Request(url, requestInit));
		return { data: init.parseAs === "text" && response.ok ? await response.text() : void 0, response };
	};
	return { GET: (path, init) => send("GET", path, init), POST: (path, init) => send("POST", path, init) };
}
//#endregion
//#region src/core/api-client.ts`,
    "lean-request: builder",
  );
  s = replace(s, `this.#openapi = createClient({ baseUrl: options.baseUrl });`, `this.#openapi = leanClient(options.baseUrl);`, "lean-request: use it");
  return s;
};

export const VARIANTS = {
  copy: (s) => s,
  "read-once": readOnce,
  "one-request": oneRequest,
  "no-rebuffer": noRebuffer,
  "read-once+one-request": (s) => oneRequest(readOnce(s)),
  "no-rebuffer+one-request": (s) => oneRequest(noRebuffer(s)),
  "lean-request": leanRequest,
  "no-rebuffer+one-request+lean-request": (s) => leanRequest(oneRequest(noRebuffer(s))),
  // Not a proposal: what response validation costs (skips valibot's safeParse), to size the floor.
  "floor-no-validation": (s) => replace(leanRequest(oneRequest(noRebuffer(s))), `const result = v.safeParse(schema, json);`, `const result = { success: true, output: json };`, "floor: no validation"),
  "all-three": (s) => leanRequest(oneRequest(readOnce(s))),
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

/** Runs the same calls with one SDK module against a fresh seeded fake; returns what went over the wire and what came back. */
async function transcript(sdk) {
  const { FakeCohere, ManualClock, startFakeCohereServer } = await import("cohere-batches/testing");
  const fake = new FakeCohere({ clock: new ManualClock(), seed: 7 });
  const server = await startFakeCohereServer(fake);
  const outcomes = [];
  const record = async (what, promise) => {
    try {
      outcomes.push([what, "ok", JSON.stringify(await promise)]);
    } catch (error) {
      outcomes.push([what, "error", error?.name, error?.status, JSON.stringify(error?.body)]);
    }
  };
  try {
    const client = new sdk.CohereClient({ token: "test-token", baseUrl: server.url, clientName: "smoke", headers: { "X-Extra": "1" } });
    const created = await client.batches.create({ name: "smoke", input_dataset_id: "ds-1", model: "command-r" }, { idempotencyKey: "k-1" });
    const id = created.batch.id;
    await client.batches.create({ name: "second", input_dataset_id: "ds-2", model: "command-r" });
    await record("retrieve", client.batches.retrieve(id));
    await record("list", client.batches.list({ page_size: 1, order_by: "created_at" }));
    const first = await client.batches.list({ page_size: 1 });
    await record("list page 2", client.batches.list({ page_size: 1, page_token: first.next_page_token }));
    const all = [];
    for await (const batch of client.batches.listAll({ page_size: 1 })) all.push(batch.id);
    outcomes.push(["listAll", all.join(",")]);
    const raw = await client.batches.withRawResponse.retrieve(id, { headers: { "X-Call": "2" }, queryParams: { extra: "x y" } });
    outcomes.push(["raw", raw.status, new URL(raw.url).pathname, raw.requestId !== undefined, raw.headers.get("content-type")]);
    await record("weird id", client.batches.retrieve("a/b?c d#e"));
    await record("cancel", client.batches.cancel(id));
    fake.inject("retrieve", { type: "status", status: 503, retryAfterMs: 1 }, { times: 1 });
    await record("503 then ok", client.batches.retrieve(id));
    fake.inject("retrieve", { type: "status", status: 500, body: "<html>oops</html>" }, { times: 3 });
    await record("500 x3", client.batches.retrieve(id));
    fake.inject("retrieve", { type: "malformed-body" }, { times: 1 });
    await record("malformed", client.batches.retrieve(id));
    fake.inject("cancel", { type: "empty-body" }, { times: 1 });
    await record("empty cancel", client.batches.cancel(id));
    fake.inject("retrieve", { type: "stall-body" }, { times: 1 });
    await record("stalled body", client.batches.retrieve(id, { timeoutInSeconds: 0.2, maxRetries: 0 }));
    const controller = new AbortController();
    fake.inject("retrieve", { type: "delay", ms: 400 }, { times: 1 });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await record("abort", client.batches.retrieve(id, { abortSignal: controller.signal }));
    const wire = fake.requests.map((r) => {
      const url = new URL(r.url);
      const headers = Object.entries(r.headers).filter(([name]) => !["host", "connection", "content-length", "user-agent", "keep-alive"].includes(name)).sort();
      return JSON.stringify([r.method, url.pathname + url.search, headers, r.body]);
    });
    return { wire, outcomes };
  } finally {
    await server.close();
  }
}

/**
 * Checks one patched copy against the built package: the same calls must put the same
 * requests on the wire (method, path, query, headers, body) and give the same results and
 * errors (statuses, timeouts, aborts, parse errors). Throws on the first difference.
 */
export async function smokeCheck(path) {
  const expected = await transcript(await import("cohere-batches"));
  const actual = await transcript(await import(`file://${path}`));
  for (const key of ["wire", "outcomes"]) {
    const a = expected[key];
    const b = actual[key];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) throw new Error(`smoke check failed (${path}), ${key} #${i}:\n  built: ${JSON.stringify(a[i])}\n  copy:  ${JSON.stringify(b[i])}`);
    }
  }
  return expected.outcomes.length + expected.wire.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--calls");
  const chosen = names.length ? names : Object.keys(VARIANTS);
  const dir = join(tmpdir(), `cohere-batches-variants-${process.pid}`);
  const variants = writeVariants(chosen, dir);
  const keep = process.argv.includes("--keep");
  try {
    for (const variant of variants) await smokeCheck(variant.path);
    console.log(`smoke check passed: ${variants.map((v) => v.name).join(", ")}`);
    if (process.argv.includes("--profile")) {
      const { runProfile } = await import("./profile.mjs");
      console.log("| SDK build | fetch µs/call | SDK µs/call | overhead µs/call | SDK / fetch | overhead vs built |");
      console.log("|---|---:|---:|---:|---:|---:|");
      let builtOverhead;
      for (const variant of [{ name: "built package", path: undefined }, ...variants]) {
        const { fetch: f, sdk: s } = await runProfile({ sdkPath: variant.path });
        const overhead = s.busyPerCall - f.busyPerCall;
        builtOverhead ??= overhead;
        console.log(`| ${variant.name} | ${f.busyPerCall.toFixed(1)} | ${s.busyPerCall.toFixed(1)} | ${overhead.toFixed(1)} | ${(s.busyPerCall / f.busyPerCall).toFixed(2)}x | ${((overhead / builtOverhead - 1) * 100).toFixed(0)}% |`);
      }
    } else {
      const code = await new Promise((resolve) => {
        const child = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench/requests.mjs")], {
          stdio: "inherit",
          env: { ...process.env, BENCH_INCLUDE: "fetch,fetch-sdk-headers,cohere-batches", BENCH_VARIANTS: variants.map((v) => `${v.name}=${v.path}`).join(",") },
        });
        child.on("exit", resolve);
      });
      process.exitCode = code;
    }
    if (keep) console.log(`copies kept in ${dir}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
