/**
 * Telemetry never fails a call: a tracer, span or context manager that throws (a buggy exporter,
 * a half-installed SDK) is reported with `console.warn` and ignored, as the SDK's other callbacks
 * are. One per plugin: each kind of failure is reported the first time only.
 */
export class Telemetry {
  readonly #reported = new Set<string>();

  /** `run`'s answer, or undefined when it throws or answers with a promise (`what` is reported). */
  run<T>(what: string, run: () => T): T | undefined {
    try {
      const value = run();
      // A promise where a span or a value was due (an async exporter's `end`): its rejection is
      // reported, not left unhandled (a crash in Node), and it is no span.
      if (!this.settled(value, what)) return undefined;
      return value;
    } catch (error) {
      this.ignored(what, error);
      return undefined;
    }
  }

  ignored(what: string, error: unknown): void {
    if (this.#reported.has(what)) return;
    this.#reported.add(what);
    try {
      console.warn(`cohere-batches/otel: ${what} failed and was ignored (reported once per plugin).`, error);
    } catch {
      // A console that throws (patched by a test, a logging library): the report is lost, not
      // the call, and not a rejection left unhandled (this runs in a rejected promise's handler).
    }
  }

  /**
   * False for a promise (an async method's answer where none is due: an exporter's `end`), whose
   * rejection is then reported (`what`), or dropped when `what` is undefined; true for any other
   * value. Only real promises are taken for one: their rejections are the ones that go unhandled,
   * and another object's `then` is not called (a span may answer every property).
   */
  settled(value: unknown, what?: string): boolean {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return true;
    try {
      // A cheap look first: most answers are the span itself (`setAttribute` returns `this`), and
      // a `then` that throws for them would cost an exception per call. A promise of any realm
      // says "Promise" here.
      if (Object.prototype.toString.call(value) !== "[object Promise]") return true;
      // The runtime's own `then`, which takes a promise of any realm (a `node:vm` context's) and
      // throws for anything else: a subclass's `then` may throw, or never attach the handler.
      Promise.prototype.then.call(
        value,
        undefined,
        (error: unknown) => what !== undefined && this.ignored(what, error),
      );
      return false;
    } catch {
      // Not a promise, or one whose species constructor will not build one (it throws, or never
      // runs its executor): no handler can be attached without that constructor, so a rejection
      // of such a promise is left as the tracer made it.
      return true;
    }
  }

  /**
   * Calls a span's methods, each on its own: one that throws does not keep the others from
   * running, and one that answers with a promise has its rejection reported.
   */
  onSpan(what: string, calls: readonly (() => unknown)[]): void {
    for (const call of calls) this.run(what, call);
  }
}
