import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, typeCheckSnippets } from "./snippets.js";

/**
 * Every code block a reader may copy from the README and docs/ is checked here: each ```ts
 * block is type-checked against the built package (`cohere-batches`, as a user imports it), in
 * strict mode. A block that is not meant to compile says so in its info string (```ts skip-check),
 * a command block (```sh) may only run npm scripts that exist, and output or diagrams are
 * ```text. A fence without a language is refused, so nothing goes unchecked by accident.
 */
const documents = ["README.md", ...readdirSync(new URL("docs/", root)).map((name) => `docs/${name}`)].filter((name) =>
  name.endsWith(".md"),
);

interface Block {
  readonly document: string;
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

function blocksOf(document: string): Block[] {
  const lines = readFileSync(new URL(document, root), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(.*)$/.exec(lines[index]!);
    if (open === null) continue;
    const start = index;
    const body: string[] = [];
    while (++index < lines.length && lines[index] !== "```") body.push(lines[index]!);
    blocks.push({ document, line: start + 2, info: open[1]!.trim(), code: body.join("\n") });
  }
  return blocks;
}

const blocks = documents.flatMap(blocksOf);
const language = (block: Block) => block.info.split(/\s+/)[0] ?? "";

describe("the README's and docs' code blocks", () => {
  it("every fence names its language: ts, sh or text", () => {
    const unknown = blocks.filter((block) => !["ts", "sh", "text"].includes(language(block)));
    expect(unknown.map((block) => `${block.document}:${block.line} \`\`\`${block.info}`)).toEqual([]);
  });

  it("every npm script a command block runs exists", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(new URL("package.json", root), "utf8")).scripts);
    const missing = blocks
      .filter((block) => language(block) === "sh")
      .flatMap((block) => [...block.code.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]!))
      .filter((script) => !scripts.includes(script));
    expect(missing).toEqual([]);
  });

  it("every ts block type-checks against the built package, strict", () => {
    const checked = blocks.filter((block) => language(block) === "ts" && !block.info.includes("skip-check"));
    expect(checked.length).toBeGreaterThan(10);
    const snippets = checked.map((block) => ({
      code: block.code,
      where: (offset: number) => `${block.document}:${block.line + offset}`,
    }));
    expect(typeCheckSnippets("doc-blocks", snippets)).toEqual([]);
  }, 120_000);
});

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
}

function anchorsOf(document: string): Set<string> {
  const text = readFileSync(new URL(document, root), "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((match) => slug(match[1]!)));
}

describe("the README's and docs' links", () => {
  it("every link to a heading, within a page or to another page, lands on one", () => {
    const broken: string[] = [];
    for (const document of documents) {
      const text = readFileSync(new URL(document, root), "utf8");
      for (const [, file, anchor] of text.matchAll(/\]\(((?:\.\.\/|docs\/)?[\w.-]*?\.md|)#([\w-]+)\)/g)) {
        const target =
          file === "" ? document : new URL(file!, new URL(document, root)).pathname.slice(root.pathname.length);
        if (!anchorsOf(target).has(anchor!)) broken.push(`${document}: ${file}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
