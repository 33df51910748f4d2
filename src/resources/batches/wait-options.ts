import * as v from "valibot";
import { abortSignalSchema } from "../../core/caller-signal.js";
import { functionSchema, secondsSchema } from "../../core/input-schemas.js";
import type { Batch, WaitUntilDoneOptions } from "./types.js";

/** Checks `waitUntilDone`'s options before the first poll. */
export const waitUntilDoneOptionsSchema: v.GenericSchema<unknown, WaitUntilDoneOptions> = v.strictObject(
  {
    pollIntervalInSeconds: v.optional(secondsSchema),
    timeoutInSeconds: v.optional(secondsSchema),
    abortSignal: v.optional(abortSignalSchema),
    onProgress: v.optional(functionSchema<(batch: Batch) => void>()),
  },
  "must be an object { pollIntervalInSeconds?, timeoutInSeconds?, abortSignal?, onProgress? }",
);
