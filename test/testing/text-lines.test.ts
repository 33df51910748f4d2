import { describe, expect, it } from "vitest";
import { lines } from "../../src/testing/text-lines.js";

async function collect(file: Blob): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines(file)) out.push(line);
  return out;
}

describe("the fake's line reader", () => {
  it("splits on \\n as String#split does, \\r kept, the last line yielded even when empty", async () => {
    for (const text of ["", "a", "a\n", "a\r\nb", "\n\n", "é\nü\n€"])
      expect(await collect(new Blob([text]))).toEqual(text.split("\n"));
  });

  it("keeps lines whole across the stream's chunks and the 1 MiB decode steps (a long line, a character split between steps)", async () => {
    const long = "x".repeat(3 * 1024 * 1024 + 7);
    // "€" is 3 bytes: placed so that it straddles the first 1 MiB step.
    const straddling = `${"a".repeat(1024 * 1024 - 1)}€b`;
    const text = ["first", long, "", straddling, "last"].join("\n");
    const got = await collect(new Blob([text.slice(0, 100_000), text.slice(100_000)]));
    expect(got.map((line) => line.length)).toEqual(text.split("\n").map((line) => line.length));
    expect(got).toEqual(text.split("\n"));
  });
});
