/** The faults `inject` queued, and which one a request takes. */
import { checkFault, checkFaultTarget } from "./fault-checks.js";
import { keptCopy } from "./fault-fields.js";
import type { Fault, FaultTarget, InjectOptions } from "./faults.js";
import { checkKnownKeys } from "./option-checks.js";
import type { Operation } from "./wire.js";

interface PendingFault {
  readonly target: FaultTarget;
  readonly fault: Fault;
  remaining: number;
  skip: number;
}

/**
 * The pending faults, first injected first served.
 *
 * A request takes the oldest pending fault whose target is its operation or `"*"`; each use
 * counts down that fault's `times`.
 */
export class FaultQueue {
  readonly #pending: PendingFault[] = [];

  /**
   * Queues a fault.
   *
   * @throws RangeError for an invalid `times` or `skip`, or a fault field out of range (status,
   * `retryAfterMs`, delay `ms`, truncate `bytes`); TypeError for an unknown operation, fault type
   * or field, or a field of the wrong type (a body JSON cannot serialise, an invalid header).
   */
  add(target: FaultTarget, fault: Fault, options: InjectOptions = {}): void {
    checkFaultTarget(target);
    checkKnownKeys<InjectOptions>("inject options", options, { times: true, skip: true });
    const times = options.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${String(times)}`);
    }
    const skip = options.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be an integer >= 0, got ${String(skip)}`);
    checkFault(fault);
    // Kept as read now, and checked as kept: a getter may answer differently the second time.
    const kept = keptCopy(fault);
    checkFault(kept);
    this.#pending.push({ target, fault: kept, remaining: times, skip });
  }

  /** Takes the fault for a request of `operation`, if one is pending. */
  take(operation: Operation): Fault | undefined {
    const matching = this.#pending.filter((p) => p.target === "*" || p.target === operation);
    // Faults still skipping count this request (whatever answers it) and let it through.
    const pending = matching.find((p) => p.skip === 0);
    for (const waiting of matching) if (waiting.skip > 0) waiting.skip--;
    if (!pending) return undefined;
    const index = this.#pending.indexOf(pending);
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.#pending.splice(index, 1);
    return pending.fault;
  }

  /** How many fault uses are still pending (Infinity if any fault is unlimited). */
  get size(): number {
    return this.#pending.reduce((sum, p) => sum + p.remaining, 0);
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#pending.length = 0;
  }
}
