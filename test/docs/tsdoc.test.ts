import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * What a user hovers over: every method of the clients (`CohereClient`, `client.batches`,
 * `client.datasets` and their `withRawResponse`) and every exported function has a description,
 * an `@example` and a `@throws`, read from the published types (the build's `.d.mts`).
 */
const typesFile = new URL("../../dist/default/index.d.mts", import.meta.url);
/** The `cohere-batches/otel` entry: small enough that every export is held to it, interfaces too. */
const otelTypesFile = new URL("../../dist/otel/index.d.mts", import.meta.url);

function documented(node: ts.Node): { text: string; tags: string[] } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const text = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join("");
  return { text, tags: docs.flatMap((doc) => (doc.tags ?? []).map((tag) => tag.tagName.text)) };
}

function undocumented(file: URL, { interfaces = false } = {}): string[] {
  const source = ts.createSourceFile("index.d.mts", readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const missing: string[] = [];
  const check = (name: string, node: ts.Node) => {
    const { text, tags } = documented(node);
    const lacks = [
      text.trim() === "" ? "description" : "",
      tags.includes("example") ? "" : "@example",
      tags.includes("throws") ? "" : "@throws",
    ].filter(Boolean);
    if (lacks.length > 0) missing.push(`${name}: ${lacks.join(", ")}`);
  };
  ts.forEachChild(source, (node) => {
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) check(node.name.text, node);
    if (interfaces && ts.isInterfaceDeclaration(node)) check(node.name.text, node);
    const className = ts.isClassDeclaration(node) ? node.name?.text : undefined;
    if (ts.isClassDeclaration(node) && className?.endsWith("Client")) {
      for (const member of node.members) {
        const isPrivate = (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private) !== 0;
        if (ts.isMethodDeclaration(member) && !isPrivate) check(`${className}.${member.name.getText()}`, member);
      }
    }
  });
  return missing;
}

describe("TSDoc of the public surface", () => {
  it("every client method and exported function has a description, @example and @throws", () => {
    expect(undocumented(typesFile)).toEqual([]);
  });

  it("every function and interface of cohere-batches/otel has a description, @example and @throws", () => {
    expect(undocumented(otelTypesFile, { interfaces: true })).toEqual([]);
  });
});
