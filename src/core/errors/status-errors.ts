import { ApiError } from "./api-error.js";

/** 400: the request is malformed (a bad field, an unknown page token). @public */
export class BadRequestError extends ApiError {
  static override readonly errorName: string = "BadRequestError";
}
/** 401: no token, or a token the server does not accept. @public */
export class UnauthorizedError extends ApiError {
  static override readonly errorName: string = "UnauthorizedError";
}
/** 403: the token may not do this. @public */
export class ForbiddenError extends ApiError {
  static override readonly errorName: string = "ForbiddenError";
}
/** 404: no such batch (or path). @public */
export class NotFoundError extends ApiError {
  static override readonly errorName: string = "NotFoundError";
}
/** 422: the request is well-formed but cannot be processed. @public */
export class UnprocessableEntityError extends ApiError {
  static override readonly errorName: string = "UnprocessableEntityError";
}
/** 429: rate limited; retried automatically, honouring `Retry-After`. @public */
export class TooManyRequestsError extends ApiError {
  static override readonly errorName: string = "TooManyRequestsError";
}
/** 498: the token is invalid (Cohere's own status). @public */
export class InvalidTokenError extends ApiError {
  static override readonly errorName: string = "InvalidTokenError";
}
/** 499: the request was closed by the client (Cohere's own status). @public */
export class ClientClosedRequestError extends ApiError {
  static override readonly errorName: string = "ClientClosedRequestError";
}
/** 500: the server failed; retried automatically where that is safe. @public */
export class InternalServerError extends ApiError {
  static override readonly errorName: string = "InternalServerError";
}
/** 501: not implemented; never retried. @public */
export class NotImplementedError extends ApiError {
  static override readonly errorName: string = "NotImplementedError";
}
/** 503: the service is unavailable; retried automatically. @public */
export class ServiceUnavailableError extends ApiError {
  static override readonly errorName: string = "ServiceUnavailableError";
}
/** 504: a gateway timed out; retried automatically where that is safe. @public */
export class GatewayTimeoutError extends ApiError {
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
