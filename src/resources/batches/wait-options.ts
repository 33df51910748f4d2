import * as v from "valibot";
import { abortSignalSchema, secondsSchema } from "../../core/input.js";
import type { Batch, WaitUntilDoneOptions } from "./types.js";

/** Checks `waitUntilDone`'s options before the first poll. */
export const waitUntilDoneOptionsSchema: v.GenericSchema<unknown, WaitUntilDoneOptions> = v.strictObject({
  pollIntervalInSeconds: v.exactOptional(secondsSchema),
  timeoutInSeconds: v.exactOptional(secondsSchema),
  abortSignal: v.exactOptional(abortSignalSchema),
  onProgress: v.exactOptional(v.custom<(batch: Batch) => void>((value) => typeof value === "function", "must be a function")),
});
