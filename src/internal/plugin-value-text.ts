// What a user's plugin threw, returned or passed `next()`, in words for the guard's messages.
import { describeValue } from "../core/input.js";

/** What a plugin threw, in words: an `Error`'s message (else its name), any other value named. */
export function describePluginThrown(error: unknown): string {
  // Whatever was thrown is read with care: a Proxy whose every trap throws must still be named.
  try {
    return error instanceof Error ? error.message || error.name : describeUserValue(error);
  } catch {
    return "a value that cannot be read";
  }
}

/** What a value is, never what a string holds: a plugin may throw or return a secret. */
export function describeUserValue(value: unknown): string {
  return typeof value === "string" ? "a string" : describeValue(value);
}
