import { CohereError } from "../core/errors/cohere-error.js";
import { isWellFormed } from "../core/input-schemas.js";

/**
 * `text`, refused where it holds a lone UTF-16 surrogate: encoded as UTF-8 it would be sent as
 * U+FFFD, other text than the caller's (as an object line's is refused: see `sentAsGiven`).
 */
export function wellFormed(text: string, where: string): string {
  if (!isWellFormed(text))
    throw new CohereError(`Invalid ${where} holds a lone UTF-16 surrogate, which would be sent as U+FFFD`);
  return text;
}
