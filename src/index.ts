/**
 * A small, strict TypeScript SDK for Cohere's `v2/batches` API that runs unchanged in Node,
 * browsers, Cloudflare Workers and edge runtimes.
 *
 * @packageDocumentation
 */
export { CohereClient } from "./client.js";
export type { BackoffOptions, CohereClientOptions, TokenSupplier } from "./core/client-options.js";
export type {
  RequestOptions,
  ResolvedRequestOptions,
  RetryInfo,
  ShouldRetry,
} from "./core/request-options.js";
export type { HttpResponse } from "./core/http-response.js";
export type { FetchFunction } from "./core/transport.js";
export {
  compose,
  type CallOrigin,
  type Middleware,
  type MiddlewareContext,
  type Next,
  type OperationName,
  type OperationParams,
} from "./core/middleware.js";
export type {
  MiddlewareDescription,
  MiddlewarePhase,
  MiddlewarePlugin,
  SinglePhasePlugin,
  TwoPhasePlugin,
} from "./core/middleware-plugin.js";
export {
  CohereError,
  type ErrorGuard,
  ApiError,
  type ApiErrorInit,
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
  CohereTimeoutError,
  CohereConnectionError,
  CohereAbortError,
  CohereParseError,
  CohereDatasetValidationError,
} from "./core/errors/index.js";
export { authMiddleware } from "./middleware/auth.js";
export { requestOptionsMiddleware, type RequestHeadersConfig } from "./middleware/request-options.js";
export { timeoutMiddleware } from "./middleware/timeout.js";
export { retryMiddleware } from "./middleware/retry.js";
export { parseRetryAfter, type RetryTiming } from "./middleware/retry-timing.js";
export { errorMappingMiddleware } from "./middleware/error-mapping.js";
export { loggingMiddleware, type Logger, type LoggingOptions, type LogLevel } from "./middleware/logging.js";
export { rateLimitMiddleware, type RateLimitOptions } from "./middleware/rate-limit.js";
export { tracingMiddleware, type TracingOptions } from "./middleware/tracing.js";
export {
  BatchesClient,
  RawBatchesClient,
  BatchStatus,
  isTerminalStatus,
  type TerminalBatchStatus,
} from "./resources/batches/index.js";
export type * from "./resources/batches/types.js";
export {
  DatasetsClient,
  RawDatasetsClient,
  DatasetValidationStatus,
  isTerminalValidationStatus,
} from "./resources/datasets/index.js";
export type * from "./resources/datasets/types.js";
export type { BatchResult } from "./internal/decoders/batch-result.js";
export type { RunPhase, RunProgress, RunRequest, RunResult } from "./lib/run-types.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { VERSION } from "./version.js";
