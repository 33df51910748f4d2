// What fetch refuses (bad input, not a network failure) as each runtime words it: refused at
// once by name, never retried as a connection failure.
import { describe, expect, it } from "vitest";
import { isRefusedByFetch } from "../../src/internal/cause-chain.js";

const withCode = (message: string, code: string) => Object.assign(new TypeError(message), { code });
const failed = (cause: unknown) => new TypeError("fetch failed", { cause });

describe("a request whose body was read already", () => {
  it.each([
    ["Node", new TypeError("Cannot construct a Request with a Request object that has already been used.")],
    ["Deno", new TypeError("Input request's body is unusable")],
    // Bun said so in two ways, and was retried as a connection failure, three attempts with backoff.
    ["Bun, copying the Request", new TypeError("Body object should not be disturbed or locked")],
    ["Bun, reading it", withCode("Body is disturbed or locked", "ERR_BODY_ALREADY_USED")],
    ["Bun, as a cause", failed(withCode("Body is disturbed or locked", "ERR_BODY_ALREADY_USED"))],
  ])("%s: refused", (_, error) => {
    expect(isRefusedByFetch(error)).toBe(true);
  });

  it("a connection failure is not", () => {
    expect(isRefusedByFetch(failed(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED")))).toBe(false);
    // Quoted later in a message, the words do not count.
    expect(isRefusedByFetch(new TypeError("socket hang up: Body is disturbed or locked"))).toBe(false);
  });
});
