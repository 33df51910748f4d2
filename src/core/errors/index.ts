export { CohereError, type ErrorGuard } from "./cohere-error.js";
export { ApiError, type ApiErrorInit } from "./api-error.js";
export {
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InvalidTokenError,
  ClientClosedRequestError,
  InternalServerError,
  NotImplementedError,
  ServiceUnavailableError,
  GatewayTimeoutError,
} from "./status-errors.js";
export { CohereTimeoutError } from "./timeout-error.js";
export { CohereConnectionError } from "./connection-error.js";
export { CohereAbortError } from "./abort-error.js";
export { CohereParseError } from "./parse-error.js";
export { CohereDatasetValidationError } from "./dataset-validation-error.js";
