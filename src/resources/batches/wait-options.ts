import * as v from "valibot";
import { abortSignalSchema, secondsSchema } from "../../core/input.js";
import type { Batch, WaitUntilDoneOptions } from "./types.js";

/** Checks `waitUntilDone`'s options before the first poll. */
export const waitUntilDoneOptionsSchema: v.GenericSchema<unknown, WaitUntilDoneOptions> = v.strictObject(
  {
    pollIntervalInSeconds: v.optional(secondsSchema),
    timeoutInSeconds: v.optional(secondsSchema),
    abortSignal: v.optional(abortSignalSchema),
    onProgress: v.optional(
      v.custom<(batch: Batch) => void>((value) => typeof value === "function", "must be a function"),
    ),
  },
  "must be an object { pollIntervalInSeconds?, timeoutInSeconds?, abortSignal?, onProgress? }",
);
