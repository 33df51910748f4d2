// `npm run bench:variants`: measures proposed per-request optimisations without touching src/.
// Copies the built dist/node into a temp dir (with a node_modules link so its imports of
// openapi-fetch and valibot resolve), applies each patch to its own copy of the code the entry
// re-exports (the internal chunk, dist/node/sdk-*.mjs; the entry itself only re-exports), and runs
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
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Replace `from` (whitespace-insensitive) with `to`; throws when `from` is missing. */
function replace(source, from, to, what) {
  const pattern = new RegExp(
    from
      .trim()
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\s+/g, "\\s*"),
  );
  if (!pattern.test(source)) throw new Error(`patch "${what}": target not found in the node build's internal chunk`);
  return source.replace(pattern, to);
}

// The patches measured here before were applied to src/ one by one (read-once, one-request,
// no-rebuffer, lean-request; see the README's benchmark notes and `git log -- bench/variants.mjs`).
// What remains is the copy (the harness's own noise) and the floor: what response validation
// costs, measured by skipping valibot's safeParse. Add a patch here to measure the next idea.
export const VARIANTS = {
  copy: (s) => s,
  // Not a proposal: what response validation costs, to size the floor.
  "floor-no-validation": (s) =>
    replace(
      s,
      `const result = /* @__PURE__ */ safeParse(schema, json);`,
      `const result = { success: true, output: json };`,
      "floor: no validation",
    ),
};

/** Writes each variant's copy; returns `[{ name, path }]`. */
export function writeVariants(names, dir) {
  const dist = join(ROOT, "dist/node");
  const files = readdirSync(dist).filter((file) => file.endsWith(".mjs"));
  // The chunk the entry re-exports: the SDK's code, which the patches change.
  const chunk = /from "\.\/([^"]+\.mjs)"/.exec(readFileSync(join(dist, "index.mjs"), "utf8"))?.[1];
  if (chunk === undefined)
    throw new Error("dist/node/index.mjs re-exports no chunk: rebuild, or update bench/variants.mjs");
  const source = readFileSync(join(dist, chunk), "utf8");
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  return names.map((name) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (const file of files) writeFileSync(join(dir, name, file), readFileSync(join(dist, file)));
    writeFileSync(join(dir, name, chunk), VARIANTS[name](source));
    return { name, path: join(dir, name, "index.mjs") };
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
    const client = new sdk.CohereClient({
      token: "test-token",
      baseUrl: server.url,
      clientName: "smoke",
      headers: { "X-Extra": "1" },
    });
    const created = await client.batches.create(
      { name: "smoke", input_dataset_id: "ds-1", model: "command-r" },
      { idempotencyKey: "k-1" },
    );
    const id = created.batch.id;
    await client.batches.create({ name: "second", input_dataset_id: "ds-2", model: "command-r" });
    await record("retrieve", client.batches.retrieve(id));
    await record("list", client.batches.list({ page_size: 1, order_by: "created_at" }));
    const first = await client.batches.list({ page_size: 1 });
    await record("list page 2", client.batches.list({ page_size: 1, page_token: first.next_page_token }));
    const all = [];
    for await (const batch of client.batches.listAll({ page_size: 1 })) all.push(batch.id);
    outcomes.push(["listAll", all.join(",")]);
    const raw = await client.batches.withRawResponse.retrieve(id, {
      headers: { "X-Call": "2" },
      queryParams: { extra: "x y" },
    });
    outcomes.push([
      "raw",
      raw.status,
      new URL(raw.url).pathname,
      raw.requestId !== undefined,
      raw.headers.get("content-type"),
    ]);
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
      const headers = Object.entries(r.headers)
        .filter(([name]) => !["host", "connection", "content-length", "user-agent", "keep-alive"].includes(name))
        .sort();
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
      if (JSON.stringify(a[i]) !== JSON.stringify(b[i]))
        throw new Error(
          `smoke check failed (${path}), ${key} #${i}:\n  built: ${JSON.stringify(a[i])}\n  copy:  ${JSON.stringify(b[i])}`,
        );
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
        console.log(
          `| ${variant.name} | ${f.busyPerCall.toFixed(1)} | ${s.busyPerCall.toFixed(1)} | ${overhead.toFixed(1)} | ${(s.busyPerCall / f.busyPerCall).toFixed(2)}x | ${((overhead / builtOverhead - 1) * 100).toFixed(0)}% |`,
        );
      }
    } else {
      const code = await new Promise((resolve) => {
        const child = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench/requests.mjs")], {
          stdio: "inherit",
          env: {
            ...process.env,
            BENCH_INCLUDE: "fetch,fetch-sdk-headers,cohere-batches",
            BENCH_VARIANTS: variants.map((v) => `${v.name}=${v.path}`).join(","),
          },
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
