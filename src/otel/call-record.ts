import type { Span } from "@opentelemetry/api";
import type { MiddlewareContext } from "cohere-batches";

/** What the plugin knows of one call. */
export interface CallRecord {
  /** The call span of its last run. */
  span?: Span;
  /** The call spans of all its runs. */
  readonly spans: Set<Span>;
  /** Its sends so far. */
  sends: number;
  /** The runs of each phase in flight. */
  readonly runs: { readonly call: Set<Run>; readonly attempt: Set<Run> };
}

/**
 * One run of a phase. `context.responseStatus` is the call's last answer, and a run may take it
 * for its own only when no other run went beside it (a hedge's loser, cut short, had the
 * winner's 200) and none before it in the same attempt (a plugin's second send, dropped, had the
 * first one's).
 */
export interface Run {
  /** The status may be this run's. */
  own: boolean;
  readonly done: () => void;
}

/**
 * The records of one plugin: `recordOf(context)` is its call's, made on first use. What this
 * plugin knows of each call is kept by the call's `state` object (one per call, shared by its
 * phases and runs): nothing is written into it, so another plugin that copies, freezes or
 * rewrites the state costs this one nothing of its own.
 */
export function callRecords(): (context: MiddlewareContext) => CallRecord {
  const calls = new WeakMap<object, CallRecord>();
  return (context) => {
    let record = calls.get(context.state);
    if (record === undefined) {
      record = { spans: new Set(), sends: 0, runs: { call: new Set(), attempt: new Set() } };
      calls.set(context.state, record);
    }
    return record;
  };
}

export function startRun(runs: Set<Run>, context: MiddlewareContext): Run {
  const run: Run = { own: runs.size === 0 && context.responseStatus === undefined, done: () => runs.delete(run) };
  for (const other of runs) other.own = false;
  runs.add(run);
  return run;
}
