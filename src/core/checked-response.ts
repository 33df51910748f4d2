import * as v from "valibot";
import { builtRedacted, redactTokens } from "../internal/secrets.js";
import { loadApiError } from "./errors/load-api-error.js";
import { CohereParseError } from "./errors/parse-error.js";
import { issuePath } from "./input.js";
import type { MiddlewareContext } from "./middleware.js";
import { dropKeptBody, keptBodyText, readBodyText } from "./response-body.js";
import { structuralCheck } from "./structural-check.js";

/** What a 2xx answer must be, and what an empty one stands for. */
export interface ResponseDescription<T> {
  /** What a 2xx body must look like. */
  readonly schema: v.GenericSchema<unknown, T>;
  /** The data an empty 2xx body stands for (`cancel`: `{}`); without it, an empty body is a parse error. */
  readonly emptyBody?: T;
  /**
   * For a call that asks for one thing by its id (`retrieve`): that id, and where the answer
   * carries its own. An answer about another thing (from a proxy's cache, or a plugin's, keyed
   * wrongly) is a parse error rather than data handed on as the thing asked for: a wait would
   * end on another batch's status, and `run` would read another batch's results.
   */
  readonly answersFor?: AskedFor<T>;
}

/** The id a call asked for, and where its answer carries one (see `ResponseDescription.answersFor`). */
export interface AskedFor<T> {
  /** The id asked for. */
  readonly id: string;
  /** The answer's field that holds its id, for the message: `"batch.id"`. */
  readonly field: string;
  /** Reads that field of a checked answer. */
  idOf(data: T): unknown;
}

// What each call expects (on its context), and the data of each response that passed (on the
// response): under module-private symbols, so that a plugin does not make a "checked" response
// by accident and nothing is added to the public context type. Not `WeakMap`s: two entries per
// call in weak tables cost every garbage collection.
const expectation: unique symbol = Symbol();
const passedData: unique symbol = Symbol();
// The schema the data passed: a plugin may hand a checked response to a call of another
// operation (a confused cache), which must check it again against its own.
const passedSchema: unique symbol = Symbol();

type ExpectingContext = MiddlewareContext & { [expectation]?: ResponseDescription<unknown> };
type CheckedResponse = Response & { [passedData]?: unknown; [passedSchema]?: unknown };

/** Declares what `context`'s call expects of its answer (set once by the core, per call). */
export function expectResponse(context: MiddlewareContext, expected: ResponseDescription<unknown>): void {
  (context as ExpectingContext)[expectation] = expected;
}

/**
 * Holds `response` to what the caller will get, once: a non-2xx status is thrown as its
 * `ApiError` subclass, a 2xx body that fails the operation's schema as `CohereParseError`.
 * What passes is kept as the call's data (`takeCheckedData`). The one check for responses from
 * the network and for responses a call-phase plugin makes itself (a cache, a mock), so a
 * plugin's `next()` and the caller see the same truth. Synchronous (a `Response`, or a throw)
 * when the body was read already; a promise otherwise.
 */
export function checkResponse(response: Response, context: MiddlewareContext): Response | Promise<Response> {
  const expected = (context as ExpectingContext)[expectation];
  if (passedData in response && (response as CheckedResponse)[passedSchema] === expected?.schema) {
    // Checked by the same schema, perhaps for another call of the same operation: its id again.
    if (expected?.answersFor)
      holdToId(
        response.status,
        keptBodyText(response) ?? "",
        (response as CheckedResponse)[passedData],
        expected.answersFor,
        context,
      );
    return response;
  }
  // The common case, a 2xx body the transport has read: checked now, without a promise.
  const text = keptBodyText(response);
  if (text === undefined || !response.ok) return readAndCheck(response, context, text);
  return holdToSchema(response, text, context);
}

/** The check with a wait: a body not read yet, or an error status to build (`kept`: the body, if read). */
async function readAndCheck(
  response: Response,
  context: MiddlewareContext,
  kept: string | undefined,
): Promise<Response> {
  const text = kept ?? (await readBodyText(response));
  if (!response.ok) throw await loadApiError(response, text, context);
  return holdToSchema(response, text, context);
}

function holdToSchema(response: Response, text: string, context: MiddlewareContext): Response {
  const expected = (context as ExpectingContext)[expectation];
  const data = expected === undefined ? undefined : parseBody(response.status, text, expected, context);
  if (expected?.answersFor) holdToId(response.status, text, data, expected.answersFor, context);
  (response as CheckedResponse)[passedData] = data;
  (response as CheckedResponse)[passedSchema] = expected?.schema;
  return response;
}

/** Throws a parse error when `data` is about another thing than the one its call asked for. */
function holdToId(
  status: number,
  text: string,
  data: unknown,
  { id, field, idOf }: AskedFor<unknown>,
  context: MiddlewareContext,
): void {
  const answered = idOf(data);
  // In any case: a service that takes an id in any case (a UUID) may answer with its own.
  if (answered === id || (typeof answered === "string" && answered.toLowerCase() === id.toLowerCase())) return;
  const issue = `${field}: ${JSON.stringify(answered)} is not the id asked for (${JSON.stringify(id)})`;
  throw parseFailure(status, text, context, [redactTokens(context, issue)]);
}

/** A 2xx answer that is not what its call expects; a server may echo the token in it, so its text goes without. */
function parseFailure(status: number, text: string, context: MiddlewareContext, issues: string[]): CohereParseError {
  return builtRedacted(new CohereParseError(status, redactTokens(context, text), issues));
}

/**
 * The data `checkResponse` found in `response`. With `release`, for a response no user code
 * holds, the SDK also lets go of what it hung on it (the data, the kept bytes).
 *
 * @remarks
 * The `Response` Node's fetch resolves with outlives the call: undici holds it through a
 * `WeakRef` and registers it with a `FinalizationRegistry`, which V8 clears only in a full
 * collection. Whatever hangs on it survives every scavenge until then. With its data on it, a
 * `listAll` page of 1,000 batches was copied and promoted by each scavenge: the scavenges of a
 * walk took 4 to 5 times as long as a plain fetch loop's (measured with `--trace-gc`, see
 * docs/benchmarks.md). Deleted in the reverse order of their adding, the object keeps its shape.
 */
export function takeCheckedData<T>(response: Response, release: boolean): T {
  const data = (response as CheckedResponse)[passedData] as T;
  if (release) {
    delete (response as CheckedResponse)[passedSchema];
    delete (response as CheckedResponse)[passedData];
    dropKeptBody(response);
  }
  return data;
}

function parseBody<T>(
  status: number,
  text: string,
  { schema, emptyBody }: ResponseDescription<T>,
  context: MiddlewareContext,
): T {
  const failure = (issues: string[]) => parseFailure(status, text, context, issues);
  if (text.trim() === "") {
    if (emptyBody !== undefined) return emptyBody;
    throw failure(["the body is empty"]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Only the position: JSON.parse quotes ~10 characters of the body, which may be a piece of
    // an echoed token that no redaction of whole tokens finds.
    throw failure([`the body is not JSON${/ at position \d+/.exec((error as Error).message)?.[0] ?? ""}`]);
  }
  // valibot's objects take an array for an object; the types do not.
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw failure(["the body is not a JSON object"]);
  // The compiled check decides a valid body alone; valibot runs to word the issues of one that fails.
  const check = structuralCheck(schema);
  if (check?.(json)) return json as T;
  const result = v.safeParse(schema, json);
  // The two agree but on one thing: valibot's objects take an array (and copy it into an object
  // with index keys) where the compiled check and the types do not.
  if (result.success && check) throw failure(["an array where the spec has an object"]);
  if (result.success) return result.output;
  throw failure(
    result.issues.map((issue) => {
      const path = issuePath(issue);
      return redactTokens(context, path ? `${path}: ${issue.message}` : issue.message);
    }),
  );
}
