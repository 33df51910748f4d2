// What the scripted session (fixtures/session.mjs) must report in every runtime.
export const EXPECTED_SESSION = {
  created: {
    count: 3,
    distinctIds: 3,
    statuses: ["BATCH_STATUS_QUEUED", "BATCH_STATUS_QUEUED", "BATCH_STATUS_QUEUED"],
  },
  retrieved: { sameId: true, name: "beta", model: "command-r", inputTokensType: "string", createdAtRfc3339: true },
  firstPage: { status: 200, size: 2, hasNextToken: true, requestId: true },
  cancel: { body: {}, status: "BATCH_STATUS_CANCELING", paths: ["/v2/batches/{id}:cancel"] },
  notFound: {
    instanceOfNotFound: true,
    instanceOfApiError: true,
    instanceOfCohereError: true,
    isNotFound: true,
    isBadRequest: false,
    name: "NotFoundError",
    status: 404,
    hasRequestId: true,
  },
  badInput: { isCohereError: true, isApiError: false, sent: 0 },
  listAll: { count: 3, sameIds: true, pages: 2 },
  withoutPlugins: {
    retrieved: { sameId: true, name: "beta" },
    notFound: { isNotFound: true, status: 404, bodyIsObject: "object" },
    listAll: { count: 3, sameIds: true },
  },
  calls: [
    "batches.create POST",
    "batches.create POST",
    "batches.create POST",
    "batches.retrieve GET",
    "batches.list GET",
    "batches.cancel POST",
    "batches.retrieve GET",
    "batches.retrieve GET",
    "batches.list GET",
    "batches.list GET",
  ],
} as const;

/**
 * The number of requests the session sends: one per entry of `calls` (no retries), and the
 * client without plugins' four (a retrieve, a 404, two pages).
 */
export const SESSION_REQUESTS = EXPECTED_SESSION.calls.length + 4;

/** The report printed on the line that starts with `marker`, parsed. */
export function parseReport(output: string, marker = ""): Record<string, unknown> {
  const line = output.split("\n").find((l) => l.startsWith(`${marker}{`));
  if (line === undefined) throw new Error(`no session report in the output:\n${output}`);
  return JSON.parse(line.slice(marker.length)) as Record<string, unknown>;
}
