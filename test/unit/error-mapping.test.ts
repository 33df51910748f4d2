import { describe, expect, it } from "vitest";
import * as sdk from "../../src/index.js";
import { ApiError, errorMappingMiddleware } from "../../src/index.js";
import { jsonResponse, makeContext } from "../helpers/context.js";
import { statusClasses } from "../helpers/status-classes.js";

const bodies: [string, string, unknown, string][] = [
  [
    "JSON",
    JSON.stringify({ message: "bad things", id: "err-1" }),
    { message: "bad things", id: "err-1" },
    "bad things",
  ],
  ["HTML", "<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>", ""],
  ["empty", "", "", ""],
  ["plain text", "upstream timed out", "upstream timed out", "upstream timed out"],
];

async function mapped(response: Response): Promise<ApiError> {
  const error = await errorMappingMiddleware()(
    new Request("http://127.0.0.1/"),
    async () => response,
    makeContext(),
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("errorMappingMiddleware", () => {
  describe.each(statusClasses)("status %i", (status, name) => {
    it.each(bodies)(`throws ${name} for a %s body`, async (_kind, text, body, message) => {
      const error = await mapped(new Response(text, { status, headers: { "x-request-id": "req-7" } }));
      const ErrorClass = (sdk as unknown as Record<string, typeof ApiError>)[name]!;
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error.name).toBe(name);
      expect(ErrorClass.is(error)).toBe(true);
      expect(error.status).toBe(status);
      expect(error.body).toEqual(body);
      expect(error.requestId).toBe("req-7");
      expect(error.headers.get("x-request-id")).toBe("req-7");
      expect(error.message).toBe(message ? `Status ${status}: ${message}` : `Status ${status}`);
    });
  });

  it.each([402, 405, 409, 418, 502, 505])("throws a plain ApiError for status %i", async (status) => {
    const error = await mapped(jsonResponse(status, { message: "nope" }));
    expect(error.constructor).toBe(ApiError);
    expect(error.name).toBe("ApiError");
    expect(error.message).toBe(`Status ${status}: nope`);
  });

  it("records the delay the server asked for", async () => {
    expect((await mapped(jsonResponse(429, {}, { "retry-after": "7" }))).retryAfterInSeconds).toBe(7);
    expect((await mapped(jsonResponse(429, {}, { "retry-after-ms": "250" }))).retryAfterInSeconds).toBe(0.25);
    expect((await mapped(jsonResponse(429, {}))).retryAfterInSeconds).toBeUndefined();
  });

  it("passes 2xx responses through untouched", async () => {
    const response = jsonResponse(200, { ok: true });
    expect(await errorMappingMiddleware()(new Request("http://127.0.0.1/"), async () => response, makeContext())).toBe(
      response,
    );
  });

  it("keeps a subclass apart from its siblings in the guards", async () => {
    const error = await mapped(jsonResponse(404, {}));
    expect(sdk.NotFoundError.is(error)).toBe(true);
    expect(sdk.ApiError.is(error)).toBe(true);
    expect(sdk.CohereError.is(error)).toBe(true);
    expect(sdk.BadRequestError.is(error)).toBe(false);
    expect(sdk.CohereTimeoutError.is(error)).toBe(false);
  });
});
