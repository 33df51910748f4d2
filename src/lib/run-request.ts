// What `batches.run` reads of its caller, checked once before anything is sent: the run request,
// the request options, and the key the caller gave for the upload.
import * as v from "valibot";
import { type ApiClient, bodyParamsAsData } from "../core/api-client.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { isNotBlank } from "../core/idempotency-key-sent.js";
import { abortSignalSchema } from "../core/caller-signal.js";
import { checkInput } from "../core/input.js";
import { functionSchema, nonEmptyStringSchema, secondsSchema } from "../core/input-schemas.js";
import type { RequestOptions, ResolvedRequestOptions } from "../core/request-options.js";
import { closeUnread } from "../internal/close-unread.js";
import { knownEmpty } from "../internal/known-empty.js";
import { carryTokens } from "../internal/secrets.js";
import { requiredTextSchema } from "../resources/batches/schemas.js";
import type { RunProgress, RunRequest } from "./run-types.js";

const runRequestSchema = v.strictObject(
  {
    // As a create checks them (not blank, no lone surrogate), before anything is uploaded.
    name: requiredTextSchema,
    model: requiredTextSchema,
    // A type a batch cannot read (`embed-input`) was uploaded and validated, and only the create
    // failed, leaving the dataset behind. A batch input type the SDK does not know passes.
    type: v.pipe(
      nonEmptyStringSchema,
      v.check(
        (type) => /^batch-.+-input$/.test(type),
        'is not a batch input type ("batch-embed-v2-input", "batch-chat-v2-input", ...)',
      ),
    ),
    requests: v.pipe(
      v.custom<RunRequest["requests"]>((x) => x !== undefined && x !== null, "is required"),
      // An empty list would be uploaded, fail validation, and only then be reported.
      v.check((x) => !knownEmpty(x), "is empty: a batch needs a request"),
    ),
    onProgress: v.optional(functionSchema<(progress: RunProgress) => unknown>()),
    pollIntervalInSeconds: v.optional(secondsSchema),
    timeoutInSeconds: v.optional(secondsSchema),
    abortSignal: v.optional(abortSignalSchema),
    cancelOnAbort: v.optional(v.boolean()),
  },
  "must be an object with name, model, type and requests",
);

/** A run's input, checked: the request, its options, and the create's own `bodyParams`. */
export interface CheckedRun {
  readonly run: RunRequest;
  readonly options: ResolvedRequestOptions;
  readonly bodyParams: Record<string, unknown> | undefined;
}

/**
 * Checks the run request and resolves the options; a failure closes the caller's `requests`.
 * The options are checked before the run's scope follows `abortSignal` (a signal-shaped junk
 * threw a raw TypeError there), and read from the checked copy from here on: the caller's object
 * (a getter, a Proxy) is never read again.
 */
export function checkRun(api: ApiClient, request: RunRequest, given: RequestOptions | undefined): CheckedRun {
  try {
    const run = checkInput(runRequestSchema, request, "run request") as RunRequest;
    const options = api.resolveOptions(given);
    return { run, options, bodyParams: createFields(options.bodyParams) };
  } catch (error) {
    closeRunRequests(request);
    throw error;
  }
}

/**
 * Closes the caller's one-shot `requests` (a Node read stream holds a file open) of a run that
 * ends before its upload began, as `datasets.create` closes the `data` it never sends.
 */
export function closeRunRequests(request: unknown): void {
  try {
    closeUnread((request as RunRequest).requests);
  } catch {
    // A request that cannot be read has been refused for it.
  }
}

/** The run's options for its calls, and those of its upload alone (see `splitUploadKey`). */
export interface RunOptions {
  /** For every call of the run but the upload: no `bodyParams`, no `Idempotency-Key`. */
  readonly options: ResolvedRequestOptions;
  /** What the upload adds: the caller's key header, and its `idempotencyKey` (or none). */
  readonly upload: {
    readonly headers: Record<string, string | undefined> | undefined;
    readonly idempotencyKey: string | undefined;
    /** Whether the caller gave a key (a blank header is no key, as the retry layer reads one). */
    readonly keyed: boolean;
  };
}

/**
 * Splits the caller's Idempotency-Key (the option, or a header) off the run's options: it is the
 * upload's alone. To a server that ties a key to one request, a cancel sent with it is a replay
 * of the upload or a 422 (the batch ran on), and the create sends a key of the run's own.
 * `bodyParams` are the batch's own extra fields: they go with its create alone (an upload, a poll
 * or a cancel has no body for them), as the data `checkRun` checked.
 *
 * The tokens the upload and the creates send, of which a server may make the dataset's or the
 * batch's id, are carried by every call of the run (a poll, a cancel, the watch, `results()`),
 * which are cleaned of them, when a token function that mints one per call has moved the
 * client's memory of the last 4 past them. The run's messages and its error are cleaned of them
 * too.
 */
export function splitUploadKey(given: ResolvedRequestOptions): RunOptions {
  const { bodyParams: _sentWithTheCreate, idempotencyKey, headers, ...rest } = given;
  const isKey = ([name]: [string, unknown]) => name.toLowerCase() === "idempotency-key";
  const keyHeader = Object.entries(headers ?? {}).filter(isKey);
  const options = carryTokens(
    headers === undefined
      ? rest
      : { ...rest, headers: Object.fromEntries(Object.entries(headers).filter((entry) => !isKey(entry))) },
    [],
  );
  return {
    options,
    upload: {
      headers: headers === undefined ? undefined : Object.fromEntries(keyHeader),
      idempotencyKey,
      keyed: idempotencyKey !== undefined || keyHeader.some(([, value]) => isNotBlank(value ?? "")),
    },
  };
}

const MAX_DEPTH = 1000;

/**
 * The create fields of `bodyParams`, checked before anything is uploaded (a value JSON would not
 * send as given was refused only at the create, after an upload and its validation), and read
 * once, so that every create attempt sends the same fields. Not the fields `run` sets: another
 * `input_dataset_id` made the create read a dataset the run did not upload, so that its search
 * for a batch a lost answer made found none, and it created a second one.
 */
function createFields(bodyParams: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (bodyParams === undefined) return undefined;
  // `inputDatasetId` too: protobuf's JSON reads a field by either name.
  for (const field of ["name", "model", "input_dataset_id", "inputDatasetId"])
    if (Object.hasOwn(bodyParams, field))
      throw new CohereError(
        `Invalid request options: a run's bodyParams cannot set ${field} (${field.startsWith("input") ? "the batch reads the dataset the run uploads" : `give it in the run request`})`,
      );
  const data = bodyParamsAsData(bodyParams);
  // Each create serialises them again, deeper in the stack than this check: fields nested near
  // the stack's limit passed here and overflowed there, after the upload.
  if (depthOf(data) > MAX_DEPTH)
    throw new CohereError(`Invalid request options: a run's bodyParams nest deeper than ${MAX_DEPTH} levels`);
  return data;
}

/** How deep `data` (parsed JSON) nests: 1 for an object of plain values. Counted without recursion. */
function depthOf(data: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[data, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== "object" || value === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}
