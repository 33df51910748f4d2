// Bundle size: min+gzip of an esbuild browser bundle (platform browser, conditions
// ["browser"], minify, ESM) of a typical use, for this package, cohere-ai, and openai's batches
// client when `openai` is installed. gzip level 9.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measure as measurePage } from "../scripts/measure-size.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const ENTRIES = {
  "cohere-batches": `import { CohereClient } from "cohere-batches";\nconsole.log(await new CohereClient({ token: "x", dangerouslyAllowBrowser: true }).batches.list());`,
  "cohere-ai": `import { CohereClient } from "cohere-ai";\nconsole.log(await new CohereClient({ token: "x" }).batches.list());`,
  openai: `import OpenAI from "openai";\nconsole.log(await new OpenAI({ apiKey: "x", dangerouslyAllowBrowser: true }).batches.list());`,
};

/** Whether `node_modules/<name>` exists (cohere-ai's exports map hides its package.json from resolve). */
function installed(name) {
  return existsSync(`${ROOT}node_modules/${name}/package.json`);
}

// The same measure as the size guard (scripts/measure-size.mjs, test/runtimes/size.test.ts): with
// code splitting, the page's entry chunk, not the chunks a use loads later.
const measure = (contents) => measurePage(contents, ROOT);

export async function runBundle() {
  const out = {};
  for (const [name, contents] of Object.entries(ENTRIES)) {
    if (name !== "cohere-batches" && !installed(name)) {
      out[name] = { error: "not installed" };
      continue;
    }
    try {
      out[name] = await measure(contents);
    } catch (error) {
      out[name] = { error: `esbuild failed: ${String(error.errors?.[0]?.text ?? error.message).slice(0, 120)}` };
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await runBundle();
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(out));
  else
    for (const [name, r] of Object.entries(out))
      console.log(
        name.padEnd(16),
        r.error ?? `${(r.minBytes / 1024).toFixed(1)} kB min, ${(r.gzipBytes / 1024).toFixed(1)} kB min+gzip`,
      );
}
