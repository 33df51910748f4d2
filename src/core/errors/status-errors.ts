import { ApiError } from "./api-error.js";
import type { ErrorGuard } from "./cohere-error.js";

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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof BadRequestError>;
  /** Not a field: tells a `BadRequestError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfBadRequestError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof UnauthorizedError>;
  /** Not a field: tells a `UnauthorizedError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfUnauthorizedError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof ForbiddenError>;
  /** Not a field: tells a `ForbiddenError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfForbiddenError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof NotFoundError>;
  /** Not a field: tells a `NotFoundError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfNotFoundError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof UnprocessableEntityError>;
  /** Not a field: tells a `UnprocessableEntityError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfUnprocessableEntityError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof TooManyRequestsError>;
  /** Not a field: tells a `TooManyRequestsError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfTooManyRequestsError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof InvalidTokenError>;
  /** Not a field: tells a `InvalidTokenError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfInvalidTokenError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof ClientClosedRequestError>;
  /** Not a field: tells a `ClientClosedRequestError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfClientClosedRequestError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof InternalServerError>;
  /** Not a field: tells a `InternalServerError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfInternalServerError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof NotImplementedError>;
  /** Not a field: tells a `NotImplementedError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfNotImplementedError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof ServiceUnavailableError>;
  /** Not a field: tells a `ServiceUnavailableError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfServiceUnavailableError: never;
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
  /** {@inheritDoc CohereError.is} */
  declare static is: ErrorGuard<typeof GatewayTimeoutError>;
  /** Not a field: tells a `GatewayTimeoutError` apart from its parent for TypeScript (see `ErrorGuard`). */
  declare private readonly brandOfGatewayTimeoutError: never;
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
