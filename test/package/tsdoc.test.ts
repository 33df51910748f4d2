import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The project's standard: "Public API: TSDoc on every export, with `@example` and `@throws`".
// This reads the source of every entry of the package's exports map with the TypeScript compiler
// API (one program, no type-check) and lists what falls short:
// - every export has a TSDoc summary (interfaces and type aliases included);
// - exported functions, classes and constants have an `@example`;
// - exported functions and classes (on the class or its constructor) have a `@throws`;
// - the public members of exported classes (their own and inherited ones the SDK declares) have
//   a summary, and their methods a `@throws` (`@throws Never: ...` where nothing can throw); a
//   property with a getter and a setter has it on the getter.
// Members marked `@internal` are not public (the builds strip them) and are skipped.

const root = fileURLToPath(new URL("../../", import.meta.url));
const src = `${root}src/`;

/** The source of each entry of the exports map, from the `types` files it points at. */
function entrySources(): string[] {
  const typeFiles = new Set<string>();
  const walk = (target: unknown, key: string): void => {
    if (typeof target === "string") {
      if (key === "types") typeFiles.add(target.replace(/^\.\//, ""));
    } else if (target !== null && typeof target === "object") {
      for (const [name, value] of Object.entries(target)) walk(value, name);
    }
  };
  walk((JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { exports: unknown }).exports, "");
  const sources = new Set<string>();
  for (const file of typeFiles) {
    // dist/<build>/<entry>.d.[cm]ts: the SDK's runtime builds (tsdown.config.ts) share src/index.ts;
    // the other builds are named after their folder of src.
    const match = /^dist\/([^/]+)\/(.+)\.d\.[cm]?ts$/.exec(file);
    if (match === null) throw new Error(`${file}: not a dist/<build>/<entry>.d.ts; teach the test its source`);
    const [, build, entry] = match as unknown as [string, string, string];
    const source = ["node", "browser", "default"].includes(build) ? `${src}${entry}.ts` : `${src}${build}/${entry}.ts`;
    if (!existsSync(source)) throw new Error(`${file}: no source at ${source}; teach the test its source`);
    sources.add(source);
  }
  return [...sources].sort();
}

const entries = entrySources();

const { options } = ts.parseJsonConfigFileContent(
  ts.readConfigFile(`${root}tsconfig.json`, ts.sys.readFile).config,
  ts.sys,
  root,
);
const program = ts.createProgram(entries, {
  ...options,
  noEmit: true,
  // The node entries use Node's types; `#platform` as vitest resolves it (vitest.config.ts).
  types: ["node"],
  paths: { ...options.paths, "#platform": [`${src}platform/node.ts`] },
});
const checker = program.getTypeChecker();

/** The text of the summary of `node`'s TSDoc ("" when it has none). */
function summary(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join("")
    .trim();
}

const tags = (node: ts.Node): string[] => ts.getJSDocTags(node).map((tag) => tag.tagName.text);
const isInternal = (node: ts.Node): boolean => tags(node).includes("internal");
const isFunctionLike = (decl: ts.Declaration): boolean =>
  ts.isFunctionDeclaration(decl) ||
  (ts.isVariableDeclaration(decl) &&
    decl.initializer !== undefined &&
    (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer)));

/** Whether `decl` is the SDK's own (not the standard library's, nor a dependency's). */
const isOurs = (decl: ts.Declaration): boolean => decl.getSourceFile().fileName.startsWith(src);

function isPublicMember(decl: ts.Declaration): boolean {
  if (!isOurs(decl) || isInternal(decl)) return false;
  if (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  return name === undefined || !ts.isPrivateIdentifier(name);
}

/** What `decl`, a public member of a class, lacks. */
function memberGaps(decl: ts.Declaration): string[] {
  const gaps: string[] = [];
  if (summary(decl) === "") gaps.push("TSDoc");
  if ((ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl)) && !tags(decl).includes("throws"))
    gaps.push("@throws");
  return gaps;
}

/**
 * What the public members of `cls` lack, including those it inherits from the SDK's classes,
 * each named after the class that declares it. `seen`: the members already looked at (an
 * inherited member is listed once, not under every subclass).
 */
function classMemberGaps(name: string, cls: ts.ClassDeclaration, symbol: ts.Symbol, seen: Set<ts.Node>): string[] {
  const found: string[] = [];
  const check = (member: ts.Symbol, isStatic: boolean): void => {
    const hasGetter = (member.declarations ?? []).some(ts.isGetAccessorDeclaration);
    for (const decl of member.declarations ?? []) {
      if (seen.has(decl) || !isPublicMember(decl)) continue;
      // A getter and setter are one property, documented once, on the getter: api-extractor
      // refuses a doc comment on the setter (ae-setter-with-docs).
      if (hasGetter && ts.isSetAccessorDeclaration(decl)) continue;
      seen.add(decl);
      const gaps = memberGaps(decl);
      const owner = ts.isClassLike(decl.parent) ? (decl.parent.name?.text ?? name) : name;
      if (gaps.length > 0) found.push(`${owner}${isStatic ? "." : "#"}${member.name}: ${gaps.join(", ")}`);
    }
  };
  for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) check(member, false);
  for (const member of checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(symbol, cls)))
    if (member.name !== "prototype") check(member, true);
  for (const ctor of cls.members.filter(ts.isConstructorDeclaration)) {
    if (!isPublicMember(ctor)) continue;
    if (summary(ctor) === "") found.push(`${name} constructor: TSDoc`);
  }
  return found;
}

/** What `decl`, the declaration of the export `name`, lacks (its class's members included). */
function exportGaps(name: string, decl: ts.Declaration, symbol: ts.Symbol, seen: Set<ts.Node>): string[] {
  const gaps: string[] = [];
  const own = tags(decl);
  if (summary(decl) === "") gaps.push("TSDoc");
  const isType = ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl);
  if (!isType && !own.includes("example")) gaps.push("@example");
  if (ts.isClassDeclaration(decl)) {
    const ctors = decl.members.filter(ts.isConstructorDeclaration).filter((ctor) => !isInternal(ctor));
    if (!own.includes("throws") && !ctors.some((ctor) => tags(ctor).includes("throws"))) gaps.push("@throws");
  } else if (isFunctionLike(decl) && !own.includes("throws")) gaps.push("@throws");
  const found = gaps.length > 0 ? [`${name}: ${gaps.join(", ")}`] : [];
  if (ts.isClassDeclaration(decl)) found.push(...classMemberGaps(name, decl, symbol, seen));
  return found;
}

/** What the exports of `entry` lack, one line each. */
function entryGaps(entry: string): string[] {
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${entry}: not a module the program could read`);
  const found: string[] = [];
  const seen = new Set<ts.Node>();
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = (symbol.declarations ?? []).filter(isOurs);
    if (declarations.length === 0) {
      // A re-export of another package's declaration is that package's to document.
      if ((symbol.declarations ?? []).length === 0) found.push(`${exported.name}: no declaration found`);
      continue;
    }
    // A value and a type of one name (`BatchStatus`) are documented once, on the value.
    const decl = symbol.valueDeclaration ?? declarations[0];
    if (decl !== undefined) found.push(...exportGaps(exported.name, decl, symbol, seen));
  }
  return found;
}

describe("TSDoc of the public API", () => {
  // A guard on the derivation above (not the list it checks): the root, testing and otel entries are among it.
  it("reads every entry of the exports map", () => {
    expect(entries.map((entry) => entry.slice(root.length))).toEqual(
      expect.arrayContaining(["src/index.ts", "src/otel/index.ts", "src/testing/index.ts"]),
    );
  });

  it.each(entries.map((entry) => [entry.slice(root.length), entry]))(
    "%s: every export and public member is documented, with @example and @throws",
    (_, entry) => {
      expect(entryGaps(entry)).toEqual([]);
    },
  );
});
