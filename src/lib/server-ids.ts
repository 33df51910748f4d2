// Ids a server's answer hands the workflows (`run`, `results`) to address next: one the SDK's own
// input check refuses (`""`, `"."`, `".."`, a lone surrogate, the dataset id `"usage"`) is the
// server's error, a `CohereParseError`, not the caller's bad input in the next call.
import * as v from "valibot";
import { CohereParseError } from "../core/errors/parse-error.js";
import { datasetIdSchema } from "../resources/batches/schemas.js";

/** True when `id` is one the SDK can put in a path: its input check takes it. */
export function isAddressable(kind: "batch" | "dataset", id: string): boolean {
  // A batch id is checked by the schema the dataset id's is built on (`batchIdSchema`), reached
  // through it: the page's chunk already exports `datasetIdSchema` to the datasets' chunks, and
  // one more export would grow the page.
  return v.safeParse(kind === "batch" ? datasetIdSchema.pipe[0] : datasetIdSchema, id).success;
}

/**
 * A `CohereParseError` for an answer of status `status` (`data`, as the SDK read it) that carried
 * a `kind` id (`shownId`: cleaned of the tokens) the SDK cannot address; `consequence` says what
 * that leaves (a batch it cannot cancel).
 */
export function unaddressableId(
  answer: { readonly status: number; readonly text: string },
  where: string,
  kind: "batch" | "dataset",
  shownId: string,
  consequence = "",
): CohereParseError {
  return new CohereParseError(answer.status, answer.text, [
    `${where}: the server's answer carried ${kind} id ${JSON.stringify(shownId)}, which the SDK cannot address${consequence}`,
  ]);
}
