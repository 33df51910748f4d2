// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { CohereClient, CohereError } from "../../src/index.js";

// happy-dom gives this file a browser-like global scope (window, document) in Node: the
// constructor must see a web page and refuse to put the key in it.
describe("in a browser-like global scope", () => {
  it("refuses to start without dangerouslyAllowBrowser", () => {
    expect(typeof window).toBe("object");
    expect(() => new CohereClient({ token: "t" })).toThrow(CohereError);
    expect(() => new CohereClient({ token: "t" })).toThrow(/dangerouslyAllowBrowser/);
  });

  it("starts when the caller accepts the risk", () => {
    expect(new CohereClient({ token: "t", dangerouslyAllowBrowser: true }).batches).toBeDefined();
  });
});
