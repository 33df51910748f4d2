import { describe, expect, it } from "vitest";
import { authMiddleware, CohereError } from "../../src/index.js";
import { makeContext } from "../helpers/context.js";

const echoAuthorization = async (request: Request) => new Response(request.headers.get("authorization"));

describe("authMiddleware", () => {
  it("sets a bearer token", async () => {
    const response = await authMiddleware("secret-1")(
      new Request("http://127.0.0.1/"),
      echoAuthorization,
      makeContext(),
    );
    expect(await response.text()).toBe("Bearer secret-1");
  });

  it("calls a token function for every attempt, so rotated keys are used", async () => {
    let calls = 0;
    const layer = authMiddleware(async () => `key-${++calls}`);
    const first = await layer(new Request("http://127.0.0.1/"), echoAuthorization, makeContext());
    const second = await layer(new Request("http://127.0.0.1/"), echoAuthorization, makeContext());
    expect([await first.text(), await second.text()]).toEqual(["Bearer key-1", "Bearer key-2"]);
  });

  it("accepts a synchronous token function", async () => {
    const response = await authMiddleware(() => "sync-key")(
      new Request("http://127.0.0.1/"),
      echoAuthorization,
      makeContext(),
    );
    expect(await response.text()).toBe("Bearer sync-key");
  });

  it("fails with a CohereError, and sends nothing, when the token function throws", async () => {
    let sent = false;
    const cause = new Error("vault down");
    const promise = authMiddleware(() => {
      throw cause;
    })(
      new Request("http://127.0.0.1/"),
      async () => {
        sent = true;
        return new Response();
      },
      makeContext(),
    );
    await expect(promise).rejects.toBeInstanceOf(CohereError);
    await expect(promise).rejects.toMatchObject({ cause });
    expect(sent).toBe(false);
  });

  it.each([[""], ["line\nbreak"], [42], [undefined]])(
    "refuses a token function result of %j without echoing it",
    async (value) => {
      let sent = false;
      const promise = authMiddleware(() => value as string)(
        new Request("http://127.0.0.1/"),
        async () => {
          sent = true;
          return new Response();
        },
        makeContext(),
      );
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CohereError);
      expect((error as Error).message).toMatch(/token function must return/);
      if (typeof value === "string" && value !== "") expect((error as Error).message).not.toContain(value);
      expect(sent).toBe(false);
    },
  );
});
