// `carriesToken` decides whether a failure may be kept as a cause: `util.inspect` shows every
// field of every cause, so one that holds a token the call sent is dropped. It must find the
// token wherever an error can hold it, and stay fast on whatever a hostile cause holds.
import { describe, expect, it } from "vitest";
import { carriesToken, rememberToken } from "../../src/internal/secrets.js";
import { makeContext } from "../helpers/context.js";
import { withCpuMs } from "../helpers/cpu-time.js";

const token = "sk-live-0123456789abcdef-secret";
const context = makeContext();
rememberToken(context, token);

/** The verdict and how long it took. */
function judge(error: unknown): { holds: boolean; ms: number } {
  const { value, ms } = withCpuMs(() => carriesToken(context, error));
  return { holds: value, ms };
}

describe("carriesToken", () => {
  it.each([
    ["a message", new Error(`Bearer ${token}`)],
    ["an AggregateError's errors", new AggregateError([new Error(token)])],
    ["an HTTP client's config.headers", Object.assign(new Error("x"), { config: { headers: { a: token } } })],
    ["a Headers", Object.assign(new Error("x"), { headers: new Headers({ authorization: token }) })],
    [
      "a Request's headers",
      Object.assign(new Error("x"), { request: new Request("http://h/", { headers: { a: token } }) }),
    ],
    ["a URL's query", Object.assign(new Error("x"), { url: new URL(`http://h/?key=${token}`) })],
    ["a URLSearchParams", Object.assign(new Error("x"), { params: new URLSearchParams({ key: token }) })],
    ["a String object", Object.assign(new Error("x"), { auth: new String(token) })],
    ["a property name", Object.assign(new Error("x"), { headers: { [token]: 1 } })],
    ["a Map's key", Object.assign(new Error("x"), { seen: new Map([[token, 1]]) })],
    ["a function's field", Object.assign(new Error("x"), { fn: Object.assign(() => 0, { tok: token }) })],
    ["a symbol-keyed field", Object.assign(new Error("x"), { [Symbol("k")]: token })],
    ["a cause eight deep", [1, 2, 3, 4, 5, 6, 7].reduce((cause) => new Error("x", { cause }), new Error(token))],
  ])("finds the token in %s", (_, error) => {
    expect(judge(error).holds).toBe(true);
  });

  it("finds nothing in an error without it", () => {
    expect(
      judge(Object.assign(new Error("x"), { data: { a: [1, "b"] }, headers: new Headers({ a: "b" }) })).holds,
    ).toBe(false);
  });

  it.each([
    ["200 references to one 10 MiB string", () => Array(200).fill("x".repeat(10 * 1024 * 1024))],
    ["a Map of a million entries", () => new Map(Array.from({ length: 1e6 }, (_, i) => [i, i]))],
    ["an array of a million numbers", () => Array.from({ length: 1e6 }, (_, i) => i)],
    ["16 MiB of bytes", () => new Uint8Array(16 * 1024 * 1024)],
  ])("judges a cause holding %s at once: what is too large to walk counts as holding it", (_, make) => {
    // The walk took seconds here (7.4 s for the strings), with the event loop held.
    const data = make();
    const { holds, ms } = judge(Object.assign(new Error("x"), { data }));
    expect(ms).toBeLessThan(200);
    expect(holds).toBe(!(data instanceof Uint8Array));
  });
});
