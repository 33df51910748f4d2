import type { Tracer } from "@opentelemetry/api";
// The main entry, by the package's name (see index.ts): its `CohereError` is the caller's own
// class (`instanceof` holds), not a copy.
import { CohereError } from "cohere-batches";
import type { OpenTelemetryOptions } from "./index.js";

const knownOptions = ["tracer", "propagate"];

/** The options, each read once, or a `CohereError` saying which is wrong (nothing is built). */
export function checkedOptions(options: unknown): OpenTelemetryOptions {
  const refuse = (problem: string, cause?: unknown) =>
    new CohereError(`Invalid openTelemetryPlugin options: ${problem}`, cause === undefined ? undefined : { cause });
  if (options === undefined) return {};
  let tracer: unknown;
  let propagate: unknown;
  let startSpan: unknown;
  // Every look inside a caller's object is in the `try`: a Proxy's trap (a revoked Proxy's
  // `Array.isArray`, a tracer's `get`) or a getter that throws is a `CohereError`, not its own.
  try {
    if (typeof options !== "object" || options === null || Array.isArray(options))
      throw refuse(
        `must be an object { tracer?, propagate? } (got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options})`,
      );
    const unknown = Object.keys(options).find((key) => !knownOptions.includes(key));
    if (unknown !== undefined)
      throw refuse(`${JSON.stringify(unknown.slice(0, 50))} is not a known option (tracer, propagate)`);
    ({ tracer, propagate } = options as OpenTelemetryOptions);
  } catch (error) {
    throw error instanceof CohereError ? error : refuse("they could not be read", error);
  }
  try {
    startSpan = (tracer as Partial<Tracer> | null | undefined)?.startSpan;
  } catch (error) {
    throw refuse("tracer could not be read (its startSpan threw)", error);
  }
  if (propagate !== undefined && typeof propagate !== "boolean")
    throw refuse(`propagate must be a boolean (got ${typeof propagate})`);
  if (tracer !== undefined && typeof startSpan !== "function")
    throw refuse("tracer must be an OpenTelemetry Tracer (with startSpan)");
  return { tracer: tracer as Tracer | undefined, propagate };
}
