import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import ts from "typescript";

/**
 * The one way a snippet a reader may copy (a README or docs/ code block, a TSDoc `@example`) is
 * type-checked: against the built package (`cohere-batches`, as a user imports it), strict, with
 * the few names a reader has at hand ({@link snippetGlobals}) and nothing more.
 */

export const root = new URL("../../", import.meta.url);

/** A snippet to check: its code, and where its first line is, for the messages. */
export interface Snippet {
  readonly code: string;
  /** The place of line `offset` (0: the first) of `code`, as a message names it: `file:line`. */
  readonly where: (offset: number) => string;
}

/**
 * The names the short snippets use without declaring them, as a reader of them has them: a
 * client, the id of the batch or dataset the text is about, and (in the testing entry's examples)
 * the fake service the client talks to. A snippet that declares one of them
 * (`const client = new CohereClient()`) shadows it.
 */
export const snippetGlobals = `declare global {
  const client: import("cohere-batches").CohereClient;
  const batchId: string;
  const datasetId: string;
  const fake: import("cohere-batches/testing").FakeCohere;
}
export {};
`;

/**
 * Type-checks `snippets`, each as a module of its own in `.tmp/<name>/`, and lists the problems
 * one a line, `<where>: <message>`. A snippet with no `import` or `export` is made a module (its
 * names stay its own). `customConditions`: the export conditions `cohere-batches` resolves with.
 */
export function typeCheckSnippets(
  name: string,
  snippets: readonly Snippet[],
  { customConditions = [] as string[] } = {},
): string[] {
  const directory = new URL(`.tmp/${name}/`, root);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const origin = new Map<string, Snippet>();
  const files = snippets.map((snippet, index) => {
    const path = new URL(`snippet-${index}.ts`, directory).pathname;
    const isModule = /^\s*(import|export)\s/m.test(snippet.code);
    writeFileSync(path, isModule ? snippet.code : `${snippet.code}\nexport {};\n`);
    origin.set(path, snippet);
    return path;
  });
  const globals = new URL("globals.d.ts", directory).pathname;
  writeFileSync(globals, snippetGlobals);
  const program = ts.createProgram([...files, globals], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions,
    // ES2022 and @types/node 20: what Node 20, the oldest runtime supported, has (no
    // `Array.fromAsync`, no `Promise.withResolvers`).
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: ["node"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const snippet = diagnostic.file === undefined ? undefined : origin.get(diagnostic.file.fileName);
    const where =
      snippet === undefined || diagnostic.start === undefined
        ? (diagnostic.file?.fileName ?? "")
        : snippet.where(diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start).line);
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
}
