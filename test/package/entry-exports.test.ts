import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// What a user sees of each entry of the built package (`import * as sdk`, `require()`, an
// editor's completion of the built JS) is its public names and nothing else: the code the entry
// shares with its lazily loaded chunks lives in an internal chunk, not in extra (mangled)
// exports of the entry. The expected names are the value exports of the entry's source, so this
// test follows the API as it changes. Run after `npm run build`.

const require = createRequire(import.meta.url);
const root = new URL("../../", import.meta.url);

/** Every file the package's exports map (and the node10 `main`s) points a runtime at. */
function entryFiles(): string[] {
  const files = new Set<string>();
  const walk = (target: unknown, key: string): void => {
    if (typeof target === "string") {
      if (key !== "types" && /\.[cm]js$/.test(target)) files.add(target.replace(/^\.\//, ""));
    } else if (target !== null && typeof target === "object") {
      for (const [name, value] of Object.entries(target)) walk(value, name);
    }
  };
  const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), "utf8")) as Record<string, unknown>;
  const pkg = read("package.json");
  walk(pkg.exports, "");
  walk(pkg.main, "main");
  for (const subpath of ["testing", "otel"]) {
    const main = read(`${subpath}/package.json`).main as string;
    files.add(new URL(main, new URL(`${subpath}/`, root)).href.slice(root.href.length));
  }
  return [...files].sort();
}

/** The TypeScript source a built entry is made from. */
function sourceOf(file: string): string {
  const match = /^dist\/(node|browser|default|testing|otel)\/(index(?:\.node)?)\.[cm]js$/.exec(file);
  if (match === null) throw new Error(`${file}: no source known for this entry; add it to the test`);
  const [, build, name] = match;
  if (build === "testing") return `../../src/testing/${name}.ts`;
  if (build === "otel") return "../../src/otel/index.ts";
  return "../../src/index.ts";
}

const files = entryFiles();

describe("the built entries", () => {
  it("cover every build and subpath of the exports map", () => {
    for (const build of ["node", "browser", "default"])
      for (const format of ["mjs", "cjs"]) expect(files).toContain(`dist/${build}/index.${format}`);
    for (const file of ["testing/index", "testing/index.node", "otel/index"])
      for (const format of ["mjs", "cjs"]) expect(files).toContain(`dist/${file}.${format}`);
  });

  it.each(files)("%s exports exactly the public names of its source", async (file) => {
    const expected = Object.keys(await import(sourceOf(file))).sort();
    expect(expected.length).toBeGreaterThan(0);
    const url = new URL(file, root);
    const exported = file.endsWith(".cjs")
      ? Object.keys(require(url.pathname) as object)
      : Object.keys(await import(url.href));
    expect(exported.sort()).toEqual(expected);
  });
});
