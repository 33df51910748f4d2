/**
 * Builds the fake's responses, so that every one of them carries the headers Cohere's do:
 * `content-type: application/json`, a `content-length` when the body is known, and a unique
 * `x-request-id`.
 *
 * @packageDocumentation
 */
import type { SeededRandom } from "./seeded-random.js";
import type { WireBatchError } from "./wire.js";

const encoder = new TextEncoder();

// Statuses whose responses cannot carry a body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Makes responses with fresh, reproducible request ids.
 *
 * @example
 * ```ts
 * const responses = new ResponseFactory(new SeededRandom(1, "request-id"));
 * responses.json(200, { batches: [] });
 * responses.error(404, "batch x not found");
 * ```
 */
export class ResponseFactory {
  readonly #requestIds: SeededRandom;
  readonly #replacer: ((this: unknown, key: string, value: unknown) => unknown) | undefined;

  /**
   * @param requestIds - The source of `x-request-id` values (32 hex digits each).
   * @param omitZeroValues - Leave out object fields that hold a zero value (see `FakeCohereOptions`).
   */
  constructor(requestIds: SeededRandom, omitZeroValues = false) {
    this.#requestIds = requestIds;
    this.#replacer = omitZeroValues ? withoutZeroValues : undefined;
  }

  /**
   * The headers every response starts with; `extra` adds to or overrides them.
   */
  headers(extra: Readonly<Record<string, string>> = {}): Headers {
    const headers = new Headers({
      "content-type": "application/json",
      "x-request-id": this.#requestIds.hex(32),
    });
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return headers;
  }

  /** A response whose body is `text` exactly (which may be anything, even invalid JSON). */
  text(status: number, text: string, extra: Readonly<Record<string, string>> = {}): Response {
    const headers = this.headers(extra);
    if (NULL_BODY_STATUSES.has(status)) return new Response(null, { status, headers });
    const bytes = encoder.encode(text);
    if (!headers.has("content-length")) headers.set("content-length", String(bytes.byteLength));
    return new Response(bytes, { status, headers });
  }

  /** A JSON response. */
  json(status: number, body: unknown, extra: Readonly<Record<string, string>> = {}): Response {
    return this.text(status, JSON.stringify(body, this.#replacer), extra);
  }

  /** An error response with a `BatchError` body, `{ "message": ... }`. */
  error(status: number, message: string, extra: Readonly<Record<string, string>> = {}): Response {
    const body: WireBatchError = { message };
    return this.json(status, body, extra);
  }

  /** A response whose body is a stream, with the given headers (already complete). */
  stream(status: number, body: ReadableStream<Uint8Array>, headers: Headers): Response {
    return new Response(body, { status, headers });
  }
}

/** The int64 fields of the wire shapes, which proto3's JSON sends as decimal strings. */
const INT64_FIELDS = new Set(["input_tokens", "output_tokens"]);

/**
 * A `JSON.stringify` replacer that drops an object's fields holding proto3's zero values: `""`,
 * `0`, `false`, `[]`, and `"0"` in an int64 field (a string field holding `"0"`, a batch named
 * "0", is not zero). Array items stay (a replacer's `undefined` there would be `null`).
 */
function withoutZeroValues(this: unknown, key: string, value: unknown): unknown {
  if (key === "" || Array.isArray(this)) return value;
  const zero =
    value === "" ||
    value === 0 ||
    value === false ||
    (value === "0" && INT64_FIELDS.has(key)) ||
    (Array.isArray(value) && value.length === 0);
  return zero ? undefined : value;
}
