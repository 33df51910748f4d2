// What fetch refuses (bad input, not a network failure) as each runtime words it: refused at
// once by name, never retried as a connection failure.
import { describe, expect, it } from "vitest";
import { isRefusedByFetch, isRefusedAfterSending } from "../../src/internal/cause-chain.js";

const withCode = (message: string, code: string) => Object.assign(new TypeError(message), { code });
const failed = (cause: unknown) => new TypeError("fetch failed", { cause });

describe("a request whose body was read already", () => {
  it.each([
    ["Node", new TypeError("Cannot construct a Request with a Request object that has already been used.")],
    ["Deno", new TypeError("Input request's body is unusable")],
    // Chromium names the call first: it was a connection's failure, counted as sent.
    [
      "Chromium",
      new TypeError(
        "Failed to execute 'fetch' on 'Window': Cannot construct a Request with a Request object that has already been used.",
      ),
    ],
    [
      "Chromium, copying the Request",
      new TypeError(
        "Failed to construct 'Request': Cannot construct a Request with a Request object that has already been used.",
      ),
    ],
    [
      "Chromium, in a worker",
      new TypeError(
        "Failed to execute 'fetch' on 'WorkerGlobalScope': Cannot construct a Request with a Request object that has already been used.",
      ),
    ],
    // Bun said so in two ways, and was retried as a connection failure, three attempts with backoff.
    ["Bun, copying the Request", new TypeError("Body object should not be disturbed or locked")],
    ["Bun, reading it", withCode("Body is disturbed or locked", "ERR_BODY_ALREADY_USED")],
    ["Bun, as a cause", failed(withCode("Body is disturbed or locked", "ERR_BODY_ALREADY_USED"))],
  ])("%s: refused, before anything was sent", (_, error) => {
    expect(isRefusedByFetch(error)).toBe(true);
    expect(isRefusedAfterSending(error)).toBe(false);
  });

  it("a connection failure is not", () => {
    expect(isRefusedByFetch(failed(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED")))).toBe(false);
    // Quoted later in a message, the words do not count.
    expect(isRefusedByFetch(new TypeError("socket hang up: Body is disturbed or locked"))).toBe(false);
  });
});

// A refused redirect came after the first server answered: a create it refused may have been
// acted on, and is counted as sent (`run` watches for its batch).
describe("a redirect fetch refused to follow", () => {
  it.each([
    ["Node, a loop", failed(new TypeError("redirect count exceeded"))],
    ["Node, an upload's redirect", failed(new TypeError("unexpected redirect"))],
    ["Node, to a URL with credentials", failed(new TypeError('cross origin not allowed for request mode "cors"'))],
    ["Deno", new TypeError("Fetch failed: Encountered redirect while redirect mode is set to 'error'")],
    ["Bun", new TypeError('UnexpectedRedirect fetching "http://127.0.0.1:1/v1/datasets"')],
  ])("%s: refused, after a hop was answered", (_, error) => {
    expect(isRefusedByFetch(error)).toBe(true);
    expect(isRefusedAfterSending(error)).toBe(true);
  });

  it("a body longer than its Content-Length: refused once the server may have had all it was told of", () => {
    const error = failed(
      withCode("Request body length does not match content-length header", "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH"),
    );
    expect(isRefusedByFetch(error)).toBe(true);
    expect(isRefusedAfterSending(error)).toBe(true);
  });

  it("a URL fetch cannot parse, or a blocked port, is refused before sending", () => {
    for (const error of [withCode("Invalid URL", "ERR_INVALID_URL"), failed(new TypeError("bad port"))]) {
      expect(isRefusedByFetch(error)).toBe(true);
      expect(isRefusedAfterSending(error)).toBe(false);
    }
  });
});
