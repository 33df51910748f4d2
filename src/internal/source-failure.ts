import { callFailure } from "../core/errors/call-failure.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { describeCause, unreadableDataMessage } from "./cause-chain.js";

/**
 * Throws what a caller's data source threw as it was read (a stream that errors, a generator
 * that throws, a file that cannot be read) as a `CohereError` saying so: it is neither a
 * connection failure nor the server's doing. The SDK's own refusals (an item that is not an
 * object) pass as they are.
 */
export function sourceFailure(error: unknown): never {
  if (CohereError.is(error)) throw error;
  throw callFailure(unreadableDataMessage(describeCause(error)), { cause: error });
}
