import { ignore } from "./ignore.js";

/**
 * Settles like `work`, or rejects with `onAbort()` as soon as `signal` fires, whichever comes
 * first. The one way the SDK awaits anything it does not control (fetch, a body read, a token
 * function, users' middleware), so that nothing outlives the attempt's timeout or the caller's
 * abort.
 *
 * `work` is always given a rejection handler first, so a promise abandoned here never becomes
 * an unhandled rejection later: the signal had already fired, or it is no signal at all (a
 * plugin wrote junk into `context.attemptSignal`: the listener cannot be added, and the bound
 * promise fails with that).
 */
export function boundBySignal<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => unknown = () => signal?.reason,
): Promise<T> {
  if (signal === undefined) return work;
  work.then(undefined, ignore);
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    // A listener that threw would be an uncaught exception, and this promise would never settle.
    const abort = () => {
      try {
        reject(onAbort());
      } catch (error) {
        reject(error);
      }
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

/**
 * Runs `run` so that a synchronous throw becomes a rejection and a plain value a resolved
 * promise: one promise, whatever it does. For users' code (a token function, a middleware: the
 * caller then has one promise to bound) and for the steps of the SDK's iterators, which end by
 * a throw (see `BatchWalk`).
 *
 * @remarks
 * The SDK's rule for promises it hands on: never return one that may already be rejected, from
 * an `async` function (`return other()`) or a `then` callback. Its handler is then attached by
 * the job that adopts it, a microtask late, and workerd, whose unhandled-rejection check runs
 * before that job, reports it as unhandled though the caller handles it (Node, Deno and browsers
 * do not). `return await other()` attaches it at once; a step run as a `then` callback ends by a
 * throw instead. test/runtimes/workerd-adopted-rejections.test.ts holds the SDK to it.
 */
export function promiseOf<T>(run: () => T | PromiseLike<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}
