// `redactError` cleans every failure of a call of the secrets it sent (the token, a signed URL's
// query values) before the caller, a span or a log sees it: in place, so that the error keeps its
// class (a NotFoundError a server answered stays one, and `waitUntilDone` rides out a 503). What
// users' code throws is hostile: it must never make the cleaning throw, freeze the process, or
// take a failure's class away when it holds no secret.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CohereConnectionError, CohereError, NotFoundError, ServiceUnavailableError } from "../../src/index.js";
import { nameTheCall } from "../../src/core/errors/call-failure.js";
import { boundBySignal } from "../../src/internal/bound-by-signal.js";
import { builtRedacted, redactError, redactTokens, rememberToken } from "../../src/internal/secrets.js";
import { makeContext } from "../helpers/context.js";
import { withCpuMs } from "../helpers/cpu-time.js";
import { everythingShown } from "../helpers/error-text.js";

const token = "sk-live-0123456789abcdef-secret";
const context = makeContext();
rememberToken(context, token);

const notFound = (body: unknown, headers = new Headers()) =>
  new NotFoundError({ status: 404, body, headers, requestId: "req-1" });

/** A failed `GET /v2/batches/{id}`, as `nameTheCall` is told of it. */
const call = {
  operation: "batches.retrieve" as const,
  method: "get",
  route: "/v2/batches/{id}",
  url: "http://h/v2/batches/b",
  attempts: 1,
};

/** `redactError`'s answer and the CPU time it took, in ms. */
function clean(error: unknown): { error: unknown; ms: number } {
  const { value, ms } = withCpuMs(() => redactError(context, error));
  return { error: value, ms };
}

describe("redactError keeps the class of a failure that holds no secret", () => {
  it("a server's 404 whose body is nested 5,000 deep stays a NotFoundError with its body", () => {
    let body: unknown = { leaf: true };
    for (let depth = 0; depth < 5000; depth++) body = { next: body };
    const error = notFound(body);
    const { error: cleaned } = clean(error);
    expect(cleaned).toBe(error);
    expect(cleaned).toBeInstanceOf(NotFoundError);
    expect((cleaned as NotFoundError).status).toBe(404);
  });

  it("a 503 with the same body stays a ServiceUnavailableError (retried, ridden out by waiters)", () => {
    let body: unknown = 1;
    for (let depth = 0; depth < 5000; depth++) body = [body];
    const error = new ServiceUnavailableError({ status: 503, body, headers: new Headers(), requestId: undefined });
    expect(clean(error).error).toBe(error);
  });

  it("twenty fields holding one array of a million strings (too large to tell): fast, the class kept, the field not kept", () => {
    const big = Array.from({ length: 1_000_000 }, (_, index) => String(index % 10));
    const error = new CohereConnectionError("x");
    for (let field = 0; field < 20; field++) Object.assign(error, { [`f${field}`]: big });
    const { error: cleaned, ms } = clean(error);
    expect(cleaned).toBe(error);
    // What is too large to walk counts as holding a secret (as for a kept cause): not kept.
    expect((cleaned as unknown as Record<string, unknown>).f19).toBe("[REDACTED]");
    expect(ms).toBeLessThan(500);
  });

  it("a 404 the SDK built from a 5 MB body is left as it was built (redacted then)", () => {
    const error = builtRedacted(notFound({ message: "x".repeat(5_000_000) }));
    const { error: cleaned, ms } = clean(error);
    expect(cleaned).toBe(error);
    expect(((cleaned as NotFoundError).body as { message: string }).message.length).toBe(5_000_000);
    expect(ms).toBeLessThan(50);
  });

  it("a 10 MB message without the token: fast", () => {
    const error = new CohereConnectionError("y".repeat(10_000_000));
    const { error: cleaned, ms } = clean(error);
    expect(cleaned).toBe(error);
    expect(ms).toBeLessThan(500);
  });
});

describe("redactError cleans what holds a secret, whatever it is", () => {
  it("a symbol-keyed field (util.inspect prints it)", () => {
    const error = Object.assign(new CohereConnectionError("x"), { [Symbol("url")]: `http://h/?sig=${token}` });
    const cleaned = clean(error).error;
    expect(cleaned).toBe(error);
    expect(everythingShown(cleaned)).not.toContain(token);
  });

  it("a Headers field stays a Headers, its values redacted", () => {
    const headers = new Headers({ "x-request-id": "r-1", "x-echo": `Bearer ${token}` });
    const error = notFound({ message: "gone" }, headers);
    const cleaned = clean(error).error as NotFoundError;
    expect(cleaned).toBe(error);
    expect(cleaned.headers).toBeInstanceOf(Headers);
    expect(cleaned.headers.get("x-request-id")).toBe("r-1");
    expect(cleaned.headers.get("x-echo")).toBe("Bearer [REDACTED]");
  });

  it("a body holding it keeps its shape, the token redacted", () => {
    const error = notFound({ saw: `Bearer ${token}`, n: 1 });
    const cleaned = clean(error).error as NotFoundError;
    expect(cleaned).toBe(error);
    expect(cleaned.body).toEqual({ saw: "Bearer [REDACTED]", n: 1 });
  });

  it("a message behind an accessor whose setter does nothing", () => {
    const error = new CohereConnectionError("x");
    let message = `saw Bearer ${token}`;
    Object.defineProperty(error, "message", {
      get: () => message,
      set: () => {},
      configurable: true,
    });
    const cleaned = clean(error).error;
    expect(CohereError.is(cleaned)).toBe(true);
    expect(everythingShown(cleaned)).not.toContain(token);
    message = "";
  });

  it("a token ending in a backslash, in a field that JSON escapes", () => {
    const odd = "tok-with-backslash\\";
    const own = makeContext();
    rememberToken(own, odd);
    const error = Object.assign(new CohereConnectionError("x"), { detail: { saw: `Bearer ${odd} end` } });
    const cleaned = redactError(own, error);
    expect(cleaned).toBe(error);
    expect(JSON.stringify(cleaned)).not.toContain("tok-with-backslash");
    expect((cleaned as unknown as { detail: unknown }).detail).toEqual({ saw: "Bearer [REDACTED] end" });
  });

  it("a token echoed in upper case", () => {
    expect(redactTokens(context, `saw ${token.toUpperCase()}!`)).toBe("saw [REDACTED]!");
    const cleaned = clean(new CohereConnectionError(`saw ${token.toUpperCase()}`)).error;
    expect(inspect(cleaned).toLowerCase()).not.toContain(token);
  });
});

describe("redactError never throws and always answers a CohereError", () => {
  // The last field: whether the error itself comes back (its class kept) or a CohereError in its place.
  const hostile: [string, () => unknown, boolean][] = [
    [
      "a message getter that throws",
      () =>
        Object.defineProperty(new CohereConnectionError(`x ${token}`), "message", {
          get() {
            throw 42;
          },
        }),
      false,
    ],
    [
      "a Proxy whose every trap throws",
      () =>
        new Proxy(new CohereConnectionError(`x ${token}`), {
          get() {
            throw "get-trap";
          },
          ownKeys() {
            throw "keys-trap";
          },
          getOwnPropertyDescriptor() {
            throw "descriptor-trap";
          },
        }),
      false,
    ],
    ["a frozen error", () => Object.freeze(new CohereConnectionError(`x ${token}`)), false],
    ["a BigInt field beside the token", () => Object.assign(new CohereConnectionError(token), { n: 1n }), true],
    [
      "a cyclic field beside the token",
      () => {
        const loop: Record<string, unknown> = { token };
        loop.self = loop;
        return Object.assign(new CohereConnectionError("x"), { loop });
      },
      true,
    ],
  ];
  it.each(hostile)("%s", (_, make, keeps) => {
    const error = make();
    let cleaned: unknown;
    expect(() => {
      cleaned = redactError(context, error);
    }).not.toThrow();
    expect(CohereError.is(cleaned)).toBe(true);
    if (keeps) expect(cleaned).toBe(error);
    let shown = "";
    try {
      shown = everythingShown(cleaned);
    } catch {
      // A hostile Proxy handed back as it is may throw as it is shown; it must not be.
      shown = "unshowable";
    }
    expect(shown).not.toContain(token);
    expect(shown).not.toBe("unshowable");
  });

  it("boundBySignal rejects, never throws from the abort listener, when onAbort throws", async () => {
    const controller = new AbortController();
    const waiting = boundBySignal(new Promise(() => {}), controller.signal, () => {
      throw new Error("onAbort failed");
    });
    controller.abort();
    await expect(waiting).rejects.toThrow("onAbort failed");
  });
});

describe("redactError, re-attacked", () => {
  it("a field a plugin added to an error the SDK built is cleaned; the SDK's own fields are left", () => {
    const error = builtRedacted(notFound({ message: "gone" }));
    Object.assign(error, { requestHeaders: { authorization: `Bearer ${token}` } });
    const cleaned = clean(error).error as NotFoundError & { requestHeaders: unknown };
    expect(cleaned).toBe(error);
    expect(cleaned.requestHeaders).toEqual({ authorization: "Bearer [REDACTED]" });
    expect(cleaned.body).toEqual({ message: "gone" });
  });

  it("a frozen error whose cause holds the token is replaced, the cause gone", () => {
    const error = Object.freeze(new CohereConnectionError("x", { cause: new Error(`sent ${token}`) }));
    const cleaned = clean(error).error;
    expect(CohereError.is(cleaned)).toBe(true);
    expect(everythingShown(cleaned)).not.toContain(token);
  });

  it("a message, cause or toJSON a class computes from private state", () => {
    class Computed extends CohereConnectionError {
      readonly #secret = `Bearer ${token}`;
      override get message() {
        return `rejected ${this.#secret}`;
      }
    }
    class Serialised extends CohereConnectionError {
      readonly #url = `http://h/?sig=${token}`;
      override toJSON() {
        return { url: this.#url };
      }
    }
    for (const error of [new Computed("x"), new Serialised("x")]) {
      const cleaned = clean(error).error;
      expect(CohereError.is(cleaned)).toBe(true);
      expect(everythingShown(cleaned)).not.toContain(token);
    }
  });

  it("a key naming the token: replaced", () => {
    const cleaned = clean(Object.assign(new CohereConnectionError("x"), { [token]: 1 })).error;
    expect(CohereError.is(cleaned)).toBe(true);
    expect(everythingShown(cleaned)).not.toContain(token);
  });

  it("an Error inside a field is cleaned as an error, not turned into {}", () => {
    const inner = new Error(`saw ${token}`);
    const cleaned = clean(Object.assign(new CohereConnectionError("x"), { inner })).error as { inner: Error };
    expect(cleaned.inner).toBe(inner);
    expect(cleaned.inner.message).toBe("saw [REDACTED]");
  });

  it("a token of 40,000 characters: no throw, the class kept", () => {
    const long = "k".repeat(40_000);
    const own = makeContext();
    rememberToken(own, long);
    const error = new CohereConnectionError(`saw ${long}`);
    const cleaned = redactError(own, error);
    expect(cleaned).toBe(error);
    expect((cleaned as Error).message).toBe("saw [REDACTED]");
  });
});

describe("nameTheCall", () => {
  it("an error that will not take its name (frozen) goes on as it is, never as a TypeError", () => {
    const error = Object.freeze(new CohereConnectionError("refused"));
    const named = nameTheCall(error, call, makeContext());
    expect(named).toBe(error);
    expect((named as Error).message).toBe("refused");
  });

  it("a server's words with $' keep the stack in step with the message", () => {
    const error = notFound({ message: "quota is $' per month" });
    const named = nameTheCall(error, call, makeContext()) as Error;
    expect(named.message).toContain("quota is $' per month");
    expect(named.stack?.split("\n")[0]).toContain("quota is $' per month");
  });
});

describe("redactError, re-attacked a third time", () => {
  it("a plugin that changes a field the SDK's error was built with (body replaced, body changed in place, a header set, the stack)", () => {
    const replaced = builtRedacted(notFound({ message: "gone" }));
    Object.assign(replaced, { body: { message: `proxy saw Bearer ${token}` } });
    const inPlace = builtRedacted(notFound({ message: "gone" }));
    (inPlace.body as { message: string }).message = `proxy saw Bearer ${token}`;
    const header = builtRedacted(notFound({ message: "gone" }));
    header.headers.set("x-echo", token);
    const stack = builtRedacted(notFound({ message: "gone" }));
    stack.stack = `${stack.stack}\n  saw ${token}`;
    for (const error of [replaced, inPlace, header, stack]) {
      const cleaned = clean(error).error;
      expect(cleaned).toBe(error);
      expect(everythingShown(cleaned)).not.toContain(token);
    }
  });

  it("a stack or name a class computes from private state", () => {
    class StackGetter extends CohereConnectionError {
      readonly #secret = token;
      constructor() {
        super("x");
        delete (this as { stack?: string }).stack;
      }
      override get stack() {
        return `StackGetter: x\n  at ${this.#secret}`;
      }
    }
    class NameGetter extends CohereConnectionError {
      readonly #secret = token;
      override get name() {
        return `NameGetter ${this.#secret}`;
      }
      override set name(_: string) {}
    }
    for (const error of [new StackGetter(), new NameGetter("x")]) {
      const cleaned = clean(error).error;
      expect(CohereError.is(cleaned)).toBe(true);
      expect(everythingShown(cleaned)).not.toContain(token);
    }
  });

  it("a symbol's description, a symbol value and a Promise's value are not left to show", () => {
    for (const error of [
      Object.assign(new CohereConnectionError("x"), { [Symbol(`saw ${token}`)]: 1 }),
      Object.assign(new CohereConnectionError("x"), { s: Symbol(`saw ${token}`) }),
      Object.assign(new CohereConnectionError("x"), { p: Promise.resolve(`saw ${token}`) }),
    ]) {
      const cleaned = clean(error).error;
      expect(CohereError.is(cleaned)).toBe(true);
      expect(inspect(cleaned, { showHidden: true })).not.toContain(token);
    }
  });

  it("an array of errors (an AggregateError's) is cleaned error by error", () => {
    const innocent = new Error("innocent");
    const error = new AggregateError([innocent, new Error(`saw ${token}`)], "two failed");
    Object.setPrototypeOf(error, CohereConnectionError.prototype);
    const cleaned = clean(error).error as AggregateError;
    expect(cleaned.errors[0]).toBe(innocent);
    expect((cleaned.errors[1] as Error).message).toBe("saw [REDACTED]");
  });

  it("an array of errors that share one large object: one budget for the whole error, not one per item", () => {
    // Each item was walked on a fresh budget: 400 items re-read the shared object's 5,000 fields
    // 400 times (2,000,000 reads, seconds of a blocked event loop for a few more items).
    let reads = 0;
    const shared: Record<string, string> = {};
    for (let field = 0; field < 5_000; field++)
      Object.defineProperty(shared, `f${field}`, {
        enumerable: true,
        get: () => {
          reads++;
          return "x";
        },
      });
    const items = Array.from({ length: 400 }, (_, index) =>
      Object.assign(new Error(index === 399 ? `saw ${token}` : "innocent"), { shared }),
    );
    const error = Object.assign(new CohereConnectionError("many failed"), { errors: items });
    const cleaned = clean(error).error as CohereConnectionError & { errors: Error[] };
    expect(reads).toBeLessThan(50_000);
    expect(everythingShown(cleaned)).not.toContain(token);
    expect(cleaned.errors[399]!.message).toBe("saw [REDACTED]");
  });

  it("the errors it holds use up their budget, not the error's own: its class and cause stay", () => {
    // On one budget, the held errors' walks left the error's own cause "too large to tell": the
    // whole error was replaced by a plain CohereError (its class, cause and call name gone).
    const shared: Record<string, string> = {};
    for (let field = 0; field < 5_000; field++) shared[`f${field}`] = "x";
    const items = [0, 1, 2].map((index) =>
      Object.assign(new Error(index === 2 ? `saw ${token}` : "innocent"), { shared }),
    );
    const cause = new TypeError("fetch failed");
    const error = Object.assign(new CohereConnectionError("many failed", { cause }), { errors: items });
    const cleaned = clean(error).error as CohereConnectionError & { errors: Error[] };
    expect(cleaned).toBe(error);
    expect(cleaned.cause).toBe(cause);
    expect(everythingShown(cleaned)).not.toContain(token);
  });

  it("a symbol key naming the token, in a held error after a large sibling spent the budget: not shown", () => {
    // "Too large to tell" was read as "holds none" for a key: the symbol stayed, token and all.
    const large: Record<string, string> = {};
    for (let field = 0; field < 10_000; field++) large[`f${field}`] = "x";
    const first = Object.assign(new Error(`saw ${token}`), { large });
    const second = Object.assign(new Error("innocent"), { [Symbol(`key ${token}`)]: 1 });
    const error = Object.assign(new CohereConnectionError("many failed"), { errors: [first, second] });
    expect(everythingShown(clean(error).error)).not.toContain(token);
  });

  it("a cause of 6,000 fields without the token: the error keeps its class and cause", () => {
    // Walked twice on one budget (its field, then the check of a computed cause), the cause was
    // too large to tell the second time, and the whole error was replaced by a plain CohereError.
    const cause: Record<string, unknown> = {};
    for (let field = 0; field < 6_000; field++) cause[`f${field}`] = "x";
    const error = new CohereConnectionError("Connection failed: socket hang up", { cause });
    const cleaned = clean(error).error as CohereConnectionError;
    expect(cleaned).toBe(error);
    expect(cleaned.cause).toBe(cause);
  });

  it("an error that points to itself: no runaway recursion, its other fields kept", () => {
    const error = new CohereConnectionError(`saw ${token}`) as CohereConnectionError & {
      self?: unknown;
      data?: unknown;
    };
    error.self = error;
    error.data = [1, 2, 3];
    const { error: cleaned, ms } = clean(error);
    expect(cleaned).toBe(error);
    expect((cleaned as { data: unknown }).data).toEqual([1, 2, 3]);
    expect(ms).toBeLessThan(50);
    expect(everythingShown(cleaned)).not.toContain(token);
  });
});

describe("nameTheCall, re-attacked", () => {
  it("an ApiError a plugin froze keeps its class, status and body (unnamed)", () => {
    const error = Object.freeze(
      new ServiceUnavailableError({ status: 503, body: { m: 1 }, headers: new Headers(), requestId: undefined }),
    );
    const named = nameTheCall(error, call, makeContext());
    expect(named).toBe(error);
  });

  it("a message that is also in the class name: the stack's first line is the new message", () => {
    const named = nameTheCall(new CohereConnectionError("Error"), call, makeContext()) as Error;
    expect(named.stack?.split("\n")[0]).toBe(`CohereConnectionError: ${named.message}`);
  });
});

describe("a token with characters a URL encodes", () => {
  // Standard base64 (an OAuth token from a token function): an id a server made of it goes into
  // a request path percent-encoded, and a 404 or a log quotes that path.
  const token = "AbC+dEf/GhIjKlMnOp==";
  const encoded = "AbC%2BdEf%2FGhIjKlMnOp%3D%3D";

  it("is cleaned in its percent-encoded form too, from text and from an error", () => {
    const context = makeContext();
    rememberToken(context, token);
    expect(redactTokens(context, `GET /v2/batches/b-${encoded} -> 404`)).toBe("GET /v2/batches/b-[REDACTED] -> 404");
    const error = Object.assign(
      new NotFoundError({ status: 404, body: undefined, headers: new Headers(), requestId: undefined }),
      {
        url: `http://h/v2/batches/b-${encoded}`,
      },
    );
    expect(everythingShown(redactError(context, error))).not.toContain(encoded);
  });

  it.each([
    ["lower-case hex", "AbC%2bdEf%2fGhIjKlMnOp%3d%3d"],
    ["the encoded lower-cased token", "abc%2Bdef%2Fghijklmnop%3D%3D"],
    ["encoded twice", "AbC%252BdEf%252FGhIjKlMnOp%253D%253D"],
    ["as a URL parser leaves it (some characters encoded, others not)", "AbC+dEf%2FGhIjKlMnOp=%3D"],
  ])("is cleaned %s", (_, form) => {
    const context = makeContext();
    rememberToken(context, token);
    expect(redactTokens(context, `/out/${form}/part0.avro`)).toBe("/out/[REDACTED]/part0.avro");
  });

  it("a token with a lone surrogate: the redaction does not throw, and the message survives", () => {
    const context = makeContext();
    const odd = "abcdefgh\uD800ijk";
    rememberToken(context, odd);
    expect(redactTokens(context, `saw ${odd}!`)).toBe("saw [REDACTED]!");
    const error = new CohereConnectionError("the real failure");
    expect(redactError(context, error)).toBe(error);
  });
});
