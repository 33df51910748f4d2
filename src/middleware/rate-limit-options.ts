import * as v from "valibot";
import { checkInput } from "../core/input.js";
import { functionSchema } from "../core/input-schemas.js";
import type { RateLimitOptions } from "./rate-limit.js";

/** Throws a `CohereError` for options that are not what `RateLimitOptions` says. */
export function checkRateLimitOptions(options: RateLimitOptions): void {
  checkInput(rateLimitOptionsSchema(), options, "rateLimitMiddleware options");
}

// Built when called, not at module level: a bundle that never limits must not carry it.
function rateLimitOptionsSchema() {
  return v.strictObject(
    {
      requestsPerMinute: v.optional(
        v.pipe(
          v.number("must be a positive number"),
          v.check((n) => n > 0 && Number.isFinite(n), "must be a positive number"),
        ),
      ),
      burst: v.optional(
        v.pipe(
          v.number("must be a positive integer"),
          v.check((n) => Number.isInteger(n) && n >= 1, "must be a positive integer"),
        ),
      ),
      now: v.optional(functionSchema<() => number>()),
    },
    "must be an object { requestsPerMinute?, burst?, now? }",
  );
}
