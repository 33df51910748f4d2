import { ApiError } from "./api-error.js";

/**
 * 400: the request is malformed (a bad field, an unknown page token).
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.cancel(batchId);
 * } catch (error) {
 *   if (BadRequestError.is(error)) console.error("rejected:", error.message, error.body);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 400 response) only stores what the response said.
 * @public
 */
export class BadRequestError extends ApiError {
  /** The name `is` recognises across builds: `"BadRequestError"`. */
  static override readonly errorName: string = "BadRequestError";
}

/**
 * 401: no token, or a token the server does not accept.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (UnauthorizedError.is(error)) console.error("check CO_API_KEY:", error.status, error.requestId);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 401 response) only stores what the response said.
 * @public
 */
export class UnauthorizedError extends ApiError {
  /** The name `is` recognises across builds: `"UnauthorizedError"`. */
  static override readonly errorName: string = "UnauthorizedError";
}

/**
 * 403: the token may not do this.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.create({ name: "nightly", input_dataset_id: datasetId, model: "command-a-03-2025" });
 * } catch (error) {
 *   if (ForbiddenError.is(error)) console.error("not allowed:", error.message, error.requestId);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 403 response) only stores what the response said.
 * @public
 */
export class ForbiddenError extends ApiError {
  /** The name `is` recognises across builds: `"ForbiddenError"`. */
  static override readonly errorName: string = "ForbiddenError";
}

/**
 * 404: no such batch (or path).
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (NotFoundError.is(error)) console.error("no such batch:", error.url, error.requestId);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 404 response) only stores what the response said.
 * @public
 */
export class NotFoundError extends ApiError {
  /** The name `is` recognises across builds: `"NotFoundError"`. */
  static override readonly errorName: string = "NotFoundError";
}

/**
 * 422: the request is well-formed but cannot be processed.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.create({ name: "nightly", input_dataset_id: datasetId, model: "command-a-03-2025" });
 * } catch (error) {
 *   if (UnprocessableEntityError.is(error)) console.error(error.message, error.body);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 422 response) only stores what the response said.
 * @public
 */
export class UnprocessableEntityError extends ApiError {
  /** The name `is` recognises across builds: `"UnprocessableEntityError"`. */
  static override readonly errorName: string = "UnprocessableEntityError";
}

/**
 * 429: rate limited; retried automatically, honouring `Retry-After`.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (TooManyRequestsError.is(error)) console.error(`rate limited; retry in ${error.retryAfterInSeconds ?? "?"} s`);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 429 response) only stores what the response said.
 * @public
 */
export class TooManyRequestsError extends ApiError {
  /** The name `is` recognises across builds: `"TooManyRequestsError"`. */
  static override readonly errorName: string = "TooManyRequestsError";
}

/**
 * 498: the token is invalid (Cohere's own status).
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (InvalidTokenError.is(error)) console.error("the token was refused:", error.message, error.requestId);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 498 response) only stores what the response said.
 * @public
 */
export class InvalidTokenError extends ApiError {
  /** The name `is` recognises across builds: `"InvalidTokenError"`. */
  static override readonly errorName: string = "InvalidTokenError";
}

/**
 * 499: the request was closed by the client (Cohere's own status).
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (ClientClosedRequestError.is(error)) console.error(error.status, error.requestId); // 499
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 499 response) only stores what the response said.
 * @public
 */
export class ClientClosedRequestError extends ApiError {
  /** The name `is` recognises across builds: `"ClientClosedRequestError"`. */
  static override readonly errorName: string = "ClientClosedRequestError";
}

/**
 * 500: the server failed; retried automatically where that is safe.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (InternalServerError.is(error)) console.error("Cohere failed; quote", error.requestId);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 500 response) only stores what the response said.
 * @public
 */
export class InternalServerError extends ApiError {
  /** The name `is` recognises across builds: `"InternalServerError"`. */
  static override readonly errorName: string = "InternalServerError";
}

/**
 * 501: not implemented; never retried.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.list();
 * } catch (error) {
 *   if (NotImplementedError.is(error)) console.error(error.status, error.message); // 501
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 501 response) only stores what the response said.
 * @public
 */
export class NotImplementedError extends ApiError {
  /** The name `is` recognises across builds: `"NotImplementedError"`. */
  static override readonly errorName: string = "NotImplementedError";
}

/**
 * 503: the service is unavailable; retried automatically.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (ServiceUnavailableError.is(error)) console.error("still unavailable after the retries:", error.retryAfterInSeconds);
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 503 response) only stores what the response said.
 * @public
 */
export class ServiceUnavailableError extends ApiError {
  /** The name `is` recognises across builds: `"ServiceUnavailableError"`. */
  static override readonly errorName: string = "ServiceUnavailableError";
}

/**
 * 504: a gateway timed out; retried automatically where that is safe.
 *
 * @example
 * ```ts
 * try {
 *   await client.batches.retrieve(batchId);
 * } catch (error) {
 *   if (GatewayTimeoutError.is(error)) console.error(error.status, error.url, error.requestId); // 504
 * }
 * ```
 * @throws Never: constructing one (the SDK does, for a 504 response) only stores what the response said.
 * @public
 */
export class GatewayTimeoutError extends ApiError {
  /** The name `is` recognises across builds: `"GatewayTimeoutError"`. */
  static override readonly errorName: string = "GatewayTimeoutError";
}

/** The class for each status that has one; other statuses are a plain `ApiError`. */
export const errorClassByStatus: ReadonlyMap<number, typeof ApiError> = new Map<number, typeof ApiError>([
  [400, BadRequestError],
  [401, UnauthorizedError],
  [403, ForbiddenError],
  [404, NotFoundError],
  [422, UnprocessableEntityError],
  [429, TooManyRequestsError],
  [498, InvalidTokenError],
  [499, ClientClosedRequestError],
  [500, InternalServerError],
  [501, NotImplementedError],
  [503, ServiceUnavailableError],
  [504, GatewayTimeoutError],
]);
