import { readdirSync, readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root, type Snippet, typeCheckSnippets } from "./snippets.js";

/**
 * The TSDoc `@example`s of the public API, as a user reads them in an editor: every ```ts fence
 * of an `@example` in the built declaration files of the entries of the exports map
 * (`dist/**∕*.d.mts` and the chunks they import) is type-checked like the README's blocks
 * (./snippets.ts): against the built package, strict, on Node 20's library.
 *
 * A reader of an example has its entry at hand: the names the example uses of its entry's exports
 * (and of the main entry's: `CohereClient` in an example of `cohere-batches/testing`) are imported
 * for it, unless it imports or declares them itself; anything else it imports, or it fails. An
 * example that cannot stand alone says so in its text and marks its fence ```ts skip-check.
 * A failure names the line of the source that carries the example (the d.ts's when the comment
 * is not found in src/) and the export it documents.
 */

const packageJson = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};

/** Each `.d.mts` an entry of the exports map points at, with the specifier a user imports it by. */
function entryTypes(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (target: unknown, key: string, specifier: string): void => {
    if (typeof target === "string") {
      if (key === "types" && target.endsWith(".d.mts") && !found.has(target))
        found.set(target.replace(/^\.\//, ""), specifier);
    } else if (target !== null && typeof target === "object") {
      for (const [name, value] of Object.entries(target)) walk(value, name, specifier);
    }
  };
  for (const [subpath, target] of Object.entries(packageJson.exports))
    walk(target, "", subpath === "." ? packageJson.name : `${packageJson.name}${subpath.slice(1)}`);
  return found;
}

const entries = entryTypes();
const mainSpecifier = packageJson.name;

/** The declaration files of `entries` and the chunks they import, each with its entry's specifier. */
function declarationFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string, specifier: string): void => {
    if (files.has(file)) return;
    files.set(file, specifier);
    const text = readFileSync(new URL(file, root), "utf8");
    for (const match of text.matchAll(/from "(\.\/[^"]+)\.(?:mjs|js)"/g)) {
      visit(`${file.slice(0, file.lastIndexOf("/") + 1)}${match[1]!.slice(2)}.d.mts`, specifier);
    }
  };
  for (const [file, specifier] of entries) visit(file, specifier);
  return files;
}

/** The names `specifier` exports, and whether each is a value (not only a type). */
function exportsOf(): Map<string, Map<string, boolean>> {
  const program = ts.createProgram(
    [...entries.keys()].map((file) => new URL(file, root).pathname),
    {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  const found = new Map<string, Map<string, boolean>>();
  for (const [file, specifier] of entries) {
    const source = program.getSourceFile(new URL(file, root).pathname);
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${file}: not a module the program could read`);
    const names = found.get(specifier) ?? new Map<string, boolean>();
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      names.set(exported.name, (names.get(exported.name) ?? false) || (symbol.flags & ts.SymbolFlags.Value) !== 0);
    }
    found.set(specifier, names);
  }
  return found;
}

/** The lines of a comment with their ` * ` prefix dropped. */
const commentLines = (text: string): string[] => text.split("\n").map((line) => line.replace(/^\s*\*? ?/, ""));

/** Every src/**∕*.ts file's lines, comment prefixes dropped, to find where an example is written. */
const sources = (readdirSync(new URL("src/", root), { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts") && !file.startsWith("generated/"))
  .map((file) => ({ file: `src/${file}`, lines: commentLines(readFileSync(new URL(`src/${file}`, root), "utf8")) }));

/** The file and the line of the first line of `lines` in src/, if they are there, once. */
function sourceOf(lines: readonly string[]): { file: string; line: number } | undefined {
  const found: { file: string; line: number }[] = [];
  for (const source of sources) {
    for (let start = 0; start + lines.length <= source.lines.length; start++) {
      if (lines.every((line, index) => source.lines[start + index] === line))
        found.push({ file: source.file, line: start + 1 });
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

/** The name of the declaration `node` documents, with its container's: `BatchesClient.create`. */
function nameOf(node: ts.Node): string {
  const names: string[] = [];
  for (let current: ts.Node | undefined = node; current !== undefined; current = current.parent) {
    if (ts.isSourceFile(current)) break;
    if (ts.isVariableStatement(current)) {
      names.unshift(current.declarationList.declarations.map((decl) => decl.name.getText()).join(", "));
      continue;
    }
    const name = ts.getNameOfDeclaration(current as ts.Declaration);
    if (name !== undefined && !ts.isVariableDeclarationList(current.parent ?? current)) names.unshift(name.getText());
    else if (ts.isConstructorDeclaration(current)) names.unshift("constructor");
  }
  return names.join(".") || "(anonymous)";
}

interface Example {
  readonly owner: string;
  readonly specifier: string;
  readonly info: string;
  readonly code: string;
  /** Where line `offset` of the code is: in src/ when found, else in the d.ts. */
  readonly where: (offset: number) => string;
  /** The example's text outside its fences (the reason a skip-check fence gives). */
  readonly prose: string;
}

/** What is wrong with the `@example`s themselves (no fence, a fence not ```ts), one a line. */
const malformed: string[] = [];

function examplesOf(file: string, specifier: string): Example[] {
  const text = readFileSync(new URL(file, root), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const examples: Example[] = [];
  const visit = (node: ts.Node): void => {
    for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) {
      const comment = text.slice(doc.getStart(source), doc.end);
      if (!comment.includes("@example")) continue;
      const owner = nameOf(node);
      const firstLine = source.getLineAndCharacterOfPosition(doc.getStart(source)).line + 1;
      const lines = commentLines(comment);
      const inSource = sourceOf(lines.slice(1, -1));
      const at = (index: number): string =>
        inSource === undefined ? `${file}:${firstLine + index}` : `${inSource.file}:${inSource.line + index - 1}`;
      // The @example sections: from an `@example` line to the next tag outside a fence.
      let section: { start: number; fences: number; prose: string[] } | undefined;
      const close = () => {
        if (section !== undefined && section.fences === 0)
          malformed.push(`${at(section.start)}: ${owner}: an @example with no \`\`\`ts fence`);
        section = undefined;
      };
      for (let index = 0; index < lines.length; index++) {
        const line = lines[index]!;
        if (/^@\w/.test(line)) {
          close();
          if (line.startsWith("@example")) section = { start: index, fences: 0, prose: [line.slice(8)] };
          continue;
        }
        if (section === undefined) continue;
        const open = /^```(.*)$/.exec(line);
        if (open === null) {
          section.prose.push(line);
          continue;
        }
        const start = index;
        const body: string[] = [];
        while (++index < lines.length && lines[index] !== "```") body.push(lines[index]!);
        section.fences++;
        const info = open[1]!.trim();
        if (info.split(/\s+/)[0] !== "ts") {
          malformed.push(`${at(start)}: ${owner}: an @example fence is \`\`\`${info}, not \`\`\`ts`);
          continue;
        }
        const prose = section.prose;
        examples.push({
          owner,
          specifier,
          info,
          code: body.join("\n"),
          where: (offset) => at(start + 1 + offset),
          get prose() {
            return prose.join("\n").trim();
          },
        });
      }
      close();
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return examples;
}

/** Every example once: the runtime builds' d.ts files document the same API. */
function allExamples(): Example[] {
  const seen = new Set<string>();
  return [...declarationFiles()].flatMap(([file, specifier]) =>
    examplesOf(file, specifier).filter((example) => {
      const key = `${example.owner}\n${example.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

/** The names `code` declares at its top level (imports included). */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) bind(decl.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/**
 * `example`'s code with an import, on its first line (the lines keep their numbers), of the names
 * it uses and does not declare of its entry's exports, then of the main entry's.
 */
function withEntryImports(example: Example, exported: Map<string, Map<string, boolean>>): string {
  const source = ts.createSourceFile("example.ts", example.code, ts.ScriptTarget.ES2022, true);
  const used = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const taken = declaredNames(source);
  const imports: string[] = [];
  for (const specifier of new Set([example.specifier, mainSpecifier])) {
    const names = [...(exported.get(specifier) ?? [])].filter(([name]) => used.has(name) && !taken.has(name));
    for (const [name] of names) taken.add(name);
    if (names.length > 0)
      imports.push(
        `import { ${names.map(([name, isValue]) => (isValue ? name : `type ${name}`)).join(", ")} } from "${specifier}";`,
      );
  }
  return `${imports.join(" ")}${imports.length > 0 ? " " : ""}${example.code}`;
}

describe("TSDoc examples of the public API", () => {
  const examples = allExamples();

  it("reads the examples of every entry of the exports map", () => {
    expect(new Set(examples.map((example) => example.specifier))).toEqual(
      new Set(
        Object.keys(packageJson.exports).flatMap((subpath) =>
          subpath === "./package.json" ? [] : [subpath === "." ? mainSpecifier : `${mainSpecifier}${subpath.slice(1)}`],
        ),
      ),
    );
    expect(examples.length).toBeGreaterThan(100);
  });

  it("every @example has a ```ts fence, and a skip-check one says why", () => {
    const unexplained = examples
      .filter((example) => example.info.includes("skip-check") && example.prose === "")
      .map((example) => `${example.where(-1)}: ${example.owner}: a skip-check example with no word of why`);
    expect([...malformed, ...unexplained]).toEqual([]);
  });

  it("every ```ts fence of an @example type-checks against the built package, strict", () => {
    const exported = exportsOf();
    const checked = examples.filter((example) => !example.info.includes("skip-check"));
    const snippets: Snippet[] = checked.map((example) => ({
      code: withEntryImports(example, exported),
      where: (offset) => `${example.where(offset)} (${example.owner})`,
    }));
    // The node condition: `cohere-batches/testing`'s HTTP server is the node entry's.
    expect(typeCheckSnippets("tsdoc-examples", snippets, { customConditions: ["node"] })).toEqual([]);
  }, 120_000);
});
