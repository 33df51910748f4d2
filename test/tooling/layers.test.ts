import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "../../src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(folder, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(folder, entry.name)]
        : [],
  );
}

/** The folders a file imports from, resolved against `src/`. */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map(
    (match) => relative(src, join(file, "..", match[1]!)).split("/")[0]!,
  );
}

describe("the layout shows the layers", () => {
  it("core imports neither the layers (middleware) nor their assembly (pipeline)", () => {
    const upward = sourceFiles(join(src, "core")).flatMap((file) =>
      importedFolders(file)
        .filter((folder) => folder === "middleware" || folder === "pipeline")
        .map((folder) => `${relative(src, file)} -> ${folder}`),
    );
    expect(upward).toEqual([]);
  });

  it("middleware does not import the assembly that orders it", () => {
    const upward = sourceFiles(join(src, "middleware")).filter((file) => importedFolders(file).includes("pipeline"));
    expect(upward).toEqual([]);
  });
});
