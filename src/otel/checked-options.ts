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
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw refuse(
      `must be an object { tracer?, propagate? } (got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options})`,
    );
  let tracer: unknown;
  let propagate: unknown;
  try {
    const unknown = Object.keys(options).find((key) => !knownOptions.includes(key));
    if (unknown !== undefined)
      throw refuse(`${JSON.stringify(unknown.slice(0, 50))} is not a known option (tracer, propagate)`);
    ({ tracer, propagate } = options as OpenTelemetryOptions);
  } catch (error) {
    throw error instanceof CohereError ? error : refuse("they could not be read", error);
  }
  if (propagate !== undefined && typeof propagate !== "boolean")
    throw refuse(`propagate must be a boolean (got ${typeof propagate})`);
  if (tracer !== undefined && typeof (tracer as Partial<Tracer> | null)?.startSpan !== "function")
    throw refuse("tracer must be an OpenTelemetry Tracer (with startSpan)");
  return { tracer: tracer as Tracer | undefined, propagate };
}
