import { CohereError, type ErrorGuard } from "./cohere-error.js";
import { clipText } from "../../internal/clip-text.js";

/** What an `ApiError` is built from: one non-2xx response, already read. @public */
export interface ApiErrorInit {
  /** The HTTP status. */
  status: number;
  /** The body, parsed as JSON when it is JSON, else the text as received (`""` when empty). */
  body: unknown;
  /** The response headers. */
  headers: Headers;
  /** The server's request id (`x-request-id`), when it sent one. */
  requestId: string | undefined;
  /** The delay the server asked for before a retry (`Retry-After`, `retry-after-ms`), in seconds. */
  retryAfterInSeconds?: number | undefined;
  /** The URL of the request that got this answer (with its ids and query). */
  url?: string | undefined;
}

/**
 * The server answered with a status outside 2xx.
 *
 * @remarks
 * Statuses with a class of their own (400 `BadRequestError`, 404 `NotFoundError`, ...) throw
 * that subclass whatever the body is (JSON, HTML or empty); any other status throws `ApiError`.
 * `message` names the call and the status, plus the server's `message` when it sent one:
 * `GET /v2/batches/{id} -> 404: batch not found`. The route is the template, so the message
 * groups well in logs and holds no id; the request's own URL is `url`.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (!ApiError.is(error)) throw error;
 *   console.error(error.status, error.requestId, error.url, error.body); // 404, "a1b2...", ".../v2/batches/...", { message: ... }
 * }
 * ```
 * @throws Never: the constructor only stores what the response said.
 * @public
 */
export class ApiError extends CohereError {
  /** The name `is` recognises across builds: `"ApiError"`. */
  static override readonly errorName: string = "ApiError";
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof ApiError>;
  /** Not a field: tells a `ApiError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfApiError: never;

  /** The HTTP status. */
  readonly status: number;
  /** The body, parsed as JSON when it is JSON, else the text as received. */
  readonly body: unknown;
  /** The response headers. */
  readonly headers: Headers;
  /** The server's request id, for support tickets. */
  readonly requestId: string | undefined;
  /**
   * The delay the server asked for before a retry, in seconds, from `Retry-After` or
   * `retry-after-ms`. When it is longer than the SDK will wait (60 s), the error is thrown at
   * once and this says how long the server wants you to wait.
   */
  readonly retryAfterInSeconds: number | undefined;
  /** The URL of the request that got this answer, ids and query included (the message has the route template). */
  readonly url: string | undefined;

  /**
   * Builds the error of one non-2xx response. The SDK makes these; a test double may too.
   *
   * @example
   * ```ts
   * const error = new NotFoundError({ status: 404, body: { message: "batch not found" }, headers: new Headers(), requestId: undefined });
   * ```
   * @throws Never: it stores `init`, and the message is built from the status and the body's `message`.
   */
  constructor(init: ApiErrorInit) {
    super(describe(init));
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.retryAfterInSeconds = init.retryAfterInSeconds;
    this.url = init.url;
  }

  /**
   * A plain object for loggers: `name`, `message`, `status`, `body`, `requestId`,
   * `retryAfterInSeconds` and `url`. The headers are left out.
   *
   * @example
   * ```ts
   * try {
   *   await client.batches.retrieve(batchId);
   * } catch (error) {
   *   if (ApiError.is(error)) console.log(JSON.stringify(error)); // {"name":"NotFoundError","message":"...","status":404,...}
   * }
   * ```
   * @throws Never: it only copies fields of the error.
   */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      body: this.body,
      requestId: this.requestId,
      retryAfterInSeconds: this.retryAfterInSeconds,
      url: this.url,
    };
  }
}

function describe({ status, body }: ApiErrorInit): string {
  const message = describeAnswer(status, body);
  return message === undefined ? `Status ${status}` : `Status ${status}: ${message}`;
}

/** What the server said (or what the SDK can say of the status), if anything. */
export function describeAnswer(status: number, body: unknown): string | undefined {
  return serverMessage(body) ?? statusHint(status);
}

/** What the SDK can say itself of a status that is not an answer at all. */
function statusHint(status: number): string | undefined {
  if (status >= 300 && status < 400) return "a redirect the SDK does not follow for this request";
  if (status === 0) return "an opaque response (a redirect the browser hides)";
  return undefined;
}

/** The server's own words: `message` of a JSON body, or a short plain-text body. */
function serverMessage(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") {
    return clipText(body.message, 500);
  }
  // An HTML error page says nothing useful in one line; plain text often does.
  if (typeof body === "string" && body.trim() !== "" && !body.trimStart().startsWith("<")) {
    return clipText(body.trim(), 200);
  }
  return undefined;
}
