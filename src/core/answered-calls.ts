import type { MiddlewareContext } from "./middleware.js";

// Hooks of a workflow on the calls it makes through the public clients (`run`'s create and the
// walk after it), keyed by the request options it gives them, as `afterEarlierAttempts` is.
const hooks = new WeakMap<object, (context: MiddlewareContext) => void>();

/**
 * `options` (a fresh object), whose calls hand their context to `hook` once answered: for a
 * workflow that quotes what an answer held (a batch id a server made), cleaned of the tokens
 * that very call sent (`redactTokens`), which the client's memory of the last few may have let go.
 */
export function whenAnswered<T extends object>(options: T, hook: (context: MiddlewareContext) => void): T {
  hooks.set(options, hook);
  return options;
}

/** The hook `whenAnswered` set on the call's `requestOptions`, if any. */
export function answeredHookOf(requestOptions: object | undefined): ((context: MiddlewareContext) => void) | undefined {
  return requestOptions === undefined ? undefined : hooks.get(requestOptions);
}
