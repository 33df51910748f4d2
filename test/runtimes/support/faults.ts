// What fixtures/faults.mjs must report in each runtime: Node's outcomes (the baseline), and where
// a runtime's own fetch or event loop differs from Node's, what it does instead.
import { expect } from "vitest";
import type { FaultReport } from "../fixtures/faults.mjs";
import { WORKFLOW_SCENARIOS, type WorkflowFaultReport } from "../fixtures/workflow-faults.mjs";
import { parseReport } from "./session.js";

export type FaultRuntime = "node" | "bun" | "deno" | "workerd" | "edge" | "browser";

/** How a call ends: the error's class (`null`: it succeeded) and the requests the fake saw. */
type Expected = readonly [error: string | null, requests: number];

const T = "CohereTimeoutError";
const C = "CohereConnectionError";
const P = "CohereParseError";
const A = "CohereAbortError";

/**
 * A GET gets two attempts (`maxRetries: 1`), each faulted; a truncated body or one over
 * `maxResponseBytes` is not retried. An upload is sent once (a POST without an Idempotency-Key
 * may have been acted on), but again after a 503 (the server did not act) when its data can be
 * read again: a stream cannot. The records' 503 is a part's: the retry, then two more parts; its
 * `maxResponseBytes` ends the dataset's retrieve, before any download.
 */
const GET: Record<string, Expected> = {
  headersNeverCome: [T, 2],
  bodyStalls: [T, 2],
  resetMidBody: [C, 2],
  truncated: [P, 1],
  dropped: [C, 2],
  retryAfterThenSuccess: [null, 2],
  abortBeforeHeaders: [A, 1],
  abortMidBody: [A, 1],
  overMaxResponseBytes: [P, 1],
};
const UPLOAD: Record<string, Expected> = {
  headersNeverCome: [T, 1],
  bodyStalls: [T, 1],
  resetMidBody: [C, 1],
  truncated: [P, 1],
  dropped: [C, 1],
  retryAfterThenSuccess: [null, 2],
  abortBeforeHeaders: [A, 1],
  abortMidBody: [A, 1],
  overMaxResponseBytes: [P, 1],
};

export const NODE_FAULTS: Record<string, Record<string, Expected>> = {
  retrieve: GET,
  list: GET,
  upload: UPLOAD,
  listAll: GET,
  uploadStream: { ...UPLOAD, retryAfterThenSuccess: ["ServiceUnavailableError", 1] },
  records: { ...GET, retryAfterThenSuccess: [null, 4], overMaxResponseBytes: [P, 0] },
};

/**
 * Bun's, Deno's, workerd's and Chromium's fetch send a GET again when a connection reused from
 * their pool closes before any answer (Node's undici does not): then one attempt's two requests
 * take both dropped connections, or the other attempt's resend is answered (3 requests, success;
 * the records' two further parts add two). On a fresh connection they do not, and the call ends
 * as Node's. Which one a request gets depends on the pool (operations run side by side): either
 * outcome passes, each exactly. Not the SDK's doing; its count of attempts is the same.
 */
const RESENDS_DROPPED_GETS: ReadonlySet<FaultRuntime> = new Set(["bun", "deno", "workerd", "browser"]);

/**
 * Chromium resends a POST too (its network stack retries any request whose reused connection
 * closes before any answer, rewinding the body, a Blob in a browser): a dropped upload is then
 * answered (2 requests, success), with the SDK's one attempt. On a fresh connection it ends as
 * Node's. Either passes, each exactly; the SDK sent it once, and the server had not acted.
 */
const RESENDS_DROPPED_POSTS: ReadonlySet<FaultRuntime> = new Set(["browser"]);

/**
 * What a browser does differently by design, not for a fault of the SDK's: a browser cannot
 * send a stream over HTTP/1.1 (Chromium streams a request body over HTTP/2 only), so the SDK
 * gathers a stream upload into a Blob before sending it (src/internal/uploads.ts), which can be
 * sent again: after a 503 (the server did not act) the upload of a stream goes again and is
 * answered, as the upload of text does everywhere, where Node's stream, read once, cannot.
 */
const BROWSER: Record<string, Record<string, Expected>> = {
  uploadStream: { retryAfterThenSuccess: [null, 2] },
};

/**
 * workerd reports rejections of its own streams' internal promises as unhandled, whatever the
 * code that reads them does: a body read through a reader that breaks off ("Network connection
 * lost.", even with every promise the reader returns handled, and `reader.closed` too), and a
 * reader cancelled while a read waits ("Stream was cancelled.", though that read's promise is
 * handled). These, and only these, are let through in workerd; any other unhandled rejection,
 * the SDK's errors first of all, fails the test.
 */
const WORKERD_OWN = /^Error: (Network connection lost\.|Stream was cancelled\.)$/;

/** The report printed on the `FAULTS ` line of `output`. */
export function parseFaults(output: string): FaultReport {
  return parseReport(output, "FAULTS ") as FaultReport;
}

/** Checks every scenario of `report` against Node's outcomes, as `runtime` differs from them. */
export function expectFaults(report: Record<string, unknown>, runtime: FaultRuntime): void {
  const { unhandled, lateUnhandled, faultsLeft, listAllAbortedBetweenBatches, ...outcomes } = report as FaultReport;
  const theSdks = (texts: string[]) =>
    runtime === "workerd" ? texts.filter((text) => !WORKERD_OWN.test(text)) : texts;
  const expected: Record<string, unknown> = {};
  const seen: Record<string, unknown> = {};
  for (const [operation, scenarios] of Object.entries(NODE_FAULTS))
    for (const [scenario, inNode] of Object.entries(scenarios)) {
      const [error, requests] = (runtime === "browser" ? BROWSER[operation]?.[scenario] : undefined) ?? inNode;
      const key = `${operation}.${scenario}`;
      const outcome = outcomes[key];
      // Resent or not as the runtime's pool had the connection: either way, as said above.
      const get = scenarios === GET || operation === "records";
      const resent =
        scenario === "dropped" &&
        (get ? RESENDS_DROPPED_GETS : RESENDS_DROPPED_POSTS).has(runtime) &&
        outcome?.error === null;
      const [wantError, wantRequests] = resent
        ? [null, requests + 1 + (operation === "records" ? 2 : 0)]
        : [error, requests];
      expected[key] = {
        error: wantError,
        ...(wantError === null ? {} : { isCohereError: true }),
        requests: wantRequests,
        withinBound: true,
        unhandled: [],
      };
      seen[key] =
        outcome === undefined
          ? undefined
          : {
              error: outcome.error,
              ...(outcome.error === null ? {} : { isCohereError: outcome.isCohereError }),
              requests: outcome.requests,
              withinBound: outcome.withinBound,
              unhandled: theSdks(outcome.unhandled),
            };
    }
  // One comparison, so that a failure shows every scenario that differs at once.
  expect(seen).toEqual(expected);
  expect({ unhandled: theSdks(unhandled), lateUnhandled, faultsLeft, listAllAbortedBetweenBatches }).toEqual({
    unhandled: [],
    lateUnhandled: [],
    faultsLeft: 0,
    listAllAbortedBetweenBatches: { third: true, fourth: "CohereAbortError", isCohereError: true },
  });
  // The server's Retry-After: 1 was waited out before the retry.
  expect(outcomes["retrieve.retryAfterThenSuccess"]?.elapsedMs).toBeGreaterThanOrEqual(950);
}

/**
 * How each scenario of fixtures/workflow-faults.mjs ends, where that does not depend on timing:
 * the caller's abort (before the call or during it), input refused before anything is sent,
 * and a wait's or run's deadline. A server's fault (a timeout, a reset, a 503, a 400) ends as a
 * CohereError whose class may depend on the machine's load (an attempt's 0.3 s timeout may pass
 * first, or a run's deadline); their classes are faults.mjs's to compare (for retrieve, list,
 * the uploads). Every scenario, whatever its class: typed, within its bound, nothing unhandled.
 */
const WORKFLOW_OUTCOMES: Record<string, string | null> = {
  abortBeforeHeaders: A,
  abortMidBody: A,
  alreadyAborted: A,
  refusedHeader: "CohereError",
  refusedInput: "CohereError",
  deadline: T,
  abortInToken: A,
  abortInAttempt: A,
  abortInCall: A,
  alreadyAbortedToken: A,
  tokenNeverSettles: T,
  attemptHangs: T,
  callHangsAfterNext: T,
  tokenRejectsLater: "CohereError",
  attemptRejectsLater: "CohereError",
  tokenThrowsAtOnce: "CohereError",
  callRejectsAtOnce: "CohereError",
  attemptThrowsAtOnce: "CohereError",
  // The plugin answered; its late next() is refused, and that refusal is its own to handle.
  nextAfterItsRun: null,
  alreadyAbortedAsyncTokenAlone: A,
  abortAsTokenAnswers1: A,
  abortAsTokenAnswers2: A,
  abortAsTokenAnswers3: A,
  abortAsTokenAnswers4: A,
  abortAsTokenAnswers5: A,
  abortAsTokenAnswers6: A,
  callAnswersDuringToken: null,
  refusedHeaderAsyncTokenAlone: "CohereError",
  listAllAlreadyAborted: A,
  listAllRefusedHeader: "CohereError",
  listAllRefusedInput: "CohereError",
  recordsAlreadyAborted: A,
  recordsRefusedHeader: "CohereError",
  recordsRefusedInput: "CohereError",
  resultsAlreadyAborted: A,
  resultsRefusedHeader: "CohereError",
  resultsRefusedInput: "CohereError",
};

/**
 * workerd also reports the reason of an abort that ends a fetch while its body is read through a
 * reader, every promise the reader gave handled (a probe: the reason comes back unhandled from a
 * stalled body read by `getReader()`, not from one read by `text()`): the caller's abort of the
 * workflow fixture (`Error: caller abort`), a wait's or run's deadline (`Timed out after 0.6
 * s`, the deadline signal's own reason, which the SDK never hands a caller: its waits and runs
 * name what was not done), and an attempt's timeout (`Timed out after 0.3 s`, the attempt
 * signal's reason: a caller gets it named by its call). Seen now and then, as the abort lands
 * while a read waits; the attempt's, when a busy machine (another test file on the other core)
 * slows an answer until its timeout falls inside the body's read: 5 scenarios in one run of 3.
 */
const WORKERD_ABORT_REASONS = /^(Error: caller abort|CohereTimeoutError: Timed out after 0\.[36] s)$/;

/** Checks the report of fixtures/workflow-faults.mjs (every lane, or those in `lanes`). */
export function expectWorkflowFaults(report: Record<string, unknown>, runtime: FaultRuntime, lanes?: string[]): void {
  const { unhandled, lateUnhandled, ...outcomes } = report as unknown as WorkflowFaultReport;
  const theSdks = (texts: string[]) =>
    runtime === "workerd"
      ? texts.filter((text) => !WORKERD_OWN.test(text) && !WORKERD_ABORT_REASONS.test(text))
      : texts;
  const expected: Record<string, unknown> = {};
  const seen: Record<string, unknown> = {};
  for (const [lane, scenarios] of Object.entries(WORKFLOW_SCENARIOS)) {
    if (lanes !== undefined && !lanes.includes(lane)) continue;
    for (const scenario of scenarios) {
      const key = `${lane}.${scenario}`;
      const outcome = outcomes[key];
      // A server's fault: a CohereError of any class (see WORKFLOW_OUTCOMES).
      const error = scenario in WORKFLOW_OUTCOMES ? WORKFLOW_OUTCOMES[scenario] : outcome?.error;
      expected[key] = { error, isCohereError: true, withinBound: true, unhandled: [] };
      seen[key] = outcome && {
        error: outcome.error,
        isCohereError: outcome.isCohereError ?? true,
        withinBound: outcome.withinBound,
        unhandled: theSdks(outcome.unhandled),
      };
    }
  }
  // One comparison, so that a failure shows every scenario that differs at once.
  expect(seen).toEqual(expected);
  expect({ unhandled: theSdks(unhandled), lateUnhandled }).toEqual({ unhandled: [], lateUnhandled: [] });
}
