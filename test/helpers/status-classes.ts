/**
 * Cohere's statuses and the error class API.md gives each, written out here (not read from
 * the SDK's own map) so the tests hold the SDK to the contract.
 */
export const statusClasses: readonly [number, string][] = [
  [400, "BadRequestError"],
  [401, "UnauthorizedError"],
  [403, "ForbiddenError"],
  [404, "NotFoundError"],
  [422, "UnprocessableEntityError"],
  [429, "TooManyRequestsError"],
  [498, "InvalidTokenError"],
  [499, "ClientClosedRequestError"],
  [500, "InternalServerError"],
  [501, "NotImplementedError"],
  [503, "ServiceUnavailableError"],
  [504, "GatewayTimeoutError"],
];
