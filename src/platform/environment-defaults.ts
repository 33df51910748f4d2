import { checkBaseUrl } from "../core/base-url.js";
import { CohereError } from "../core/errors/cohere-error.js";
import { isToken } from "../core/input.js";
import { resolveLogLevel } from "../core/log-switch.js";
import type { EnvironmentDefaults } from "./runtime.js";

/**
 * The client's defaults from `read`'s environment variables (the Node build's): an empty
 * variable is an unset one (env files and CI often export empty variables), and each value is
 * checked and refused by the variable's name. `unreadable` says why a variable could not be
 * read, for the message of a missing key. Here, not in `core/`, so that the other builds carry
 * none of its words.
 */
export function environmentDefaults(
  read: (name: string) => string | undefined,
  unreadable: (name: string) => string | undefined,
): EnvironmentDefaults {
  return {
    token: () => {
      const token = read("CO_API_KEY");
      if (token === undefined || token === "") {
        const why = unreadable("CO_API_KEY");
        throw new CohereError(
          `No API token: pass \`token\` to the client or set the CO_API_KEY environment variable${why ? ` (${why})` : ""}`,
        );
      }
      // A trailing newline from a pasted key is the usual accident. Its value is never shown.
      if (!isToken(token)) {
        throw new CohereError(
          "Invalid CO_API_KEY environment variable: must be visible ASCII without spaces or line breaks",
        );
      }
      return token;
    },
    baseUrl: () => {
      const environment = read("CO_API_URL");
      return environment === undefined || environment === ""
        ? undefined
        : checkBaseUrl(environment, "CO_API_URL environment variable");
    },
    logLevel: () => resolveLogLevel(undefined, read("COHERE_LOG")),
  };
}
